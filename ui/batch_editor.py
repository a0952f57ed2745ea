"""The batch page's editor: the editable table of logits and labels, its shape, a paste box, the examples,
and the table of target probabilities. A component the batch page draws among its controls.

Every value lives in session state under the page's URL keys (bt_logits, bt_labels, bt_probs); the
editor changes them only with input that passed topics.batch.inputs' checks, and says what it did (or
why it refused) next to the control that caused it (ui.messages).
"""

import streamlit as st

from topics import batch
from topics.shared.inputs import CLASS_RANGE
from ui import editable_table, messages
from ui.controls import locked
from ui.editable_table import text_column
from ui.language import current_language, labels, t
from ui.url_state import current_values, set_values

PAGE = "batch"
KEEPS = "bt.keeps_last_good"  # what the page keeps showing after a refused input
PASTE_EXAMPLE = "tensor([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]])"


def values():
    return current_values(batch.state.url_specs())


def change(where, change_of, *args):
    """A callback's change (topics.shared.changes.Change), said next to the control `where`."""
    return messages.apply(PAGE, where, change_of, *args, keeps=KEEPS)


def apply_paste():
    ss = st.session_state
    change("paste", batch.inputs.pasted, ss.bt_paste_logits, ss.bt_paste_labels, values())


def reshape():
    change("shape", batch.state.reshaped, values(), st.session_state.bt_rows, st.session_state.bt_classes)


def load_example():
    if st.session_state.bt_example:
        change("example", batch.state.example, st.session_state.bt_example, current_language())
    st.session_state.bt_example = None


def batch_editor(lang):
    """The table, its shape, the paste box, the examples and reset."""
    current = values()
    batch_table(current, lang)
    st.session_state.bt_rows, st.session_state.bt_classes = (
        len(current["bt_logits"]),
        len(current["bt_logits"][0]),
    )
    left, right = st.columns(2)
    shape = {"step": 1, "on_change": reshape, "disabled": locked("bt_logits", "bt_labels")}
    left.number_input(t("bt.rows"), *batch.state.ROW_RANGE, key="bt_rows", **shape)
    right.number_input(t("bt.classes"), *CLASS_RANGE, key="bt_classes", **shape)
    messages.show(PAGE, "shape", "bt_message")
    with st.expander(t("bt.paste_title"), icon=":material/content_paste:"):
        with st.form("bt_paste_form", border=False):
            logits_box = {"placeholder": PASTE_EXAMPLE, "height": 90, "max_chars": 10_000}
            st.text_area(t("bt.paste_logits"), key="bt_paste_logits", **logits_box)
            labels_box = {"placeholder": "tensor([0, 2])", "max_chars": 2000}
            st.text_input(t("bt.paste_labels"), key="bt_paste_labels", **labels_box)
            st.form_submit_button(
                t("bt.paste_apply"), on_click=apply_paste, key="bt_paste_apply", disabled=shape["disabled"]
            )
        st.caption(t("bt.paste_help"))
        messages.show(PAGE, "paste", "bt_message")
    with st.container(horizontal=True, wrap=True, vertical_alignment="bottom"):
        choice = {
            "index": None,
            "format_func": labels("bt.example"),
            "placeholder": t("bt.examples_placeholder"),
            "disabled": shape["disabled"],
        }
        st.selectbox(
            t("bt.examples"), list(batch.state.EXAMPLES), key="bt_example", on_change=load_example, **choice
        )
        reset = ("example", batch.state.reset)
        st.button(
            t("bt.reset"),
            on_click=change,
            args=reset,
            icon=":material/restart_alt:",
            key="bt_reset_button",
            disabled=shape["disabled"],
        )
    messages.show(PAGE, "example", "bt_message")


def batch_table(current, lang):
    """The editable batch: a snapshot plus the person's edits (ui.editable_table)."""
    base, version = editable_table.snapshot("bt_table", (current["bt_logits"], current["bt_labels"]), lang)
    columns = batch.inputs.table_columns(*base)
    config = {batch.inputs.LABEL_COLUMN: text_column(t("bt.col.label"), t("bt.col.label_help"), 64)}
    for c, name in enumerate(list(columns)[1:]):
        config[name] = text_column(name, t("bt.col.logit_help", index=c), 58)
    editing = {"num_rows": "dynamic", "disabled": locked("bt_logits", "bt_labels")}
    rows = editable_table.edited_rows("bt_table", version, columns, config, **editing)

    def read(rows):
        return batch.inputs.table_edit(rows, current, len(base[1]))

    new, renumbered = editable_table.read_back("bt_table", rows, read, KEEPS) or (None, False)
    if new is None:
        return
    set_values(new)
    messages.clear(PAGE)
    if renumbered:  # rows were added or deleted: show the batch with rows numbered 0..N-1
        editable_table.renew("bt_table")
        st.rerun()
    editable_table.agreed("bt_table", (new["bt_logits"], new["bt_labels"]), lang)


def probability_table(state, lang):
    """The free target rows (target form 'probs'), each divided by its sum."""
    rows = batch.state.probability_rows(state)
    base, version = editable_table.snapshot("bt_probs", rows, lang)
    columns = batch.inputs.probability_columns(base)
    config = {name: text_column(name, t("bt.col.prob_help", index=c), 58) for c, name in enumerate(columns)}
    st.caption(t("bt.probs_help"))
    edited = editable_table.edited_rows("bt_probs", version, columns, config, disabled=locked("bt_probs"))
    probs = editable_table.read_back("bt_probs", edited, batch.inputs.read_probability_table, KEEPS)
    if probs is not None and probs != rows:
        set_values({"bt_probs": probs})
        editable_table.agreed("bt_probs", probs, lang)
