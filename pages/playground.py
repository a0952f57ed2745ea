"""Playground: set K logits, a target and a temperature; watch softmax, the loss and its gradient."""

import numpy as np
import streamlit as st

from core import framework_check
from core import playground as pg
from core.formatting import fmt
from core.parsing import parse_vector
from ui.charts import show_figure
from ui.drag_logits import drag_logits
from ui.errors import friendly_fragment
from ui.frameworks import check_expander, run_installed
from ui.language import current_language, t
from ui.theme import chart_theme
from ui.url_state import current_values, publish, refused_notice, restore, set_values

SPECS = pg.url_specs()
DEFAULTS = {spec.key: spec.default for spec in SPECS}


# Callbacks: they change control values before the widgets are drawn.


def apply_paste():
    try:
        logits = parse_vector(
            st.session_state.pg_paste, min_length=pg.CLASS_RANGE[0], max_length=pg.MAX_CLASSES, max_abs=1e6
        )
    except ValueError as error:
        st.session_state._pg_message = ("error", t("pg.paste_error", error=str(error)))
        return
    clipped = bool(np.any(np.abs(logits) > pg.LOGIT_RANGE[1]))
    set_values(pg.values_for_logits(logits))
    message = t("pg.paste_ok", count=len(logits)) + (" " + t("pg.clipped") if clipped else "")
    st.session_state._pg_message = ("success", message)


def take_step():
    state = pg.state_from_values(current_values(SPECS))
    values, (before, after, clipped) = pg.values_after_step(state, st.session_state.pg_lr)
    set_values(values)
    message = t("pg.step_result", lr=fmt(st.session_state.pg_lr, 2), before=fmt(before), after=fmt(after))
    st.session_state._pg_message = ("info", message + (" " + t("pg.clipped") if clipped else ""))


def reset():
    set_values(DEFAULTS)
    st.session_state._pg_message = None


def apply_drag(logits):
    set_values(pg.values_from_drag(logits, st.session_state.pg_k))
    st.session_state._pg_message = None


def randomise():
    rng = np.random.default_rng()
    set_values(pg.values_for_logits(pg.random_logits(rng, st.session_state.pg_k)))
    st.session_state._pg_message = None


# Controls


def controls(state, lang):
    st.subheader(t("pg.controls"))
    st.slider(t("pg.num_classes"), *pg.CLASS_RANGE, key="pg_k")
    num_classes = st.session_state.pg_k
    st.segmented_control(
        t("pg.input"),
        pg.INPUT_MODES,
        key="pg_input",
        format_func=lambda mode: t(f"pg.input.{mode}"),
        required=True,
    )
    if st.session_state.pg_input == "drag":
        st.caption(t("pg.drag.help"))
        with st.container(key="pg_drag_box"):
            drag_logits("pg_drag", pg.drag_data(state, lang), on_release=apply_drag)
    else:
        for i in range(num_classes):
            st.slider(t("pg.logit", index=i), *pg.LOGIT_RANGE, step=0.1, format="%.1f", key=f"pg_z{i}")
    st.text_input(
        t("pg.paste"),
        key="pg_paste",
        help=t("pg.paste_help"),
        on_change=apply_paste,
        placeholder="2, 1, 0.1",
        max_chars=2000,
    )
    with st.container(horizontal=True, wrap=True):
        st.button(t("pg.one_step"), on_click=take_step, icon=":material/south:", key="pg_step_button")
        st.button(t("pg.random"), on_click=randomise, icon=":material/casino:", key="pg_random_button")
        st.button(t("pg.reset"), on_click=reset, icon=":material/restart_alt:", key="pg_reset_button")
    target_controls(num_classes)
    st.slider(
        t("pg.temperature"),
        *pg.TEMPERATURE_RANGE,
        step=0.1,
        format="%.1f",
        key="pg_t",
        help=t("pg.temperature_help"),
    )


def target_controls(num_classes):
    st.radio(
        t("pg.target_kind"),
        pg.TARGET_KINDS,
        key="pg_target",
        horizontal=True,
        format_func=lambda kind: t(f"pg.target.{kind}"),
    )
    if st.session_state.pg_target == "soft":
        st.caption(t("pg.soft_help"))
        for i in range(num_classes):
            st.slider(t("pg.soft_weight", index=i), 0.0, 1.0, step=0.05, key=f"pg_y{i}")
        return
    st.selectbox(
        t("pg.true_class"),
        list(range(num_classes)),
        key="pg_class",
        format_func=lambda k: t("pg.class_name", index=k),
    )
    if st.session_state.pg_target == "smoothed":
        st.slider(t("pg.smoothing"), 0.0, 1.0, step=0.01, key="pg_eps")


# Readouts


def message_box():
    message = st.session_state.get("_pg_message")
    if message:
        kind, body = message
        {"error": st.error, "success": st.success, "info": st.info}[kind](body)


