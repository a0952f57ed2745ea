"""Frameworks: one batch through every cross-entropy API, the classic API mistakes simulated on it, and
where PyTorch and Keras differ. Every number comes from topics.frameworks (apis, mistakes, differences);
the batch lives in the URL (fw_logits, fw_labels, fw_weight) and changes only through a checked paste.
"""

import streamlit as st

from topics import frameworks
from topics.shared.formatting import fmt
from ui import messages
from ui.charts import show_figure
from ui.check_panel import CheckWords, check_panel, show_snippets
from ui.controls import locked
from ui.language import current_language, labels, t
from ui.mistake_cards import SATURATION, mistake_card, saturation_card
from ui.readouts import prose, text_table
from ui.shell import ensure_app_shell
from ui.theme import chart_theme
from ui.url_state import current_values, publish, refused_notice, restore

SPECS = frameworks.state.url_specs()
PAGE = "frameworks"
PASTE_EXAMPLE = "tensor([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]])"
CHECK_WORDS = CheckWords(
    "fw.check.title",
    closed="fw.check.closed",
    value_column="fw.col.live",
    core_column="fw.col.value",
    agree="fw.check.agree",
    disagree="fw.check.disagree",
    format_value=lambda value: fmt(value, 7),
)


# Callbacks


def apply_paste():
    ss = st.session_state
    pasted = (ss.fw_paste_logits, ss.fw_paste_labels, ss.fw_paste_weight, current_values(SPECS))
    messages.apply(PAGE, "batch", frameworks.inputs.pasted, *pasted, keeps="fw.keeps_batch")


def reset_batch():
    messages.apply(PAGE, "batch", frameworks.state.reset_batch)


# Panels


def symptom_panel(cards, lang):
    st.header(t("fw.symptom_title"))
    st.selectbox(
        t("fw.symptom"),
        frameworks.state.SYMPTOMS,
        key="fw_symptom",
        format_func=labels("fw.symptom"),
        disabled=locked("fw_symptom"),
    )
    symptom = st.session_state.fw_symptom
    if symptom == "all":
        return
    with st.container(key="fw_matches"):
        st.info(frameworks.words.symptom_matches(cards, symptom, lang), icon=":material/search:")
        if symptom == "framework":
            st.caption(t("fw.symptom_framework_note"))


def batch_panel(state, lang):
    st.header(t("fw.batch_title"))
    with st.container(key="fw_batch_now"):
        st.markdown(prose(frameworks.words.batch_sentence(state, lang)))
    with st.expander(t("fw.batch_edit"), icon=":material/edit:"):
        with st.form("fw_paste_form", border=False):
            logits_box = {"height": 80, "max_chars": 4000, "placeholder": PASTE_EXAMPLE}
            st.text_area(t("fw.paste_logits"), key="fw_paste_logits", **logits_box)
            st.text_input(
                t("fw.paste_labels"), key="fw_paste_labels", max_chars=400, placeholder="tensor([0, 2])"
            )
            st.text_input(t("fw.paste_weight"), key="fw_paste_weight", max_chars=400, placeholder="1, 1, 2")
            batch_locked = locked("fw_logits", "fw_labels", "fw_weight")
            st.form_submit_button(
                t("fw.paste_apply"), on_click=apply_paste, key="fw_paste_apply", disabled=batch_locked
            )
        st.caption(t("fw.paste_help"))
        reset = {"icon": ":material/restart_alt:", "key": "fw_reset", "disabled": batch_locked}
        st.button(t("fw.reset"), on_click=reset_batch, **reset)
    messages.show(PAGE, "batch", "fw_message")


def api_panel(state, lang):
    st.header(t("fw.api_title"))
    st.caption(t("fw.api_help"))
    rows = frameworks.apis.api_rows(state)
    reference = frameworks.apis.reference_value(rows)
    text_table(frameworks.words.api_table(rows, reference, lang), "fw_api_table")
    st.write(frameworks.words.api_verdict(rows, reference, lang))
    with st.expander(t("fw.api_code"), icon=":material/code:"):
        for row in rows:
            st.caption(f"{row.framework} · {row.call}")
            st.code(row.snippet, language="python")
    runners = (("torch", frameworks.check.torch_rows), ("keras", frameworks.check.keras_rows))
    check_panel("fw_check", runners, state, words=CHECK_WORDS, listed=frameworks.check.listed_rows(state))


def mistakes_panel(state, cards, lang):
    st.header(t("fw.mistakes_title"))
    st.caption(t("fw.mistakes_help"))
    mistakes = frameworks.figures.mistakes_page_figure(state, cards, lang, chart_theme())
    show_figure(mistakes, "fw_mistakes_chart")
    st.caption(mistakes.caption)
    shown = frameworks.mistakes.matching(cards, st.session_state.fw_symptom)
    st.caption(frameworks.words.showing(cards, shown, st.session_state.fw_symptom, lang))
    for card in shown:
        if card.key == SATURATION:
            saturation_card(SPECS, lang)  # its slider reruns this card alone
        else:
            mistake_card(card, lang)


def diffs_panel(state):
    st.header(t("fw.diffs_title"))
    st.caption(t("fw.diffs_help"))
    for row in frameworks.differences.diff_rows(state):
        with st.container(border=True, key=f"fw_diff_{row.key}"):
            st.markdown(f"**{t(f'fw.d.{row.key}.title')}**")
            with st.container(horizontal=True, wrap=True):
                st.metric(t("fw.col.torch"), fmt(row.torch_value), width="content")
                st.metric(t("fw.col.keras"), fmt(row.keras_value), width="content")
            st.caption(prose(t(f"fw.d.{row.key}.why")))
            with st.expander(t("fw.diff_code"), icon=":material/code:"):
                show_snippets({"PyTorch": row.torch_snippet, "Keras": row.keras_snippet})


# The page

ensure_app_shell()
lang = current_language()
refused = restore("frameworks", SPECS, extra_check=frameworks.state.inconsistent_values)
st.title(t("fw.title"))
st.write(t("fw.intro"))
refused_notice(refused, "fw_notice")
state = frameworks.state.state_from_values(current_values(SPECS))
cards = frameworks.mistakes.all_mistakes(state)
symptom_panel(cards, lang)
batch_panel(state, lang)
api_panel(state, lang)
mistakes_panel(state, cards, lang)
diffs_panel(state)
publish(SPECS)
