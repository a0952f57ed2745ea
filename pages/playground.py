"""Playground: set K logits, a target and a temperature; watch softmax, the loss and its gradient."""

import streamlit as st

from topics import playground
from topics.shared import sample
from topics.shared.formatting import fmt
from topics.shared.url_params import by_key
from ui import messages
from ui.charts import show_figure
from ui.check_panel import check_panel
from ui.controls import locked, radio, slider
from ui.drag_logits import drag_logits
from ui.errors import friendly_fragment
from ui.language import current_language, labels, t
from ui.live_math import live_dependent
from ui.readouts import latex_blocks, metric_row
from ui.theme import chart_theme
from ui.url_state import current_values, publish, refused_notice, restore

SPECS = playground.state.url_specs()
SPEC = by_key(SPECS)
PAGE = "playground"
PASTE_BOX = {"placeholder": "2, 1, 0.1", "max_chars": 2000}


# Callbacks: they change control values before the widgets are drawn, and say what they did.


def change(change_of, *args):
    messages.apply(PAGE, "view", change_of, *args)


def apply_paste():
    change(playground.state.pasted, st.session_state.pg_paste)


def take_step():
    state = playground.state.state_from_values(current_values(SPECS))
    change(playground.numbers.step, state, st.session_state.pg_lr)


def release_drag(raw):
    change(playground.state.dragged, raw, st.session_state.pg_k)


# Controls


def controls(state, lang):
    """The drag bars come first, so a laptop shows them above the fold; T and eps move in them too."""
    st.header(t("pg.controls"))
    choice = {"format_func": labels("pg.input"), "required": True, "disabled": locked("pg_input")}
    st.segmented_control(t("pg.input"), playground.state.INPUT_MODES, key="pg_input", **choice)
    live = st.session_state.pg_input == "drag"
    if live:
        with st.container(key="pg_drag_box"):
            drag_logits("pg_drag", playground.figures.drag_data(state, lang), on_release=release_drag)
        st.caption(t("pg.drag.help_live"))
        radio(SPEC["pg_target"], t("pg.target_kind"), horizontal=True, format_func=labels("pg.target"))
    slider(SPEC["pg_k"], t("pg.num_classes"))
    if not live:
        for i in range(state.num_classes):
            slider(SPEC[f"pg_z{i}"], t("pg.logit", index=i), format="%.1f")
    paste = {"help": t("pg.paste_help"), "disabled": locked(*playground.state.logit_keys(state.num_classes))}
    st.text_input(t("pg.paste"), key="pg_paste", on_change=apply_paste, **paste, **PASTE_BOX)
    with st.container(horizontal=True, wrap=True):
        st.button(t("pg.one_step"), on_click=take_step, icon=":material/south:", key="pg_step_button")
        draw, reset = (playground.state.random_draw, state.num_classes), (playground.state.reset,)
        st.button(
            t("pg.random"), on_click=change, args=draw, icon=":material/casino:", key="pg_random_button"
        )
        st.button(
            t("pg.reset"), on_click=change, args=reset, icon=":material/restart_alt:", key="pg_reset_button"
        )
    if not live:
        target_controls(state.num_classes)
        slider(SPEC["pg_t"], t("pg.temperature"), format="%.1f", help=t("pg.temperature_help"))


def target_controls(num_classes):
    radio(SPEC["pg_target"], t("pg.target_kind"), horizontal=True, format_func=labels("pg.target"))
    if st.session_state.pg_target == "soft":
        st.caption(t("pg.soft_help"))
        for i in range(num_classes):
            slider(SPEC[f"pg_y{i}"], t("pg.soft_weight", index=i))
        return
    classes = list(range(num_classes))
    choice = {"format_func": lambda k: t("pg.class_name", index=k), "disabled": locked("pg_class")}
    st.selectbox(t("pg.true_class"), classes, key="pg_class", **choice)
    if st.session_state.pg_target == "smoothed":
        slider(SPEC["pg_eps"], t("pg.smoothing"), help=t("smoothing.torch"))


# The numbers, the pictures, the words


def loss_panel(state, readout, lang):
    with st.container(key="pg_loss"):
        st.metric(t("pg.loss"), fmt(readout.loss))
    metric_row(playground.words.reference_metrics(readout, lang))
    st.caption(t("pg.formula"))
    latex_blocks(playground.formulas.formula_lines(state, readout))


def charts(state, readout, lang):
    """Sliders: logits beside probabilities, the gradient below. Drag bars: those bars are the logits
    chart, so probabilities sit beside the gradient (one Plotly chart fewer after each release)."""
    figures, theme = playground.figures, chart_theme()
    left, right = st.columns(2)
    if st.session_state.pg_input == "drag":
        show_figure(figures.probability_page_figure(state, readout, lang, theme), "pg_probs", left)
        show_figure(figures.gradient_page_figure(state, readout, lang, theme), "pg_grad", right)
    else:
        show_figure(figures.logits_page_figure(state, readout, lang, theme), "pg_logits", left)
        show_figure(figures.probability_page_figure(state, readout, lang, theme), "pg_probs", right)
        show_figure(figures.gradient_page_figure(state, readout, lang, theme), "pg_grad")
    key, fields = playground.words.gradient_sentence(readout)
    st.container(key="pg_grad_sentence").write(t(key, **fields))


@friendly_fragment
def descent_panel(state, lang):
    st.header(t("pg.step_title"))
    left, right = st.columns(2)
    slider(SPEC["pg_lr"], t("pg.learning_rate"), left)
    slider(SPEC["pg_steps"], t("pg.steps"), right)
    # The path costs two charts on every change, so it is drawn only while this switch is on.
    if st.toggle(t("pg.run_steps"), key="pg_path", disabled=locked("pg_path")):
        lr, steps = st.session_state.pg_lr, st.session_state.pg_steps
        path_loss, path_probs = playground.figures.path_page_figures(state, lr, steps, lang, chart_theme())
        with live_dependent("pg_path_box"):
            left, right = st.columns(2)
            show_figure(path_loss, "pg_path_loss", left)
            show_figure(path_probs, "pg_path_probs", right)
            st.caption(t("pg.path_caption", steps=steps, lr=fmt(lr, 2)))
    publish(SPECS)  # its own runs too: the learning rate, the steps and the switch are in the link


@friendly_fragment
def playground_view(lang):
    """Everything that follows from the logits, target and temperature. A change of any of them reruns
    only this fragment: not app.py's sidebar and navigation, not the page title."""
    control_column, view_column = st.columns([1, 2], gap="large")
    state = playground.state.state_from_values(current_values(SPECS))
    readout = sample.evaluate(state)
    # The controls read their values from session state, so drawing them after the readouts is safe.
    with view_column:
        messages.show(PAGE, "view")
        with live_dependent("pg_view"):  # dimmed while the drag bars move, until this runs again
            loss_panel(state, readout, lang)
            charts(state, readout, lang)
    with control_column:
        controls(state, lang)
    descent_panel(state, lang)
    runners = (("torch", playground.check.torch_rows), ("keras", playground.check.keras_rows))
    snippets = {"PyTorch": playground.snippets.torch_snippet(state)}
    with live_dependent("pg_check_box"):
        check_panel("pg_check", runners, state, snippets=snippets)
    publish(SPECS)  # in the fragment: a fragment run must keep the address bar in step too


# The page

lang = current_language()
refused = restore("playground", SPECS, extra_check=playground.state.inconsistent_values)
st.title(t("pg.title"))
st.write(t("pg.intro"))
refused_notice(refused, "pg_notice")
playground_view(lang)
