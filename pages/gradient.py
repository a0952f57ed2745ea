"""Gradient: why dL/dz = (p - y) / T, seen two ways, on a landscape, against MSE, through the Jacobian."""

import numpy as np
import streamlit as st

from core import gradient_figures as gf
from core import gradient_lesson as gl
from core import playground as pg
from core.formatting import fmt, fmt_vector
from ui.charts import plotly_chart
from ui.errors import friendly_fragment
from ui.language import current_language, t
from ui.shell import ensure_app_shell
from ui.theme import chart_theme
from ui.url_state import current_values, publish, refused_notice, restore, set_values

SPECS = gl.url_specs()
MAP_KEY = "gr_map"


def move_to_click():
    """A click on the map selects one of its points: move the current point there."""
    points = st.session_state[MAP_KEY].selection.points
    clicked = [p for p in points if "x" in p and "y" in p]
    if clicked:
        values = gl.values_for_point(clicked[0]["x"], clicked[0]["y"])
        set_values(values)
        st.session_state._gr_clicked = True
        st.session_state._gr_message = t(
            "gr.click_selected", z1=fmt(values["gr_z1"], 1), z2=fmt(values["gr_z2"], 1)
        )


def chart(figure, key, box, alt, **options):
    """A chart inside a container keyed `box` (the browser tests find it by that class)."""
    with st.container(key=box):
        plotly_chart(figure, key, alt, **options)


def controls():
    st.subheader(t("gr.controls"))
    for index in (1, 2):
        st.slider(t("gr.logit", index=index), *gl.LOGIT_RANGE, step=0.1, format="%.1f", key=f"gr_z{index}")
    st.caption(t("gr.z0_note"))
    st.radio(
        t("gr.true_class"),
        list(range(gl.NUM_CLASSES)),
        key="gr_class",
        horizontal=True,
        format_func=lambda k: t("gr.class_name", index=k),
    )
    st.slider(
        t("gr.temperature"),
        *gl.TEMPERATURE_RANGE,
        step=0.1,
        format="%.1f",
        key="gr_t",
        help=t("gr.temperature_help"),
    )
    st.slider(t("gr.smoothing"), *gl.SMOOTHING_RANGE, step=0.01, key="gr_eps", help=t("gr.smoothing_help"))


def readouts(readout):
    with st.container(horizontal=True, wrap=True, gap="medium"):
        with st.container(key="gr_loss", width="content"):
            st.metric(t("gr.loss"), fmt(readout.loss))
        for k, entry in enumerate(readout.gradient):
            with st.container(key=f"gr_grad{k}", width="content"):
                st.metric(t("gr.gradient_entry", index=k), fmt(entry))


def derivation(state, readout):
    st.header(t("gr.derivation_title"))
    chain, logsumexp = gl.derivation_routes(state, readout)
    left, right = st.columns(2, gap="large")
    for column, title, blocks in ((left, "gr.route_chain", chain), (right, "gr.route_lse", logsumexp)):
        with column, st.container(key=f"gr_{title.split('.')[-1]}"):
            st.caption(t(title))
            for block in blocks:
                st.latex(block)
    st.write(t("gr.same_vector", vector=fmt_vector(readout.gradient)))
    finite_differences(state)


def finite_differences(state):
    check = gl.finite_difference_check(state)
    st.subheader(t("gr.fd_title"))
    st.caption(t("gr.fd_help", step=f"{gl.FINITE_DIFFERENCE_STEP:g}"))
    table = {
        t("gr.fd.logit"): [f"z{k}" for k in range(gl.NUM_CLASSES)],
        t("gr.fd.analytic"): [fmt(v, 8) for v in check.analytic],
        t("gr.fd.numerical"): [fmt(v, 8) for v in check.numerical],
        t("gr.fd.diff"): [f"{d:.1e}" for d in np.abs(check.analytic - check.numerical)],
    }
    with st.container(key="gr_fd_table"):
        st.dataframe(table, hide_index=True)
    with st.container(key="gr_fd_max"):
        st.metric(t("gr.fd_max"), f"{check.max_difference:.1e}")
    (st.success if check.max_difference < 1e-6 else st.error)(
        t("gr.fd_ok" if check.max_difference < 1e-6 else "gr.fd_bad")
    )


