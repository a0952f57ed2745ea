"""Frameworks: one batch through every cross-entropy API, the classic API mistakes simulated on it, and
where PyTorch and Keras differ. Every number comes from core (api_table, mistakes, framework_diffs);
the batch lives in the URL (fw_logits, fw_labels, fw_weight) and changes only through a checked paste.
"""

import streamlit as st

from core import api_check, api_table, batch, framework_check, framework_diffs, framework_figures
from core import frameworks as fw
from core import mistakes as mk
from core.formatting import fmt, fmt_signed, fmt_vector
from ui.charts import plotly_chart
from ui.errors import friendly_fragment
from ui.frameworks import check_expander, run_installed
from ui.language import current_language, t
from ui.shell import ensure_app_shell
from ui.theme import chart_theme
from ui.url_state import current_values, publish, refused_notice, restore, set_values

SPECS = fw.url_specs()


def problem_text(problem):
    key = problem.kind if "." in problem.kind else f"bt.problem.{problem.kind}"
    return t(key, **problem.params)


# Callbacks


def apply_paste():
    current = current_values(SPECS)
    try:
        new = fw.read_batch(
            st.session_state.fw_paste_logits,
            st.session_state.fw_paste_labels,
            st.session_state.fw_paste_weight,
            current,
        )
    except batch.BatchInputError as error:
        lines = [problem_text(p) for p in error.problems[: batch.MAX_PROBLEMS]]
        st.session_state._fw_message = ("error", "\n\n".join(lines + [t("fw.keeps_batch")]))
        return
    set_values(new)
    rows, classes = len(new["fw_logits"]), len(new["fw_logits"][0])
    st.session_state._fw_message = ("success", t("fw.paste_ok", rows=rows, classes=classes))


def reset_batch():
    set_values({spec.key: spec.default for spec in SPECS if spec.key != "fw_symptom"})
    st.session_state._fw_message = None


# Panels


def symptom_panel(cards):
    st.subheader(t("fw.symptom_title"))
    st.selectbox(t("fw.symptom"), fw.SYMPTOMS, key="fw_symptom", format_func=lambda s: t(f"fw.symptom.{s}"))
    symptom = st.session_state.fw_symptom
    if symptom == "all":
        return
    matches = mk.matching(cards, symptom)
    names = "; ".join(f"#{m.number} {t(f'fw.m.{m.key}.title')}" for m in matches)
    with st.container(key="fw_matches"):
        st.info(t("fw.symptom_matches", count=len(matches), cards=names), icon=":material/search:")
        if symptom == "framework":
            st.caption(t("fw.symptom_framework_note"))


def batch_panel(state):
    st.subheader(t("fw.batch_title"))
    with st.container(key="fw_batch_now"):
        logits = " ".join(fmt_vector(row, 2) for row in state.z)
        labels, weight = fmt_vector(state.y, 0), fmt_vector(state.w, 2)
        st.markdown(prose(t("fw.batch_now", logits=logits, labels=labels, weight=weight)))
    with st.expander(t("fw.batch_edit"), icon=":material/edit:"):
        with st.form("fw_paste_form", border=False):
            st.text_area(
                t("fw.paste_logits"),
                key="fw_paste_logits",
                height=80,
                max_chars=4000,
                placeholder="tensor([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]])",
            )
            st.text_input(
                t("fw.paste_labels"), key="fw_paste_labels", max_chars=400, placeholder="tensor([0, 2])"
            )
            st.text_input(t("fw.paste_weight"), key="fw_paste_weight", max_chars=400, placeholder="1, 1, 2")
            st.form_submit_button(t("fw.paste_apply"), on_click=apply_paste, key="fw_paste_apply")
        st.caption(t("fw.paste_help"))
        st.button(t("fw.reset"), on_click=reset_batch, icon=":material/restart_alt:", key="fw_reset")
    message = st.session_state.get("_fw_message")
    if message:
        kind, body = message
        with st.container(key="fw_message"):
            (st.error if kind == "error" else st.success)(body)


def api_panel(state):
    st.subheader(t("fw.api_title"))
    st.caption(t("fw.api_help"))
    rows = api_table.api_rows(state)
    reference = api_table.reference_value(rows)
    table = {
        t("fw.col.value"): [fmt(r.value, 7) for r in rows],
        t("fw.col.agrees"): ["✓" if r.agrees_with(reference) else "✗" for r in rows],
        t("fw.col.diff"): [f"{abs(r.value - reference):.1e}" for r in rows],
        t("fw.col.framework"): [r.framework for r in rows],
        t("fw.col.call"): [r.call for r in rows],
    }
    with st.container(key="fw_api_table"):
        st.dataframe(table, hide_index=True, width="stretch")
    agree = all(r.agrees_with(reference) for r in rows)
    st.write(t("fw.api_agree", count=len(rows), value=fmt(reference)) if agree else t("fw.api_disagree"))
    with st.expander(t("fw.api_code"), icon=":material/code:"):
        for row in rows:
            st.caption(f"{row.framework} · {row.call}")
            st.code(row.snippet, language="python")
    check_panel(state, rows)


