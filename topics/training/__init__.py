"""The training page's topic: a classifier trained with cross-entropy and with each classic mistake,
step for step as PyTorch trains it (pages/training.py)."""

from topics.training import data, figures, numbers, snippets, state, words  # noqa: F401
