"""The agreement table's live column: the real PyTorch and Keras on the page's batch, call by call.

torch and keras are imported inside the functions, only when a person opens the check panel. torch runs
in float64 and Keras in float32, so the promise is core.framework_check's TOLERANCE_TEXT.
"""

import os
from dataclasses import dataclass

import numpy as np

from core.framework_check import TOLERANCE

KERAS_TOLERANCE = 1e-5  # Keras computes in float32


@dataclass(frozen=True)
class LiveValue:
    key: str  # the api_table row it checks
    value: float
    tolerance: float

    def agrees(self, core_value):
        return abs(self.value - core_value) <= self.tolerance * max(1.0, abs(core_value))


def torch_values(state):
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
    return [LiveValue(key, float(value.item()), TOLERANCE) for key, value in values.items()]


def keras_values(state):
    """Each Keras row of the agreement table, computed by Keras 3 (float32) on the torch backend."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    logits = state.z.astype(np.float32)
    y_true = state.onehot.astype(np.float32)
    values = {
        "keras_sparse": keras.losses.SparseCategoricalCrossentropy(from_logits=True)(state.y, logits),
        "keras_categorical": keras.losses.CategoricalCrossentropy(from_logits=True)(y_true, logits),
    }
    return [
        LiveValue(key, float(keras.ops.convert_to_numpy(value)), KERAS_TOLERANCE)
        for key, value in values.items()
    ]
