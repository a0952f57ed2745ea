"""Page layout helpers that more than one page uses."""

import streamlit as st

from ui.readouts import NARROW


def controls_and_view(key):
    """The page's two columns, controls (1/3) and view (2/3), in a container keyed `key`.

    Below NARROW px Streamlit stacks columns in order, so a phone would open on the controls and find the
    live chart a screen further down. There the view column comes first: the student lands on the chart
    they drag (it holds the same controls as handles), and the rest of the controls follow it.
    """
    with st.container(key=key):
        control_column, view_column = st.columns([1, 2], gap="large")
    column = f".st-key-{key} [data-testid=stHorizontalBlock] > [data-testid=stColumn]"
    st.html(f"<style>@media (max-width: {NARROW}px) {{ {column}:nth-child(2) {{ order: -1; }} }}</style>")
    return control_column, view_column
