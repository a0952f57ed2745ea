"""Numbers on a page, drawn the same way everywhere: a row of metrics, formula blocks, a table of text."""

import pyarrow as pa
import streamlit as st


def metric_row(metrics, key=None):
    """{label: value text} as metrics side by side, wrapping on a phone."""
    with st.container(horizontal=True, wrap=True, gap="medium", key=key):
        for label, value in metrics.items():
            st.metric(label, value, width="content")


def latex_blocks(blocks):
    """LaTeX blocks (topics' formulas), one after another."""
    for block in blocks:
        st.latex(block)


def arrow_table(table):
    """{column: [value, ...]} as an Arrow table, which st.dataframe sends as it is: a dict or a pandas
    DataFrame goes through pandas and its conversion to Arrow, ~40x the cost (~3 ms per small table per
    rerun on a busy server). A column Arrow cannot type (mixed values) leaves the dict to Streamlit."""
    try:
        return pa.table(table)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError):
        return table


def text_table(table, key):
    """{column: [text, ...]} as a table without the index, in a container keyed `key`."""
    with st.container(key=key):
        st.dataframe(arrow_table(table), hide_index=True, width="stretch")


def prose(text):
    """Text for st.markdown with its brackets escaped: "[0.9, 0.2] [1, 0]" must not read as a link."""
    return text.replace("[", "\\[")
