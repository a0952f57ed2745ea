"""The gradient page's topic: why dL/dz = (p - y) / T (pages/gradient.py)."""

from topics.gradient import figures, formulas, numbers, state, words  # noqa: F401
