"""The playground's draggable logit bars: a Streamlit components v2 component drawn in the page.

The browser (drag_logits.js) redraws the bars, the softmax and the loss and gradient numbers on every
animation frame of a drag, and sends the logits back only on release or a key press. Python stays the
source of truth: the page passes the current state in `data` on every run, and a release runs
`on_release(logits)` as a callback, before the page script, like any widget's on_change.
"""

from pathlib import Path

import streamlit as st

from ui.controls import control_mode

_FOLDER = Path(__file__).parent
_COMPONENT = st.components.v2.component(
    "cee_drag_logits",
    html='<div class="dl"></div>',
    css=(_FOLDER / "drag_logits.css").read_text(encoding="utf-8"),
    js=(_FOLDER / "drag_logits.js").read_text(encoding="utf-8"),
)


def drag_logits(key, data, on_release):
    """Draw the bars for `data` (topics.playground.figures.drag_data); `on_release(logits)` gets the list the
    browser sent (untrusted: validate it). Bars whose control (data["controls"]) an exercise locks do not
    move (ui.controls.control_mode)."""
    locked = [index for index, control in enumerate(data.get("controls", ())) if control_mode(control)]
    if locked:  # only then: the data stays what the topic gave (the page tests compare them)
        data = {**data, "locked": locked}

    def released():
        on_release(st.session_state[key].get("logits"))

    _COMPONENT(key=key, data=data, on_logits_change=released)
