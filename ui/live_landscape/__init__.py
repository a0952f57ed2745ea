"""The gradient page's live landscape: drag the current point (z1, z2) on the loss map; the -grad L arrow,
the descent path for the page's learning rate and steps, and the loss and dL/dz readouts move in the
browser (live_landscape.js, with the shared math of ui/live_math). Nothing moving, it shows core's numbers
(sent in `data`); a release or a key press sends {z1, z2}, and `on_release(z1, z2)` runs as a callback
before the page script (the browser is not trusted: it validates them).
"""

from pathlib import Path

from ui.live_math import define_component, show_component

_COMPONENT = define_component("cee_live_landscape", "ll", Path(__file__).parent, "live_landscape")


def live_landscape(key, data, on_release):
    """Draw the live landscape for `data` (topics.gradient.figures.live_data); `on_release(z1, z2)` gets
    what the browser sent (untrusted: validate it)."""

    def released(sent):
        if isinstance(sent, dict):
            on_release(sent.get("z1"), sent.get("z2"))

    show_component(_COMPONENT, key, data, released)
