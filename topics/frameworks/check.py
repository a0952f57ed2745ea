"""The agreement table's live check: the real PyTorch and Keras on the page's batch, call by call, each
beside core's value for the same call (topics.frameworks.apis).

torch and keras are imported inside the functions, only when a person opens the check panel. torch runs
in float64 and Keras in float32; each row is held to its dtype's tolerance (core.agreement).
"""

import os

import numpy as np

from topics.frameworks.apis import api_rows
from topics.shared.checks import CheckRow


def torch_rows(state):
    """Each PyTorch row of the agreement table, computed by torch in float64."""
    import torch
    import torch.nn.functional as F

    logits = torch.tensor(state.z, dtype=torch.float64)
    labels = torch.tensor(state.y)
    onehot = F.one_hot(labels, state.num_classes).to(torch.float64)
    values = {
        "f_cross_entropy": F.cross_entropy(logits, labels),
        "nn_cross_entropy": torch.nn.CrossEntropyLoss()(logits, labels),
        "nll_log_softmax": F.nll_loss(F.log_softmax(logits, dim=1), labels),
        "one_hot": F.cross_entropy(logits, onehot),
    }
    return _rows(state, "PyTorch", {key: float(value.item()) for key, value in values.items()}, "float64")


def keras_rows(state):
    """Each Keras row of the agreement table, computed by Keras 3 (float32) on the torch backend."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    logits = state.z.astype(np.float32)
    y_true = state.onehot.astype(np.float32)
    values = {
        "keras_sparse": keras.losses.SparseCategoricalCrossentropy(from_logits=True)(state.y, logits),
        "keras_categorical": keras.losses.CategoricalCrossentropy(from_logits=True)(y_true, logits),
    }
    live = {key: float(keras.ops.convert_to_numpy(value)) for key, value in values.items()}
    return _rows(state, "Keras 3", live, "float32")


def _rows(state, framework, live, dtype):
    """CheckRows for the live values, keyed as the api rows, in the table's order."""
    return [
        CheckRow(framework, row.call, live[row.key], row.value, None, None, dtype)
        for row in api_rows(state)
        if row.key in live
    ]


def listed_rows(state):
    """Every call of the agreement table as a CheckRow not yet run, in the table's order."""
    return [
        CheckRow(row.framework, row.call, None, row.value, None, None, row.dtype) for row in api_rows(state)
    ]