@friendly_fragment
def landscape_panel(lang):
    """The map and its path controls: a learning-rate or step change reruns only this fragment; a click
    moves the point, which every section shows, so it reruns the whole page."""
    if st.session_state.pop("_gr_clicked", False):
        st.rerun()
    values = current_values(SPECS)
    state = gl.state_from_values(values)
    st.header(t("gr.landscape_title"))
    st.write(t("gr.landscape_intro"))
    left, right = st.columns(2)
    left.slider(t("gr.learning_rate"), *gl.LEARNING_RATE_RANGE, step=0.05, key="gr_lr")
    right.slider(t("gr.steps"), *gl.STEPS_RANGE, key="gr_steps")
    message = st.session_state.pop("_gr_message", None)
    if message:
        st.toast(message, icon=":material/ads_click:")
    land = gl.landscape(state, values["gr_lr"], values["gr_steps"])
    chart(
        gf.landscape_figure(land, state.true_class, lang, chart_theme()),
        MAP_KEY,
        "gr_landscape",
        gf.landscape_alt(land, lang),
        on_select=move_to_click,
        selection_mode="points",
    )
    with st.container(key="gr_path_caption"):
        st.caption(gf.landscape_caption(land, values, lang))
    rises = np.flatnonzero(np.diff(land.path.losses) > 0)
    if rises.size:
        st.warning(t("gr.path_rises", lr=fmt(values["gr_lr"], 2), step=int(rises[0]) + 1))
    before, after = gl.flat_direction_check(state)
    st.write(t("gr.flat_direction", before=fmt(before), after=fmt(after)))
    minimum_sentence(state, land)
    publish(SPECS)  # a fragment run skips the page's own publish at the bottom


def minimum_sentence(state, land):
    with st.container(key="gr_minimum"):
        if land.minimum is None:
            st.write(t("gr.no_minimum", c=state.true_class))
            return
        z1, z2 = land.minimum
        gap = state.temperature * gl.smoothing_gap(state.smoothing)
        sentence = t(
            "gr.minimum",
            eps=fmt(state.smoothing, 2),
            c=state.true_class,
            gap=fmt(gap),
            z1=fmt(z1),
            z2=fmt(z2),
        )
        if max(abs(z1), abs(z2)) > gl.LOGIT_RANGE[1]:
            sentence += " " + t("gr.minimum_outside")
        st.write(sentence)


def sweep_panel(state, lang):
    st.header(t("gr.sweep_title"))
    st.write(t("gr.sweep_intro", c=state.true_class))
    sweep = gl.sweep(state)
    chart(
        gf.sweep_figure(sweep, lang, chart_theme()), "gr_sweep", "gr_sweep_chart", gf.sweep_alt(sweep, lang)
    )
    with st.container(key="gr_sweep_sentence"):
        st.write(gf.sweep_sentence(sweep, lang))


def jacobian_panel(state, readout, lang):
    st.header(t("gr.jacobian_title"))
    st.write(t("gr.jacobian_intro"))
    jacobian = gl.softmax_jacobian(readout.probs)
    chart(
        gf.jacobian_figure(jacobian, lang, chart_theme()),
        "gr_jacobian",
        "gr_jacobian_chart",
        gf.jacobian_alt(jacobian, lang),
    )
    st.caption(t("gr.jacobian_caption"))
    st.latex(gl.chain_rule_line(readout, state.temperature))


# Formulas hold 3 x 3 matrices: on a phone they are drawn smaller, and scroll rather than clip.
FORMULA_CSS = """<style>
@media (max-width: 640px) { [class*="st-key-gr_formulas"] .katex-display { font-size: 0.75em; } }
[class*="st-key-gr_formulas"] .katex-display { overflow-x: auto; overflow-y: hidden; }
</style>"""

# The page

ensure_app_shell()
st.html(FORMULA_CSS)
lang = current_language()
refused = restore("gradient", SPECS)
st.title(t("gr.title"))
st.write(t("gr.intro"))
refused_notice(refused, "gr_notice")

values = current_values(SPECS)
state = gl.state_from_values(values)
readout = pg.evaluate(state)
control_column, view_column = st.columns([1, 2], gap="large")
with view_column:
    readouts(readout)
    landscape_panel(lang)
with control_column:
    controls()
with st.container(key="gr_formulas"):
    derivation(state, readout)
sweep_panel(state, lang)
with st.container(key="gr_formulas_jacobian"):
    jacobian_panel(state, readout, lang)
publish(SPECS)
