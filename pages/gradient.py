"""Gradient: why dL/dz = (p - y) / T, seen two ways, on a landscape, against MSE, through the Jacobian."""

from functools import partial

import streamlit as st

from topics import gradient
from topics.shared import sample
from topics.shared.formatting import fmt_vector
from topics.shared.url_params import by_key
from ui import messages
from ui.charts import figure_download, show_figure
from ui.controls import locked, slider
from ui.errors import friendly_fragment
from ui.language import current_language, paragraphs, t
from ui.layout import controls_and_view
from ui.live_landscape import live_landscape
from ui.live_math import live_dependent
from ui.readouts import latex_blocks, text_table
from ui.shell import ensure_app_shell
from ui.theme import chart_theme
from ui.url_state import current_values, publish, refused_notice, restore

SPECS = gradient.state.url_specs()
SPEC = by_key(SPECS)
PAGE = "gradient"
# Formulas hold 3 x 3 matrices: on a phone they are drawn smaller, and scroll rather than clip.
FORMULA_CSS = """<style>
@media (max-width: 640px) { [class*="st-key-gr_formulas"] .katex-display { font-size: 0.75em; } }
[class*="st-key-gr_formulas"] .katex-display { overflow-x: auto; overflow-y: hidden; }
</style>"""


def drag_point(z1, z2):
    """A release of the live map: move the point there; the whole page shows it."""
    if messages.apply(PAGE, "map", gradient.state.released_point, z1, z2).values:
        st.session_state._gr_clicked = True


def chart(page_figure, key, box, **options):
    """A chart inside a container keyed `box` (the browser tests find it by that class)."""
    with st.container(key=box):
        show_figure(page_figure, key, **options)


# Controls


def controls():
    st.header(t("gr.controls"))
    with live_dependent("gr_point_sliders"):  # the map's point moves them too
        for index in (1, 2):
            slider(SPEC[f"gr_z{index}"], t("gr.logit", index=index), format="%.1f")
    st.caption(t("gr.z0_note"))
    classes, class_name = list(range(gradient.state.NUM_CLASSES)), lambda k: t("gr.class_name", index=k)
    choice = {"horizontal": True, "format_func": class_name, "disabled": locked("gr_class")}
    st.radio(t("gr.true_class"), classes, key="gr_class", **choice)
    slider(SPEC["gr_t"], t("gr.temperature"), format="%.1f", help=t("gr.temperature_help"))
    slider(SPEC["gr_eps"], t("gr.smoothing"), help=paragraphs("gr.smoothing_help", "smoothing.torch"))


# The numbers, the pictures, the words


def derivation(state, readout, lang):
    st.header(t("gr.derivation_title"))
    chain, logsumexp = gradient.formulas.derivation_routes(state, readout)
    for column, title, blocks in zip(
        st.columns(2, gap="large"), ("chain", "lse"), (chain, logsumexp), strict=True
    ):
        with column, st.container(key=f"gr_{title}"):
            st.caption(t(f"gr.route_{title}"))
            latex_blocks(blocks)
    st.write(t("gr.same_vector", vector=fmt_vector(readout.gradient)))
    check = gradient.numbers.finite_difference_check(state)
    st.subheader(t("gr.fd_title"))
    st.caption(t("gr.fd_help", step=f"{gradient.numbers.FINITE_DIFFERENCE_STEP:g}"))
    text_table(gradient.words.finite_difference_table(check, lang), "gr_fd_table")
    with st.container(key="gr_fd_max"):
        st.metric(t("gr.fd_max"), f"{check.max_difference:.1e}")
    agrees = check.max_difference < gradient.numbers.FINITE_DIFFERENCE_TOLERANCE
    (st.success if agrees else st.error)(t("gr.fd_ok" if agrees else "gr.fd_bad"))


@friendly_fragment
def landscape_panel(lang):
    """The live map (it owns the loss and dL/dz readouts) and its path controls: a learning-rate or step
    change reruns only this fragment; a release moves the point, which every section shows, so it reruns
    the whole page. The Plotly map (the exported figure) is built only for its download button."""
    if st.session_state.pop("_gr_clicked", False):
        st.rerun()
    values = current_values(SPECS)
    state = gradient.state.state_from_values(values)
    st.header(t("gr.landscape_title"))
    st.write(t("gr.landscape_intro"))
    land = gradient.numbers.landscape(state, values["gr_lr"], values["gr_steps"])
    theme = chart_theme()
    live_landscape(
        "gr_live", gradient.figures.live_data(state, land, values, lang, theme), on_release=drag_point
    )
    left, right = st.columns(2)  # below the map, which a phone then shows sooner
    slider(SPEC["gr_lr"], t("gr.learning_rate"), left)
    slider(SPEC["gr_steps"], t("gr.steps"), right)
    with live_dependent("gr_map_words"):
        with st.container(key="gr_path_caption"):
            st.caption(gradient.words.landscape_caption(land, values, lang))
        if warning := gradient.words.path_warning(land, values["gr_lr"], lang):
            st.warning(warning)
        st.write(gradient.words.flat_direction_sentence(state, lang))
        with st.container(key="gr_minimum"):
            st.write(gradient.words.minimum_sentence(state, land, lang))
    page_figure = partial(gradient.figures.landscape_page_figure, state, land, values, lang, theme)
    figure_download(page_figure, t("gr.download_map"), "loss_landscape.html", "gr_map_download")
    publish(SPECS)  # a fragment run skips the page's own publish at the bottom


def sweep_panel(state, lang):
    st.header(t("gr.sweep_title"))
    st.write(t("gr.sweep_intro", c=state.true_class))
    along_true_logit = gradient.figures.sweep_page_figure(gradient.numbers.sweep(state), lang, chart_theme())
    chart(along_true_logit, "gr_sweep", "gr_sweep_chart")
    with st.container(key="gr_sweep_sentence"):
        st.write(along_true_logit.caption)


def jacobian_panel(state, readout, lang):
    st.header(t("gr.jacobian_title"))
    st.write(t("gr.jacobian_intro"))
    chart(
        gradient.figures.jacobian_page_figure(readout.probs, lang, chart_theme()),
        "gr_jacobian",
        "gr_jacobian_chart",
    )
    st.caption(t("gr.jacobian_caption"))
    st.latex(gradient.formulas.chain_rule_line(readout, state.temperature))


# The page

ensure_app_shell()
st.html(FORMULA_CSS)
lang = current_language()
refused = restore("gradient", SPECS)
st.title(t("gr.title"))
st.write(t("gr.intro"))
refused_notice(refused, "gr_notice")

state = gradient.state.state_from_values(current_values(SPECS))
readout = sample.evaluate(state)
control_column, view_column = controls_and_view("gr_layout")  # on a phone: the map first
with view_column:
    landscape_panel(lang)
with control_column:
    controls()
with live_dependent("gr_sections"):  # every section below follows the point
    with st.container(key="gr_formulas"):
        derivation(state, readout, lang)
    sweep_panel(state, lang)
    with st.container(key="gr_formulas_jacobian"):
        jacobian_panel(state, readout, lang)
publish(SPECS)
