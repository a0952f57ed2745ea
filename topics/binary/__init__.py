"""The binary page's topic: BCELoss and BCEWithLogitsLoss on one prediction (pages/binary.py)."""

from topics.binary import check, figures, formulas, inputs, numbers, snippets, state, words  # noqa: F401
