"""The theme the browser shows ("light" or "dark"), for the Plotly charts.

core's figures carry an explicit template (so exported files look like the app), which means they do
not follow Streamlit's theme by themselves. st.context.theme is wrong on the first load and after a
change in the settings menu, so theme.js reads the colour the browser paints and reports it; app.py
draws it in the sidebar on every run, and the pages pass `chart_theme()` to every figure builder.
"""

from pathlib import Path

import streamlit as st

from topics.shared.figures import THEMES  # the themes core's figures can be drawn in

KEY = "cee_theme"

_COMPONENT = st.components.v2.component(
    "cee_theme",
    # A probe that is never seen: its computed `color` is the theme's background colour.
    html='<span class="cee-theme-probe" hidden style="color: var(--st-background-color)"></span>',
    js=(Path(__file__).parent / "theme.js").read_text(encoding="utf-8"),
)


def chart_theme():
    """What the browser reported, else Streamlit's own guess, else light (the app's configured base)."""
    reported = st.session_state.get(KEY)
    theme = reported.get("theme") if reported else None
    if theme in THEMES:
        return theme
    return "dark" if st.context.theme.type == "dark" else "light"


def watch_theme():
    """Draw the reporter; it reruns the app when the browser shows another theme than this run drew."""
    _COMPONENT(key=KEY, data={"theme": chart_theme()}, height="content")
