"""The batch page's topic: nn.CrossEntropyLoss on a batch with every option (pages/batch.py)."""

from topics.batch import check, figures, formulas, inputs, keras_route, numbers, snippets, state, words  # noqa: F401
