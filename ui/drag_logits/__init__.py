"""The playground's draggable logit bars: a Streamlit components v2 component drawn in the page.

The browser (drag_logits.js, with the shared math of ui/live_math) redraws the bars, the softmax, the
target and the loss, H(y), KL and gradient numbers on every animation frame while a logit, a target bar,
the true class, the temperature or the smoothing moves, and sends the state back only on release or a key
press. Python stays the source of truth: the page passes the current state in `data` on every run, and a
release runs `on_release(state)` as a callback, before the page script, like any widget's on_change.
"""

from pathlib import Path

from ui.live_math import define_component, show_component

_COMPONENT = define_component("cee_drag_logits", "dl", Path(__file__).parent, "drag_logits")


def drag_logits(key, data, on_release):
    """Draw the bars for `data` (topics.playground.figures.drag_data); `on_release(state)` gets the dict the
    browser sent: logits, weights, trueClass, temperature, smoothing (untrusted: validate it)."""
    show_component(_COMPONENT, key, data, on_release)
