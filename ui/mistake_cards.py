"""The frameworks page's mistake cards. The saturation card (mistake 8) has the page's one slider, the
logit; it is a fragment of its own, so moving that slider reruns this card, not the page."""

import streamlit as st

from topics import frameworks
from topics.shared.formatting import fmt
from topics.shared.url_params import by_key
from ui.charts import show_figure
from ui.controls import slider
from ui.errors import friendly_fragment
from ui.language import t
from ui.readouts import prose
from ui.theme import chart_theme
from ui.url_state import current_values, publish

SATURATION = "bce_saturation"  # the card with its own slider (fw_big) and chart


def mistake_card(card, lang, big_logit=None):
    """One card: the mistake as written and as meant, their losses and gradients, how to spot it, and
    the code to run it; `big_logit` (the fw_big spec) draws the saturation card's slider."""
    with st.container(border=True, key=f"fw_card_{card.key}"):
        st.markdown(f"### #{card.number} · {t(f'fw.m.{card.key}.title')}")
        st.caption(frameworks.words.card_caption(card, lang))
        if big_logit is not None:
            slider(big_logit, t("fw.big_logit"))
        st.markdown(prose(t(f"fw.m.{card.key}.what", **card.facts)))
        for column, which, outcome in zip(
            st.columns(2), ("written", "meant"), (card.written, card.meant), strict=True
        ):
            column.markdown(f"**{t(f'fw.card.{which}')}**")
            column.code(outcome.code, language="python")
        with st.container(key=f"fw_metrics_{card.key}", horizontal=True, wrap=True):
            for label, value in frameworks.words.card_metrics(card, lang).items():
                st.metric(label, value, width="content")
        st.markdown(f"**{t('fw.card.gradient', wrt=card.wrt)}**")
        st.code(frameworks.words.card_gradients(card, lang), language=None)
        st.caption(t("fw.card.grad_ratio", ratio=fmt(card.gradient_ratio, 2)))
        st.markdown(f"**{t('fw.card.spot')}** · " + prose(t(f"fw.m.{card.key}.spot", **card.facts)))
        if card.key == SATURATION:
            show_figure(frameworks.figures.saturation_page_figure(card, lang, chart_theme()), "fw_saturation")
        with st.expander(t("fw.card.run"), icon=":material/terminal:"):
            st.code(card.snippet, language="python")
            if card.framework == "Keras":
                st.caption(t("fw.card.keras_note"))


@friendly_fragment
def saturation_card(specs, lang):
    """Mistake 8 with its logit slider, as a fragment: no other card depends on the slider, so moving it
    reruns this card alone (a full rerun of the frameworks page sends about 370 elements)."""
    state = frameworks.state.state_from_values(current_values(specs))
    mistake_card(frameworks.mistakes.bce_saturation(state), lang, by_key(specs)["fw_big"])
    publish(specs)
