"""The playground's topic: one vector of K logits, a target and a temperature (pages/playground.py)."""

from topics.playground import check, figures, formulas, numbers, snippets, state, words  # noqa: F401
