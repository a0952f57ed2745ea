"""The frameworks page's words: its batch, the agreement table, the mistake cards (symptoms, losses,
gradients) and which cards a symptom leads to, in a language, from the page's numbers."""

import numpy as np

from topics.frameworks.mistakes import matching
from topics.shared.formatting import fmt, fmt_signed, fmt_vector
from topics.shared.i18n import text


def batch_sentence(state, lang):
    """The batch every number is computed on: its logits, labels and class weights."""
    logits = " ".join(fmt_vector(row, 2) for row in state.z)
    return text(
        lang, "fw.batch_now", logits=logits, labels=fmt_vector(state.y, 0), weight=fmt_vector(state.w, 2)
    )


def symptom_matches(cards, symptom, lang):
    """The cards a symptom leads to, by number and title."""
    matches = matching(cards, symptom)
    names = "; ".join(f"#{card.number} {text(lang, f'fw.m.{card.key}.title')}" for card in matches)
    return text(lang, "fw.symptom_matches", count=len(matches), cards=names)


def api_table(rows, reference, lang):
    """The agreement table: each call's value, whether it agrees with the first row's, by how much."""
    return {
        text(lang, "fw.col.value"): [fmt(row.value, 7) for row in rows],
        text(lang, "fw.col.agrees"): ["✓" if row.agrees_with(reference) else "✗" for row in rows],
        text(lang, "fw.col.diff"): [f"{abs(row.value - reference):.1e}" for row in rows],
        text(lang, "fw.col.framework"): [row.framework for row in rows],
        text(lang, "fw.col.call"): [row.call for row in rows],
    }


def api_verdict(rows, reference, lang):
    if all(row.agrees_with(reference) for row in rows):
        return text(lang, "fw.api_agree", count=len(rows), value=fmt(reference))
    return text(lang, "fw.api_disagree")


def card_caption(card, lang):
    """The framework and the symptoms a card shows."""
    symptoms = ", ".join(text(lang, f"fw.symptom.{symptom}") for symptom in card.symptoms)
    return f"{card.framework} · " + text(lang, "fw.card.symptoms", symptoms=symptoms)


def card_metrics(card, lang):
    """{label: value}: the loss as written, as meant, and their difference."""
    return {
        text(lang, "fw.card.loss_written"): fmt(card.written.loss),
        text(lang, "fw.card.loss_meant"): fmt(card.meant.loss),
        text(lang, "fw.card.difference"): fmt_signed(card.difference),
    }


def card_gradients(card, lang):
    """Both gradients as text, each under its name, one bracketed row per sample."""
    lines = []
    for which, outcome in (("written", card.written), ("meant", card.meant)):
        lines.append(text(lang, "fw.card.gradient_row", which=text(lang, f"fw.card.loss_{which}")))
        lines += ["  " + row for row in gradient_text(outcome).splitlines()]
    return "\n".join(lines)


def showing(cards, shown, symptom, lang):
    return text(
        lang, "fw.showing", shown=len(shown), total=len(cards), symptom=text(lang, f"fw.symptom.{symptom}")
    )


def gradient_text(outcome):
    """An outcome's gradient as text, one bracketed row per sample and line: '[a, b, c]\n[d, e, f]'."""
    return "\n".join(fmt_vector(row) for row in np.atleast_2d(outcome.gradient))
