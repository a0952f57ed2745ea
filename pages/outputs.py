"""Your model's outputs: load logits (or probabilities) and labels of a whole validation set and see
which samples make the loss, per class, calibration and temperature scaling, and the loss options.

The analysis is cached by the files' content (ui.outputs_source): the controls below it rerun the page
from the cached per-sample numbers, never from the (N, C) scores; each control reruns only its fragment.
"""

import streamlit as st

from topics import outputs
from topics.outputs.example import EXAMPLE_NAME
from topics.registry import BY_NAME
from topics.shared.url_params import by_key
from ui import messages
from ui import outputs_source as source
from ui.charts import show_figure
from ui.controls import number_input, radio, slider
from ui.errors import friendly_fragment
from ui.language import current_language, labels, t
from ui.readouts import metric_row, prose
from ui.shell import ensure_app_shell
from ui.theme import chart_theme
from ui.url_state import refused_notice, restore

SPECS = outputs.state.url_specs()
SPEC = by_key(SPECS)
PLAYGROUND_SPECS = BY_NAME["playground"].url_specs()


def source_controls():
    """The data source, and for uploads the files and what their numbers are; returns the uploads."""
    radio(SPEC["mo_source"], t("mo.source"), horizontal=True, format_func=labels("mo.source"))
    if st.session_state.mo_source != "upload":
        return []
    uploads = source.upload_controls()
    kind_help = t("mo.kind_help")
    radio(SPEC["mo_kind"], t("mo.kind"), horizontal=True, format_func=labels("mo.kind"), help=kind_help)
    with st.expander(t("mo.save_title")):
        st.code(outputs.snippets.SAVE_SNIPPET, language="python")
    with st.expander(t("mo.no_torch_title")):
        st.code(outputs.snippets.CONVERT_SNIPPET, language="python")
    return uploads


def what_we_show(name, analysis, lang):
    ignored = t("mo.showing_ignored", count=f"{analysis.num_ignored:,}") if analysis.num_ignored else ""
    seconds = f"{sum(analysis.seconds.values()):.2f}"
    kind = t(f"mo.kind.{analysis.kind}")
    rows, classes = f"{analysis.num_samples:,}", f"{analysis.num_classes:,}"
    st.markdown(
        t("mo.showing", name=prose(name), rows=rows, classes=classes, kind=kind, dtype=analysis.dtype,
          ignored=ignored, seconds=seconds)
    )  # fmt: skip
    route = "soft" if analysis.soft_targets else analysis.kind
    st.caption(
        t("mo.loss_routes", torch_call=t(f"mo.route.torch.{route}"), keras_call=t(f"mo.route.keras.{route}"))
    )


def samples_section(name, analysis, lang, theme):
    st.header(t("mo.section.samples"))
    st.caption(t("mo.samples_help"))
    show_figure(outputs.figures.loss_histogram(analysis, lang, theme), "mo_losses")
    metric_row(outputs.words.share_metrics(analysis, lang), key="mo_shares")
    st.markdown(f"**{t('mo.worst_title')}**")
    worst_table(analysis, lang)
    if name == EXAMPLE_NAME:
        source.worst_digits(analysis)  # the example's worst samples as the 8 x 8 images they are


@friendly_fragment
def worst_table(analysis, lang):
    slider(SPEC["mo_rows"], t("mo.rows"))
    table = outputs.words.worst_table(analysis, st.session_state.mo_rows, lang, PLAYGROUND_SPECS, lang)
    link_column = t("mo.col.open")
    config = {link_column: st.column_config.LinkColumn(link_column, display_text=t("mo.col.open_text"))}
    with st.container(key="mo_worst_table"):
        st.dataframe(table, hide_index=True, width="stretch", column_config=config)
    if table[link_column]:
        st.link_button(
            t("mo.open_worst"), table[link_column][0], icon=":material/open_in_new:", key="mo_open_worst"
        )
        most = by_key(PLAYGROUND_SPECS)["pg_k"].high
        st.caption(t("mo.open_help", most=most))
    source.publish_outputs(SPECS)


