"""Binary: BCELoss and BCEWithLogitsLoss on one prediction and a soft label, seed 002's puzzle, the ends."""

import streamlit as st

from topics import binary
from topics.binary.snippets import page_snippets
from topics.shared.formatting import fmt
from topics.shared.url_params import by_key
from ui.charts import show_figure
from ui.check_panel import CheckWords, check_panel
from ui.controls import locked, radio, slider
from ui.editable_table import matrix_tables
from ui.errors import friendly_fragment
from ui.language import current_language, labels, paragraphs, t
from ui.layout import controls_and_view
from ui.live_binary import live_binary
from ui.live_math import live_dependent
from ui.readouts import arrow_table, latex_blocks, metric_row
from ui.shell import ensure_app_shell
from ui.theme import chart_theme
from ui.url_state import current_values, publish, refused_notice, restore, set_values

SPECS = binary.state.url_specs()
SPEC = by_key(SPECS)
SEED_002_TABLES = {"bin_ml_z": binary.state.MULTILABEL_LOGITS, "bin_ml_y": binary.state.MULTILABEL_LABELS}
RESET = ":material/restart_alt:"
PW_DRAWN = "_bin_pw_drawn"  # the pos_weight the multi-label panel was drawn with
RUNNERS = (("torch", binary.check.torch_rows), ("keras", binary.check.keras_rows))
CHECK_WORDS = CheckWords(switch="bin.check.open", closed="bin.check.closed", agree="bin.check.agree")


# Controls


def link_prediction(moved=None):
    """Keep z and p linked through the sigmoid: the control not shown (or just moved) follows the other."""
    set_values(binary.state.linked_prediction(current_values(SPECS), moved))


def controls():
    radio(SPEC["bin_form"], t("bin.form"), horizontal=True, format_func=labels("bin.form"))
    with live_dependent("bin_sliders"):  # the chart moves them too; the linked z or p is in its readout
        if st.session_state.bin_form == "logit":
            slider(SPEC["bin_z"], t("bin.z"), format="%.2f", on_change=link_prediction, args=("logit",))
        else:
            slider(SPEC["bin_p"], t("bin.p"), format="%.3f", on_change=link_prediction, args=("prob",))
        slider(SPEC["bin_y"], t("bin.y"), format="%.2f")
    st.caption(t("bin.quick"))
    with st.container(horizontal=True, wrap=True, key="bin_quick"):
        for label in binary.state.QUICK_LABELS:
            st.button(f"{label:g}", key=f"bin_quick_{label:g}", on_click=set_values, args=({"bin_y": label},))
    slider(SPEC["bin_pw"], t("bin.pw"), format="%.1f", help=t("bin.pw_help"))
    slider(SPEC["bin_ls"], t("bin.ls"), format="%.2f", help=paragraphs("bin.ls_help", "smoothing.keras"))


# The numbers, the pictures, the words


@friendly_fragment
def ends_panel(lang):
    st.header(t("bin.ends.title"))
    cases = binary.numbers.ends(slider(SPEC["bin_far"], t("bin.ends.far")))
    with st.container(key="bin_ends"):
        st.dataframe(arrow_table(binary.words.ends_table(cases, lang)), hide_index=True)
        for sentence in binary.words.ends_sentences(cases, lang):
            st.markdown(sentence)
    publish(SPECS)


@friendly_fragment
def multilabel_panel(lang):
    st.header(t("bin.ml.title"))
    st.markdown(t("bin.ml.intro", pos_weight=fmt(st.session_state.bin_pw, 1)))
    matrices = {"z": st.session_state.bin_ml_z, "y": st.session_state.bin_ml_y}
    headings, locks = binary.words.multilabel_headings(lang), locked("bin_ml_z", "bin_ml_y")
    read, key_of = binary.inputs.read_multilabel, binary.inputs.message_key
    logits, labels = matrix_tables("bin_ml", matrices, lang, headings, read, "bin.ml.keeps", key_of, locks)
    set_values({"bin_ml_z": logits, "bin_ml_y": labels})
    st.button(t("bin.ml.reset"), key="bin_ml_reset", on_click=set_values, args=(SEED_002_TABLES,), icon=RESET)
    result = binary.numbers.multilabel(logits, labels, st.session_state.bin_pw)
    with st.container(key="bin_ml_mean"):
        st.metric(t("bin.ml.mean"), fmt(result.mean))
    show_figure(binary.figures.multilabel_page_figure(result, labels, lang, chart_theme()), "bin_multilabel")
    publish(SPECS)


