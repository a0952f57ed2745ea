"""Light and dark: the sidebar's theme switch (in the URL as ?theme=dark) and the theme the charts draw in.

.streamlit/config.toml defines both themes ([theme.light], [theme.dark]); by itself Streamlit follows the
device's setting ("auto"). Its own theme menu is not in the viewer toolbar and Python has no call to set
a theme, so theme.js applies the visitor's choice in the browser, through the setter Streamlit's own
menu uses. A theme set there stays through reruns and page switches (it lives in the browser page); the
choice also lives in session state and the URL like the language, so a link opens in the same theme.

core's figures carry an explicit light or dark template (so exported files look like the app) and do not
follow Streamlit's theme by themselves: the pages pass `chart_theme()` to every figure builder. Under
"auto" that is the theme the browser paints, which theme.js reads and reports (st.context.theme is
wrong on a session's first load).
"""

from pathlib import Path

import streamlit as st

from topics.shared.figures import THEMES  # the themes core's figures can be drawn in
from topics.shared.url_params import ChoiceParam
from ui.language import labels, t

THEME_KEY = "theme"  # the switch's key and URL name
CHOICES = ("auto", "light", "dark")
REPORT_KEY = "cee_theme"  # the component's state: {"theme": what the browser paints}

_COMPONENT = st.components.v2.component(
    "cee_theme",
    # A probe that is never seen: its computed `color` is the theme's background colour.
    html='<span class="cee-theme-probe" hidden style="color: var(--st-background-color)"></span>',
    js=(Path(__file__).parent / "theme.js").read_text(encoding="utf-8"),
)


def theme_param():
    return ChoiceParam(THEME_KEY, CHOICES, default="auto")


def theme_choice():
    """"auto", "light" or "dark", as the switch (or the URL) set it."""
    choice = st.session_state.get(THEME_KEY)
    return choice if choice in CHOICES else "auto"


def chart_theme():
    """The theme to draw figures in: the visitor's choice; under "auto" what the browser reported, else
    Streamlit's own guess."""
    choice = theme_choice()
    if choice in THEMES:
        return choice
    reported = st.session_state.get(REPORT_KEY)
    theme = reported.get("theme") if reported else None
    if theme in THEMES:
        return theme
    return "dark" if st.context.theme.type == "dark" else "light"


def theme_switch():
    """The sidebar's Auto / Light / Dark control (its value lives in session state and the URL)."""
    st.segmented_control(
        t("app.theme"),
        CHOICES,
        key=THEME_KEY,
        format_func=labels("app.theme"),  # words only: with icons the three do not fit the sidebar
        required=True,
        help=t("app.theme_help"),
    )


def watch_theme():
    """Draw the component that applies the choice to Streamlit's theme and, under "auto", reruns the app
    when the browser paints another theme than this run's charts were drawn in."""
    _COMPONENT(key=REPORT_KEY, data={"choice": theme_choice(), "theme": chart_theme()}, height="content")
