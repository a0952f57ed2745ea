"""The binary page's live chart: drag the prediction along the BCE curve and drag y; the readout beside it
(both torch losses, both Keras values, H(y), KL, dL/dz, dL/dp, pos_weight's effect) moves in the browser.

live_binary.js computes with the shared math (ui/live_math) while something moves, shows core's numbers
(sent in `data`) whenever nothing does, and sends {x, y} on release or a key press; a callback, before
the page script, sets the control values `to_values(sent, form)` makes of it (untrusted: it validates).
"""

from pathlib import Path

from ui.live_math import define_component, show_component
from ui.url_state import set_values

_COMPONENT = define_component("cee_live_binary", "lb", Path(__file__).parent, "live_binary")


def live_binary(key, data, to_values):
    """Draw the live chart for `data` (topics.binary.figures.live_data); a release sets the control values
    `to_values(sent, data["form"])` returns (topics.binary.state.released)."""
    show_component(_COMPONENT, key, data, lambda sent: set_values(to_values(sent, data["form"])))