def loss_panel(state, readout):
    with st.container(key="pg_loss"):
        st.metric(t("pg.loss"), fmt(readout.loss))
    with st.container(horizontal=True, wrap=True, gap="medium"):
        st.metric(t("pg.entropy"), fmt(readout.entropy), width="content")
        st.metric(t("pg.uniform"), fmt(readout.uniform_loss), width="content")
        st.metric(t("pg.floor"), fmt(readout.target_entropy), width="content")
    st.caption(t("pg.formula"))
    for block in pg.formula_lines(state, readout):
        st.latex(block)


def charts(state, readout, lang):
    """Sliders: logits beside probabilities, the gradient below. Drag bars: the bars in the control
    column are the logits chart, so the view shows probabilities beside the gradient instead of the
    same bars twice (and the page draws one Plotly chart fewer after each release)."""
    left, right = st.columns(2)
    if st.session_state.pg_input == "drag":
        show_figure(pg.probability_page_figure(state, readout, lang, chart_theme()), "pg_probs", left)
        show_figure(pg.gradient_page_figure(state, readout, lang, chart_theme()), "pg_grad", right)
    else:
        show_figure(pg.logits_page_figure(state, readout, lang, chart_theme()), "pg_logits", left)
        show_figure(pg.probability_page_figure(state, readout, lang, chart_theme()), "pg_probs", right)
        show_figure(pg.gradient_page_figure(state, readout, lang, chart_theme()), "pg_grad")
    gradient_sentence(readout)


def gradient_sentence(readout):
    story = pg.gradient_story(readout)
    if story.at_minimum:
        st.write(t("pg.gradient_minimum"))
        return
    st.write(
        t(
            "pg.gradient_story",
            rising=story.rising_class,
            falling=story.falling_class,
            size=fmt(story.largest_step),
        )
    )


@friendly_fragment
def descent_panel(state, lang):
    st.subheader(t("pg.step_title"))
    left, right = st.columns(2)
    left.slider(t("pg.learning_rate"), 0.05, 10.0, step=0.05, key="pg_lr")
    right.slider(t("pg.steps"), 1, 100, key="pg_steps")
    # The path costs two charts on every change, so it is drawn only while this switch is on.
    if st.toggle(t("pg.run_steps"), key="pg_path"):
        descent_path(state, lang)
    publish(SPECS)  # its own runs too: the learning rate, the steps and the switch are in the link


def descent_path(state, lang):
    lr, steps = st.session_state.pg_lr, st.session_state.pg_steps
    path_loss, path_probs = pg.path_page_figures(state, lr, steps, lang, chart_theme())
    left, right = st.columns(2)
    show_figure(path_loss, "pg_path_loss", left)
    show_figure(path_probs, "pg_path_probs", right)
    st.caption(t("pg.path_caption", steps=steps, lr=fmt(lr, 2)))


@friendly_fragment
def check_panel(state, readout):
    panel = check_expander(t("check.title"), "pg_check_open")
    if panel is None:
        return
    with panel:
        if not st.toggle(t("check.open"), key="pg_check"):
            st.code(framework_check.torch_snippet(state), language="python")
            return
        rows = run_installed(
            (
                ("torch", framework_check.torch_result),
                ("keras", framework_check.keras_result),
            ),
            state,
        )
        show_comparison(rows, readout)
        st.caption(t("check.snippet"))
        st.code(framework_check.torch_snippet(state), language="python")


def show_comparison(results, readout):
    if not results:
        return
    table = {
        t("check.framework"): [r.framework for r in results],
        t("check.call"): [r.call for r in results],
        t("check.loss"): [fmt(r.loss, 6) for r in results],
        t("check.loss_diff"): [f"{abs(r.loss - readout.loss):.1e}" for r in results],
        t("check.grad_diff"): [f"{np.max(np.abs(r.gradient - readout.gradient)):.1e}" for r in results],
    }
    st.dataframe(table, hide_index=True)
    worst = max(abs(r.loss - readout.loss) / max(1.0, abs(readout.loss)) for r in results)
    tolerance = framework_check.TOLERANCE_TEXT
    st.write(t("check.agree" if worst < 1e-5 else "check.disagree", tolerance=tolerance))


@friendly_fragment
def playground(lang):
    """Everything that follows from the logits, target and temperature. A change of any of them reruns
    only this fragment: not app.py's sidebar and navigation, not the page title."""
    control_column, view_column = st.columns([1, 2], gap="large")
    state = pg.state_from_values(current_values(SPECS))
    readout = pg.evaluate(state)
    # The controls read their values from session state, so drawing them after the readouts is safe. (The
    # order does not make the loss appear sooner: the browser commits a run's elements in one batch.)
    with view_column:
        message_box()
        loss_panel(state, readout)
        charts(state, readout, lang)
    with control_column:
        controls(state, lang)
    descent_panel(state, lang)
    check_panel(state, readout)
    publish(SPECS)  # in the fragment: a fragment run must keep the address bar in step too


# The page

lang = current_language()
refused = restore("playground", SPECS, extra_check=pg.inconsistent_values)
st.title(t("pg.title"))
st.write(t("pg.intro"))
refused_notice(refused, "pg_notice")
playground(lang)