@friendly_fragment
def mistake_panel(lang):
    st.header(t("bin.mistake.title"))
    written = st.toggle(t("bin.mistake.toggle"), key="bin_mistake", disabled=locked("bin_mistake"))
    shown, other = binary.words.mistake_losses(result := binary.numbers.mistake(), written)
    st.write(t("bin.mistake.written" if written else "bin.mistake.intended"))
    with st.container(key="bin_mistake_loss"):
        st.metric(t("bin.mistake.loss"), fmt(shown))
        st.caption(t("bin.mistake.other", value=fmt(other)))
    st.code(binary.snippets.mistake_snippet(written, shown), language="python")
    st.dataframe(arrow_table(binary.words.mistake_table(result, lang)), hide_index=True)
    st.markdown(binary.words.mistake_sentence(result, lang))
    publish(SPECS)


def bridge_panel(readout, lang):
    st.header(t("bin.bridge.title"))
    st.write(t("bin.bridge.intro"))
    bridge = binary.numbers.bridge(readout.z, readout.y)
    metric_row(binary.words.bridge_metrics(bridge, lang), "bin_bridge")
    now, seed = binary.words.bridge_sentences(bridge, binary.numbers.seed_pair(), lang)
    st.caption(now)
    with st.container(key="bin_seed_pair"):
        st.write(seed)


@friendly_fragment
def prediction_view(lang):
    """All that follows z, y, pos_weight and smoothing: their changes rerun only this, not the panels below
    (a new pos_weight reruns the page: the multi-label panel uses it too)."""
    if st.session_state.bin_pw != st.session_state.get(PW_DRAWN, st.session_state.bin_pw):
        st.rerun()
    link_prediction()
    readout = binary.numbers.evaluate(state := binary.state.state_from_values(current_values(SPECS)))
    st.header(t("bin.controls"))  # over both columns: on a phone the chart comes first (controls_and_view)
    control_column, view_column = controls_and_view("bin_layout")
    with view_column:  # the live chart's readout is the page's: every loss, H(y), KL and both gradients
        live_data = binary.figures.live_data(state, readout, lang)
        live_binary("bin_live", live_data, to_values=binary.state.released)
        with live_dependent("bin_formula"):
            st.caption(t("bin.formula"))
            latex_blocks(binary.formulas.formula_lines(readout, state))
    with control_column:
        controls()
    figures, theme = binary.figures, chart_theme()
    st.header(t("bin.curves.title"))
    st.markdown(t("bin.curves.help"))
    with live_dependent("bin_curves_box"):
        show_figure(figures.curves_page_figure(readout, lang, theme), "bin_curves")
        st.caption(t("bin.curves.sync", y=fmt(readout.y, 2)))
    st.header(t("bin.grad.title"))
    with live_dependent("bin_grad_box"):
        left, right = st.columns(2)
        show_figure(figures.sigmoid_page_figure(readout, lang, theme), "bin_sigmoid", left)
        show_figure(figures.gradients_page_figure(state, readout, lang, theme), "bin_gradients", right)
        st.write(t("bin.grad.explain"))
    with live_dependent("bin_check_box"):  # both hold the prediction and the label
        bridge_panel(readout, lang)
        check_panel("bin_check", RUNNERS, state, readout, words=CHECK_WORDS, snippets=page_snippets(state))
    publish(SPECS)


# The page

ensure_app_shell()
lang = current_language()
refused = restore("binary", SPECS, extra_check=binary.state.inconsistent_values)
link_prediction()
st.title(t("bin.title"))
st.write(t("bin.intro"))
refused_notice(refused, "bin_notice")

st.session_state[PW_DRAWN] = st.session_state.bin_pw  # a full run draws every panel with it
prediction_view(lang)
st.header(t("bin.puzzle.title"))
st.write(t("bin.puzzle.intro", pred=f"{binary.numbers.PUZZLE_PRED:g}"))
hard, soft = binary.numbers.puzzle()
with st.container(key="bin_puzzle"):
    st.dataframe(arrow_table(binary.words.puzzle_table(hard, soft, lang)), hide_index=True)
    st.write(binary.words.puzzle_sentence(hard, soft, lang))
ends_panel(lang)
multilabel_panel(lang)
mistake_panel(lang)
publish(SPECS)