@friendly_fragment
def calibration_section(analysis, lang):
    st.header(t("mo.section.calibration"))
    st.caption(t("mo.calibration_help"))
    slider(SPEC["mo_bins"], t("mo.bins"))
    before, after = outputs.numbers.reliability_before_after(analysis, st.session_state.mo_bins)
    metric_row(outputs.words.calibration_metrics(analysis, before, after, lang), key="mo_temperature")
    st.write(outputs.words.temperature_words(analysis, before, after, lang))
    figure = outputs.figures.reliability_chart(analysis, st.session_state.mo_bins, lang, chart_theme())
    show_figure(figure, "mo_reliability")
    st.caption(t("mo.temp.how"))
    source.publish_outputs(SPECS)


@friendly_fragment
def what_if_section(analysis, lang):
    st.header(t("mo.section.whatif"))
    st.caption(t("mo.whatif_help"))
    columns = st.columns(3)
    with columns[0]:
        slider(SPEC["mo_ls"], t("mo.whatif.smoothing"))
    if analysis.soft_targets:
        st.caption(t("mo.whatif.soft"))
    else:
        with columns[1]:
            radio(SPEC["mo_weight"], t("mo.whatif.weight"), format_func=labels("mo.whatif.weight"))
        with columns[2]:
            number_input(SPEC["mo_ignore"], t("mo.whatif.ignore"), help=t("mo.whatif.ignore_help"))
    ignored = outputs.state.ignored_class(st.session_state, analysis.num_classes)
    result = outputs.numbers.what_if(analysis, st.session_state.mo_ls, st.session_state.mo_weight, ignored)
    with st.container(key="mo_whatif"):
        st.markdown(outputs.words.what_if_words(analysis, result, lang))
    source.publish_outputs(SPECS)


def export_section(name, analysis, lang):
    st.header(t("mo.section.export"))
    values = source.report_values(SPECS)  # updated in place by the fragments' runs
    st.download_button(
        t("mo.download"),
        data=lambda: outputs.report.report_html(analysis, dict(values), lang, name, PLAYGROUND_SPECS),
        file_name=f"{name.rsplit('.', 1)[0]}_report.html",
        mime="text/html",
        help=t("mo.download_help"),
        icon=":material/download:",
        key="mo_report",
    )
    snippet = outputs.snippets.torch_snippet(name if name.endswith(".npz") else "outputs.npz")
    with st.expander(t("mo.code_title")):
        st.code(snippet, language="python")


# The page

ensure_app_shell()
lang = current_language()
refused = restore("outputs", SPECS)
st.title(t("mo.title"))
st.write(t("mo.intro"))
refused_notice(refused, "mo_notice")

uploads = source_controls()
name, analysis = source.current_analysis(st.session_state.mo_source, st.session_state.mo_kind, uploads)
messages.show(source.PAGE, "source", "mo_message")
if st.session_state.mo_source == "upload" and not uploads:
    st.info(t("mo.waiting"), icon=":material/upload_file:")
if name == EXAMPLE_NAME:
    st.caption(t("mo.example_help", count=analysis.num_samples))
what_we_show(name, analysis, lang)
metric_row(outputs.words.headline(analysis, lang), key="mo_headline")

theme = chart_theme()
samples_section(name, analysis, lang, theme)
st.header(t("mo.section.classes"))
st.caption(t("mo.classes_help"))
class_column, confusion_column = st.columns(2)
show_figure(outputs.figures.class_chart(analysis, lang, theme), "mo_classes", container=class_column)
show_figure(outputs.figures.confusion_chart(analysis, lang, theme), "mo_confusion", confusion_column)
calibration_section(analysis, lang)
what_if_section(analysis, lang)
export_section(name, analysis, lang)
source.publish_outputs(SPECS)
