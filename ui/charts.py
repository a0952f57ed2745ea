"""Drawing a chart on a page: the same call and options for every chart."""

import streamlit as st

from topics.shared.figures import DOWNLOAD_CONFIG


def plotly_chart(figure, key, alt, container=st, **options):
    """A Plotly figure with its alt text, the project's download button and a stable key; `options` go
    to st.plotly_chart (on_select=, selection_mode=).

    theme=None: the figure carries its own template (topics.shared.figures), so the app and the exported files
    look the same."""
    return container.plotly_chart(figure, key=key, theme=None, config=DOWNLOAD_CONFIG, alt=alt, **options)


def show_figure(page_figure, key, container=st, **options):
    """A topics.shared.figures.PageFigure (a figure and its alt text), drawn by plotly_chart."""
    return plotly_chart(page_figure.figure, key, page_figure.alt, container, **options)
