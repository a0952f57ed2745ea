"""Batch: nn.CrossEntropyLoss on a whole batch, step by step, with every option PyTorch has.

The batch lives in session state under the URL keys (bt_logits, bt_labels, ...); the editor
(ui.batch_editor) and the options change it only with input that passed topics.batch.inputs' checks.
"""

import streamlit as st

from topics import batch
from topics.shared.inputs import InputError
from topics.shared.url_params import by_key
from ui import messages
from ui.batch_editor import KEEPS, PAGE, batch_editor, change, probability_table, values
from ui.charts import show_figure
from ui.check_panel import CheckWords, check_panel, show_snippets
from ui.controls import locked, number_input, radio, slider
from ui.errors import friendly_fragment
from ui.language import current_language, labels, paragraphs, t
from ui.readouts import latex_blocks, text_table
from ui.shell import ensure_app_shell
from ui.theme import chart_theme
from ui.url_state import publish, refused_notice, restore

SPECS = batch.state.url_specs()
SPEC = by_key(SPECS)
CHECK_WORDS = CheckWords(
    "bt.check.title",
    closed="bt.check.closed",
    core_column="bt.check.core",
    agree="bt.check.agree",
    format_value=batch.words.fmt_value,
)


# Callbacks: each applies a change from topics.batch and says it next to its control.


def apply_weights():
    if change("weights", batch.inputs.weights, st.session_state.bt_weight_text, values()):
        st.session_state._bt_weight_synced = st.session_state.bt_weight


def apply_ignore():
    old = st.session_state.get("_bt_ignore_seen", batch.state.DEFAULT_IGNORE)
    change("ignore", batch.state.new_ignore_index, values(), old)


# Controls


def option_controls(num_classes, lang):
    st.header(t("bt.options"))
    radio(
        SPEC["bt_target"],
        t("bt.target_form"),
        horizontal=True,
        format_func=labels("bt.target"),
        help=t("bt.target_help"),
    )
    if st.session_state.bt_target == "probs":
        probability_table(batch.state.state_from_values(values()), lang)
    radio(SPEC["bt_reduction"], t("bt.reduction"), horizontal=True, format_func=repr)
    weight = st.session_state.bt_weight
    if st.session_state.get("_bt_weight_synced") != weight or "bt_weight_text" not in st.session_state:
        st.session_state.bt_weight_text = ", ".join(f"{w:g}" for w in weight)  # the box shows those kept
        st.session_state._bt_weight_synced = weight
    example = ", ".join(["1"] * (num_classes - 1) + ["2"])
    hints = {
        "placeholder": t("bt.weight_placeholder", example=example),
        "help": t("bt.weight_help", classes=num_classes),
    }
    hints["disabled"] = locked("bt_weight")
    st.text_input(t("bt.weight"), key="bt_weight_text", on_change=apply_weights, max_chars=2000, **hints)
    messages.show(PAGE, "weights", "bt_message")
    number_input(SPEC["bt_ignore"], t("bt.ignore"), on_change=apply_ignore, help=t("bt.ignore_help"))
    st.session_state._bt_ignore_seen = st.session_state.bt_ignore
    messages.show(PAGE, "ignore", "bt_message")
    slider(SPEC["bt_ls"], t("bt.smoothing"), help=paragraphs("bt.smoothing_help", "smoothing.torch"))


# The numbers, the pictures, the words: one section per step of seed 000's walk-through


def read_batch():
    """The state and its readout; the last good batch if the labels do not fit (a guard: the controls
    keep only batches that fit)."""
    state = batch.state.state_from_values(values())
    try:
        readout = batch.numbers.evaluate(state)
    except InputError as error:
        messages.say_problems(PAGE, "state", error, KEEPS)
        state = st.session_state.get("_bt_last_good", batch.state.BatchState())
        return state, batch.numbers.evaluate(state)
    st.session_state._bt_last_good = state
    return state, readout


def steps_beside_the_controls(state, readout, notes, lang):
    st.header(t("bt.step1"))
    st.caption(t("bt.step1_help" if state.target_form != "probs" else "bt.step1_help_probs"))
    show_figure(batch.figures.softmax_page_figure(state, readout, lang, chart_theme()), "bt_softmax")
    if state.target_form == "probs":
        show_figure(batch.figures.target_page_figure(state, readout, lang, chart_theme()), "bt_target_map")
    st.header(t("bt.step2"))
    st.caption(t(f"bt.step2_help.{state.target_form}"))
    text_table(batch.words.row_table(state, readout, lang), "bt_rows_table")
    st.header(t("bt.step3"))
    latex_blocks(batch.formulas.reduction_latex(state, readout))
    if sentence := batch.words.weighted_mean_sentence(state, readout, lang):
        st.write(sentence)
    if notes:
        with st.container(key="bt_notes"):
            for note in notes:
                st.warning(t(f"bt.note.{note.kind}", **note.params), icon=":material/lightbulb:")


def routes_panel(state, readout):
    st.header(t("bt.step4"))
    st.caption(t("bt.step4_help"))
    form = "index" if state.target_form == "index" else "probs"
    with st.container(key="bt_routes"):
        for column, route in zip(st.columns(len(readout.routes), border=True), readout.routes, strict=True):
            column.metric(t(f"bt.route.{route.kind}"), batch.words.fmt_value(route.value))
            column.caption(t(f"bt.route.{route.kind}.{form}"))


@friendly_fragment
def batch_view(lang):
    """Everything below the title: a change of the batch, an option or the smoothing reruns only this
    fragment, not app.py's sidebar and navigation (every part of the page follows from the batch)."""
    headline = st.container()  # filled once the batch is read: the loss stays in view on a phone
    control_column, view_column = st.columns([5, 7], gap="large")
    with control_column:
        st.header(t("bt.batch"))
        st.caption(t("bt.table_help"))
        batch_editor(lang)
        option_controls(len(values()["bt_logits"][0]), lang)
    state, readout = read_batch()
    keras = batch.keras_route.keras_routes(state, readout)
    with headline:
        messages.show(PAGE, "state", "bt_message")
        with st.container(key="bt_loss"):
            st.metric(batch.words.loss_label(state, lang), batch.words.fmt_value(readout.loss))
        st.caption(batch.words.summary(state, readout, lang))
    with view_column:
        steps_beside_the_controls(state, readout, batch.words.notes(state, readout, keras), lang)
    routes_panel(state, readout)
    st.header(t("bt.step5"))
    show_figure(batch.figures.gradient_page_figure(state, readout, lang, chart_theme()), "bt_grad")
    st.write(batch.words.gradient_words(state, readout, lang))
    runners = (("torch", batch.check.torch_rows), ("keras", batch.check.keras_rows))
    intro = batch.words.keras_words(state, readout, keras, lang)  # from core's Keras mirror: no import needed
    check_panel("bt_check", runners, state, readout, words=CHECK_WORDS, intro=intro)
    st.header(t("bt.step6"))
    st.caption(t("bt.step6_help"))
    snippets = batch.snippets
    show_snippets({"PyTorch": snippets.torch_snippet(state), "Keras 3": snippets.keras_snippet(state)})
    publish(SPECS)


# The page

ensure_app_shell()
lang = current_language()
refused = restore("batch", SPECS, extra_check=batch.state.inconsistent_values)
st.title(t("bt.title"))
st.write(t("bt.intro"))
refused_notice(refused, "bt_notice")

batch_view(lang)