@friendly_fragment
def check_panel(state, rows):
    panel = check_expander(t("fw.check.title"), "fw_check_open")
    if panel is None:
        return
    with panel:
        if not st.toggle(t("check.open"), key="fw_check"):
            st.caption(t("fw.check.closed"))
            return
        live = run_installed(
            (("torch", api_check.torch_values), ("keras", api_check.keras_values)),
            state,
        )
        by_key = {value.key: value for value in live}
        core_values = {row.key: row.value for row in rows}
        table = {
            t("fw.col.value"): [fmt(r.value, 7) for r in rows],
            t("fw.col.live"): [
                fmt(by_key[r.key].value, 7) if r.key in by_key else t("fw.check.not_run") for r in rows
            ],
            t("fw.col.live_diff"): [
                f"{abs(by_key[r.key].value - r.value):.1e}" if r.key in by_key else "" for r in rows
            ],
            t("fw.col.agrees"): [
                ("✓" if by_key[r.key].agrees(r.value) else "✗") if r.key in by_key else "" for r in rows
            ],
            t("fw.col.call"): [r.call for r in rows],
        }
        with st.container(key="fw_check_table"):
            st.dataframe(table, hide_index=True, width="stretch")
        if live:
            agree = all(value.agrees(core_values[value.key]) for value in live)
            tolerance = framework_check.TOLERANCE_TEXT
            st.write(t("fw.check.agree" if agree else "fw.check.disagree", tolerance=tolerance))


def prose(text):
    """Text for st.markdown with its brackets escaped: "[0.9, 0.2] [1, 0]" must not read as a link."""
    return text.replace("[", "\\[")


def mistake_card(card, lang):
    with st.container(border=True, key=f"fw_card_{card.key}"):
        st.markdown(f"#### #{card.number} · {t(f'fw.m.{card.key}.title')}")
        symptoms = ", ".join(t(f"fw.symptom.{s}") for s in card.symptoms)
        st.caption(f"{card.framework} · " + t("fw.card.symptoms", symptoms=symptoms))
        if card.key == "bce_saturation":
            st.slider(t("fw.big_logit"), *mk.BIG_LOGIT_RANGE, step=0.5, key="fw_big")
        st.markdown(prose(t(f"fw.m.{card.key}.what", **card.facts)))
        written_column, meant_column = st.columns(2)
        written_column.markdown(f"**{t('fw.card.written')}**")
        written_column.code(card.written.code, language="python")
        meant_column.markdown(f"**{t('fw.card.meant')}**")
        meant_column.code(card.meant.code, language="python")
        with st.container(key=f"fw_metrics_{card.key}", horizontal=True, wrap=True):
            st.metric(t("fw.card.loss_written"), fmt(card.written.loss), width="content")
            st.metric(t("fw.card.loss_meant"), fmt(card.meant.loss), width="content")
            st.metric(t("fw.card.difference"), fmt_signed(card.difference), width="content")
        st.markdown(f"**{t('fw.card.gradient', wrt=card.wrt)}**")
        lines = []
        for which, outcome in (("written", card.written), ("meant", card.meant)):
            lines.append(t("fw.card.gradient_row", which=t(f"fw.card.loss_{which}")))
            lines += ["  " + row for row in mk.gradient_text(outcome).splitlines()]
        st.code("\n".join(lines), language=None)
        st.caption(t("fw.card.grad_ratio", ratio=fmt(card.gradient_ratio, 2)))
        st.markdown(f"**{t('fw.card.spot')}** · " + prose(t(f"fw.m.{card.key}.spot", **card.facts)))
        if card.key == "bce_saturation":
            plotly_chart(
                framework_figures.saturation_figure(card, lang, chart_theme()),
                "fw_saturation",
                framework_figures.saturation_alt(card, lang),
            )
        with st.expander(t("fw.card.run"), icon=":material/terminal:"):
            st.code(card.snippet, language="python")
            if card.framework == "Keras":
                st.caption(t("fw.card.keras_note"))


def mistakes_panel(state, cards, lang):
    st.subheader(t("fw.mistakes_title"))
    st.caption(t("fw.mistakes_help"))
    plotly_chart(
        framework_figures.mistakes_figure(cards, lang, chart_theme()),
        "fw_mistakes_chart",
        framework_figures.mistakes_alt(cards, lang),
    )
    st.caption(framework_figures.mistakes_caption(state, lang))
    symptom = st.session_state.fw_symptom
    shown = mk.matching(cards, symptom)
    st.caption(t("fw.showing", shown=len(shown), total=len(cards), symptom=t(f"fw.symptom.{symptom}")))
    for card in shown:
        mistake_card(card, lang)


def diffs_panel(state):
    st.subheader(t("fw.diffs_title"))
    st.caption(t("fw.diffs_help"))
    for row in framework_diffs.diff_rows(state):
        with st.container(border=True, key=f"fw_diff_{row.key}"):
            st.markdown(f"**{t(f'fw.d.{row.key}.title')}**")
            with st.container(horizontal=True, wrap=True):
                st.metric(t("fw.col.torch"), fmt(row.torch_value), width="content")
                st.metric(t("fw.col.keras"), fmt(row.keras_value), width="content")
            st.caption(prose(t(f"fw.d.{row.key}.why")))
            with st.expander(t("fw.diff_code"), icon=":material/code:"):
                torch_tab, keras_tab = st.tabs(["PyTorch", "Keras"])
                torch_tab.code(row.torch_snippet, language="python")
                keras_tab.code(row.keras_snippet, language="python")


# The page

ensure_app_shell()
lang = current_language()
refused = restore("frameworks", SPECS, extra_check=fw.inconsistent_values)
st.title(t("fw.title"))
st.write(t("fw.intro"))
refused_notice(refused, "fw_notice")
state = fw.state_from_values(current_values(SPECS))
cards = mk.all_mistakes(state)
symptom_panel(cards)
batch_panel(state)
api_panel(state)
mistakes_panel(state, cards, lang)
diffs_panel(state)
publish(SPECS)
