"""The outputs page: a model's logits (or probabilities) and labels over a whole data set."""

from topics.outputs import figures, inputs, numbers, report, snippets, state, words  # noqa: F401
