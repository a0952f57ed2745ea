"""The frameworks page's topic: every cross-entropy API, the classic mistakes, PyTorch against Keras
(pages/frameworks.py)."""

from topics.frameworks import apis, check, differences, figures, inputs, mistakes, state, words  # noqa: F401
