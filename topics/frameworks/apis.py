"""The agreement table: every call that should give the same cross-entropy on the page's batch, each
with its exact code and its value from core.

    L = (1/N) sum_n -log softmax(z_n)[y_n]

F.cross_entropy, nn.CrossEntropyLoss, F.nll_loss(F.log_softmax(z)), F.cross_entropy on one-hot
probability targets, Keras's SparseCategoricalCrossentropy and CategoricalCrossentropy with
from_logits=True, and NumPy by hand. Keras computes in float32, so its rows are computed by core in
float32 too (they agree with the others to about 1e-7 relative).
"""

from dataclasses import dataclass

import numpy as np

from core import keras_losses, losses
from core.agreement import agrees
from topics.shared.snippets import KERAS_IMPORTS, TORCH_IMPORTS, numpy_array, torch_tensor, value_report


@dataclass(frozen=True)
class ApiRow:
    key: str
    framework: str  # "PyTorch", "Keras" or "NumPy"
    call: str  # the call itself, one line
    value: float
    dtype: str  # the dtype the framework computes in by default here
    snippet: str  # runnable code printing `loss: loss = <value>`

    def agrees_with(self, reference):
        """True when the value agrees with the reference (the first row's) to this row's dtype
        (core.agreement)."""
        return agrees(self.value, reference, self.dtype)


def api_rows(state):
    """The table's rows for the batch in `state` (topics.frameworks.state.FrameworkState)."""
    z, y, onehot = state.z, state.y, state.onehot
    z32, onehot32 = z.astype(np.float32), onehot.astype(np.float32)
    picked = z[np.arange(state.num_rows), y]
    by_hand = float(np.mean(losses.logsumexp(z, axis=1) - picked))
    rows = [
        (
            "f_cross_entropy",
            "PyTorch",
            "F.cross_entropy(logits, labels)",
            losses.cross_entropy(z, y),
            "float64",
        ),
        (
            "nn_cross_entropy",
            "PyTorch",
            "nn.CrossEntropyLoss()(logits, labels)",
            losses.cross_entropy(z, y),
            "float64",
        ),
        (
            "nll_log_softmax",
            "PyTorch",
            "F.nll_loss(F.log_softmax(logits, dim=1), labels)",
            losses.nll_loss(losses.log_softmax(z, axis=1), y),
            "float64",
        ),
        (
            "one_hot",
            "PyTorch",
            "F.cross_entropy(logits, F.one_hot(labels, C).float())",
            losses.cross_entropy(z, onehot),
            "float64",
        ),
        (
            "keras_sparse",
            "Keras",
            "keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)",
            keras_losses.call_loss("sparse_categorical_crossentropy", state.y, z32, from_logits=True),
            "float32",
        ),
        (
            "keras_categorical",
            "Keras",
            "keras.losses.CategoricalCrossentropy(from_logits=True)(y_true, logits)",
            keras_losses.call_loss("categorical_crossentropy", onehot32, z32, from_logits=True),
            "float32",
        ),
        (
            "numpy",
            "NumPy",
            "np.mean(logsumexp(logits, axis=1) - logits[np.arange(N), labels])",
            by_hand,
            "float64",
        ),
    ]
    return [
        ApiRow(key, fw, call, float(value), dtype, SNIPPETS[key](state))
        for key, fw, call, value, dtype in rows
    ]


def reference_value(rows):
    return rows[0].value


def _torch_lines(state, *body):
    return "\n".join(
        [
            *TORCH_IMPORTS,
            torch_tensor("logits", state.z),
            torch_tensor("labels", state.y, integer=True),
            "",
            *body,
            *value_report([("loss", "loss")]),
        ]
    )


def _keras_lines(state, *body):
    return "\n".join(
        [
            *KERAS_IMPORTS,
            numpy_array("logits", state.z),
            numpy_array("labels", state.y, integer=True),
            *body,
            *value_report([("loss", "loss")], keras=True),
        ]
    )


SNIPPETS = {
    "f_cross_entropy": lambda s: _torch_lines(s, "loss = F.cross_entropy(logits, labels)"),
    "nn_cross_entropy": lambda s: _torch_lines(
        s, "criterion = nn.CrossEntropyLoss()", "loss = criterion(logits, labels)"
    ),
    "nll_log_softmax": lambda s: _torch_lines(s, "loss = F.nll_loss(F.log_softmax(logits, dim=1), labels)"),
    "one_hot": lambda s: _torch_lines(
        s,
        f"target = F.one_hot(labels, {s.num_classes}).float()  # probabilities: one-hot rows",
        "loss = F.cross_entropy(logits, target)",
    ),
    "keras_sparse": lambda s: _keras_lines(
        s, "", "loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, logits)"
    ),
    "keras_categorical": lambda s: _keras_lines(
        s,
        f'y_true = np.eye({s.num_classes}, dtype="float32")[labels]  # one-hot rows',
        "",
        "loss = keras.losses.CategoricalCrossentropy(from_logits=True)(y_true, logits)",
    ),
    "numpy": lambda s: "\n".join(
        [
            "import numpy as np",
            "",
            numpy_array("logits", s.z).replace(', dtype="float32"', ""),
            numpy_array("labels", s.y, integer=True),
            "",
            "peak = logits.max(axis=1, keepdims=True)  # subtract the max: exp never overflows",
            "logsumexp = (peak + np.log(np.exp(logits - peak).sum(axis=1, keepdims=True)))[:, 0]",
            "loss = np.mean(logsumexp - logits[np.arange(len(labels)), labels])",
            *value_report([("loss", "loss")]),
        ]
    ),
}
