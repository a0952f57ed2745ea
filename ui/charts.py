"""Drawing a core.figures.PageFigure on a page: the same call and options for every chart."""

import streamlit as st

from core.figures import DOWNLOAD_CONFIG


def show_figure(page_figure, key, container=st):
    """`page_figure`'s Plotly figure with its alt text, the project's download button and a stable key.

    theme=None: the figure carries its own template (core.figures), so the app and the exported files
    look the same."""
    container.plotly_chart(
        page_figure.figure, key=key, theme=None, config=DOWNLOAD_CONFIG, alt=page_figure.alt
    )
