"""The gradient page's live landscape: drag the current point (z1, z2) on the loss map; the -grad L arrow,
the descent path for the page's learning rate and steps, and the loss and dL/dz readouts move in the
browser (live_landscape.js, with the shared math of ui/live_math). Nothing moving, it shows core's numbers
(sent in `data`); a release or a key press sends {z1, z2}, and `on_release(z1, z2)` runs as a callback
before the page script (the browser is not trusted: it validates them).
"""

from pathlib import Path

import streamlit as st

from ui.live_math import component_script

_FOLDER = Path(__file__).parent
_COMPONENT = st.components.v2.component(
    "cee_live_landscape",
    html='<div class="ll"></div>',
    css=(_FOLDER / "live_landscape.css").read_text(encoding="utf-8"),
    js=component_script(_FOLDER / "live_landscape.js"),
)


def live_landscape(key, data, on_release):
    """Draw the live landscape for `data` (topics.gradient.figures.live_data)."""

    def released():
        sent = st.session_state[key].get("release")
        if isinstance(sent, dict):
            on_release(sent.get("z1"), sent.get("z2"))

    _COMPONENT(key=key, data=data, on_release_change=released)
