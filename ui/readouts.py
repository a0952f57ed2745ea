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


NARROW = 640  # px: below this width a table is read row by row (no sideways scroll on a phone)


def stacked_table(table, key):
    """{column: [text, ...]} as a table on a wide screen and, below NARROW px, as one short block per row
    ("**first cell**" then "column: value" lines), so a phone never scrolls it sideways. Both are sent;
    CSS shows one (the containers are keyed `key` and `key`_rows)."""
    text_table(table, key)
    columns = list(table)
    with st.container(key=f"{key}_rows"):
        for row in zip(*table.values(), strict=True):
            cells = zip(columns[1:], row[1:], strict=True)
            lines = [f"**{row[0]}**"] + [f"{column}: {value}" for column, value in cells]
            st.markdown(prose("  \n".join(lines)))
    st.html(
        f"<style>@media (max-width: {NARROW}px) {{ .st-key-{key} {{ display: none; }} }}"
        f" @media (min-width: {NARROW + 1}px) {{ .st-key-{key}_rows {{ display: none; }} }}</style>"
    )


def prose(text):
    """Text for st.markdown with its brackets escaped: "[0.9, 0.2] [1, 0]" must not read as a link."""
    return text.replace("[", "\\[")
