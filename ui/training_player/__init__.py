"""The training page's player: the precomputed steps of a run, animated in the browser on canvases.

Python sends every frame once (topics.training.figures.player_data: the decision regions, each training
point's cross-entropy, the followed sample's logits and softmax, the loss so far); training_player.js
plays them at 30 frames per second times the chosen speed with play / pause / one step / back to step 0
and a slider, so playing costs the server nothing. Nothing is sent back.
"""

from pathlib import Path

import streamlit as st

_FOLDER = Path(__file__).parent
_COMPONENT = st.components.v2.component(
    "cee_training_player",
    html='<div class="tp"></div>',
    css=(_FOLDER / "training_player.css").read_text(encoding="utf-8"),
    js=(_FOLDER / "training_player.js").read_text(encoding="utf-8"),
)


def training_player(key, data):
    """Draw the player for `data` (topics.training.figures.player_data) in a container keyed `key`."""
    with st.container(key=key):
        _COMPONENT(key=f"{key}_component", data=data)
