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


def figure_download(build_page_figure, label, file_name, key):
    """A button that downloads the figure `build_page_figure()` makes (a PageFigure) as a standalone
    interactive HTML file (Plotly's own download button inside it saves SVG). For a figure the page draws
    another way (the gradient page's live map): it is built only when the button is pressed, and the press
    does not rerun the page."""

    def html():
        figure = build_page_figure().figure
        return figure.to_html(include_plotlyjs=True, full_html=True, config=DOWNLOAD_CONFIG).encode("utf-8")

    options = {"mime": "text/html", "key": key, "on_click": "ignore", "icon": ":material/download:"}
    st.download_button(label, html, file_name=file_name, **options)
