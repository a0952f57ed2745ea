"""Training: a classifier learns with cross-entropy, step by step as PyTorch trains it, next to each classic
mistake trained from the same start; the playback runs in the browser."""

from urllib.parse import urlencode

import streamlit as st

from topics import playground, training
from topics.shared.url_params import by_key, encode_params
from ui.charts import show_figure
from ui.controls import locked, slider
from ui.language import current_language, labels, t
from ui.readouts import metric_row, prose, stacked_table
from ui.shell import ensure_app_shell
from ui.theme import chart_theme
from ui.training_player import training_player
from ui.url_state import current_values, publish, refused_notice, restore

SPECS = training.state.url_specs()
SPEC = by_key(SPECS)
MESSAGE_ICONS = {"error": ":material/error:", "warning": ":material/warning:", "info": ":material/info:"}


# Callbacks


def keep_sample_in_range():
    """A smaller data set may no longer hold the followed sample: follow its last training sample."""
    last = training.state.training_size(st.session_state.trn_size) - 1
    st.session_state.trn_sample = min(st.session_state.trn_sample, last)


# Controls


def controls():
    st.header(t("trn.controls"))
    st.caption(t("trn.section.data"))
    options = SPEC["trn_data"].choices
    data_options = {"format_func": labels("trn.data"), "disabled": locked("trn_data")}
    st.selectbox(t("trn.dataset"), options, key="trn_data", **data_options)
    slider(SPEC["trn_classes"], t("trn.classes"))
    slider(SPEC["trn_noise"], t("trn.noise"), format="%.2f")
    slider(SPEC["trn_size"], t("trn.size"), on_change=keep_sample_in_range)
    spec = SPEC["trn_seed"]
    st.number_input(t("trn.seed"), spec.low, spec.high, step=1, key="trn_seed", disabled=locked("trn_seed"))
    st.caption(t("trn.section.model"))
    st.toggle(t("trn.hidden"), key="trn_hidden", disabled=locked("trn_hidden"))
    spec = SPEC["trn_lr"]
    lr_options = {"step": 0.01, "format": "%.3f", "disabled": locked("trn_lr")}
    st.number_input(t("trn.lr"), spec.low, spec.high, key="trn_lr", **lr_options)
    slider(SPEC["trn_momentum"], t("trn.momentum"), format="%.2f")
    slider(SPEC["trn_wd"], t("trn.wd"), format="%.3f")
    slider(SPEC["trn_batch"], t("trn.batch"))
    slider(SPEC["trn_epochs"], t("trn.epochs"))
    st.caption(t("trn.section.loss"))
    loss_options = {"format_func": labels("trn.loss"), "disabled": locked("trn_loss")}
    st.selectbox(t("trn.loss"), SPEC["trn_loss"].choices, key="trn_loss", **loss_options)
    slider(SPEC["trn_ls"], t("trn.ls"), format="%.2f", help=t("trn.ls_help"))
    st.caption(t("trn.section.playback"))
    last = training.state.training_size(st.session_state.trn_size) - 1
    st.number_input(t("trn.sample"), 0, last, step=1, key="trn_sample", disabled=locked("trn_sample"))
    speeds = SPEC["trn_speed"].choices
    st.segmented_control(
        t("trn.speed"),
        speeds,
        key="trn_speed",
        format_func=lambda s: f"{s}×",
        required=True,
        help=t("trn.speed_help"),
        disabled=locked("trn_speed"),
    )


# The views


def playground_link(result, lang):
    """The playground's address with the followed sample's last logits and its class."""
    values = playground.state.values_for_logits(result.playback.sample_logits[-1])
    values |= {"pg_class": result.sample_label()}
    specs = playground.state.url_specs()
    query = encode_params(values, specs) | {"lang": lang}
    return "/?" + urlencode(query)


def show_messages(result, lang):
    with st.container(key="trn_messages"):
        for kind, message in training.words.messages(result, lang):
            getattr(st, kind)(message, icon=MESSAGE_ICONS[kind])


def playback_view(result, lang):
    metric_row(training.words.metrics(result, lang), key="trn_metrics")
    show_messages(result, lang)
    training_player("trn_player", training.figures.player_data(result, lang))
    st.caption(training.words.run_note(result, lang))
    with st.container(key="trn_sample_now"):
        st.markdown(prose(training.words.sample_sentence(result, lang)))
        link_text = t("trn.playground_link", sample=result.state.sample)
        st.link_button(link_text, playground_link(result, lang), icon=":material/tune:")


def curves_view(result, lang, theme):
    figures = training.figures
    left, right = st.columns(2)
    with left:
        st.header(t("trn.curves.title"))
        show_figure(figures.curves_page_figure(result, lang, theme), "trn_curves")
    with right:
        st.header(t("trn.gradient.title"))
        show_figure(figures.gradient_norm_page_figure(result, lang, theme), "trn_gradient_norm")
        st.caption(t("trn.gradient.help"))


def mistakes_view(result, lang, theme):
    st.header(t("trn.mistakes.title"))
    st.write(t("trn.mistakes.intro", steps=result.steps))
    # Trained only when opened (six more runs): a settings change with it closed trains one run
    comparison = st.expander(t("trn.mistakes.open"), key="trn_compare", on_change="rerun")
    if not comparison.open:
        return
    with comparison:
        show_figure(training.figures.mistakes_page_figure(result, lang, theme), "trn_mistakes")
        stacked_table(training.words.mistakes_table(result, lang), "trn_mistakes_table")
        with st.container(key="trn_one_curve"):
            st.markdown(prose(training.words.one_curve_sentence(result, lang)))


def code_view(result):
    st.header(t("trn.code.title"))
    st.write(t("trn.code.intro"))
    torch_tab, keras_tab = st.tabs(["PyTorch", "Keras 3"])
    torch_tab.code(training.snippets.torch_snippet(result.state, result.epochs), language="python")
    keras_tab.caption(t("trn.code.keras_note"))
    keras_tab.code(training.snippets.keras_snippet(result.state, result.epochs), language="python")


# The page

ensure_app_shell()
lang = current_language()
refused = restore("training", SPECS, extra_check=training.state.inconsistent_values)
st.title(t("trn.title"))
st.write(t("trn.intro"))
refused_notice(refused, "trn_notice")

view_column, control_column = st.columns([2, 1], gap="large")  # on a phone the picture comes first
with control_column:
    controls()
result = training.numbers.experiment(training.state.state_from_values(current_values(SPECS)))
theme = chart_theme()
with view_column:
    playback_view(result, lang)
curves_view(result, lang, theme)
mistakes_view(result, lang, theme)
code_view(result)
publish(SPECS)
