"""Where PyTorch and Keras give different numbers for what looks like the same call, on the page's
batch: argument order, the default from_logits, the 1e-7 clip against the -100 clamp, renormalised
probabilities, binary against categorical label smoothing, weighted reductions and the class axis.

Each row holds both calls, both values from core (torch's mirror core.losses, Keras's mirror
core.keras_losses in float32) and a runnable snippet per framework. The reason is a string
("fw.d.<key>.why").
"""

from dataclasses import dataclass

import numpy as np

from core import keras_losses, losses
from topics.shared.snippets import KERAS_IMPORTS, TORCH_IMPORTS, numpy_array, torch_tensor, value_report

SMOOTHING = 0.1  # the label smoothing of the smoothing row
CLIP_PROBS, CLIP_TARGETS = (0.0, 0.6), (1.0, 1.0)  # a prediction of exactly 0 for a positive target


@dataclass(frozen=True)
class DiffRow:
    key: str
    torch_call: str
    torch_value: float
    keras_call: str
    keras_value: float
    torch_snippet: str
    keras_snippet: str

    def printed(self):
        return {"PyTorch": self.torch_value, "Keras": self.keras_value}


def diff_rows(state):
    return [build(state) for build in ROWS]


def argument_order(state):
    z32, onehot32 = state.z.astype(np.float32), state.onehot.astype(np.float32)
    keras_call = "keras.losses.CategoricalCrossentropy(from_logits=True)(logits, y_true)  # torch's order"
    return _row(
        state,
        "arg_order",
        "F.cross_entropy(logits, y_true)",
        losses.cross_entropy(state.z, state.onehot),
        keras_call,
        keras_losses.call_loss("categorical_crossentropy", z32, onehot32, from_logits=True),
        torch_setup=[f"y_true = F.one_hot(labels, {state.num_classes}).float()"],
        keras_setup=[_keras_onehot(state)],
    )


def default_from_logits(state):
    z32 = state.z.astype(np.float32)
    return _row(
        state,
        "from_logits",
        "nn.CrossEntropyLoss()(logits, labels)",
        losses.cross_entropy(state.z, state.y),
        "keras.losses.SparseCategoricalCrossentropy()(labels, logits)",
        keras_losses.call_loss("sparse_categorical_crossentropy", state.y, z32),
    )


def clip_against_clamp(state):
    probs, target = np.array(CLIP_PROBS, np.float32), np.array(CLIP_TARGETS, np.float32)
    return _row(
        state,
        "clip_clamp",
        "nn.BCELoss()(y_pred, y_true)",
        losses.binary_cross_entropy(probs, target),
        "keras.losses.BinaryCrossentropy()(y_true, y_pred)",
        keras_losses.call_loss("binary_crossentropy", target, probs),
        torch_setup=[torch_tensor("y_pred", probs), torch_tensor("y_true", target)],
        keras_setup=[numpy_array("y_pred", probs), numpy_array("y_true", target)],
    )


def renormalised_probabilities(state):
    probs = losses.sigmoid(state.z)  # per-class sigmoids: rows that do not sum to 1
    return _row(
        state,
        "renormalise",
        "F.nll_loss(torch.log(torch.sigmoid(logits)), labels)",
        losses.nll_loss(np.log(probs), state.y),
        "keras.losses.SparseCategoricalCrossentropy()(labels, keras.ops.sigmoid(logits))",
        keras_losses.call_loss("sparse_categorical_crossentropy", state.y, probs.astype(np.float32)),
    )


def smoothing(state):
    eps, classes = SMOOTHING, state.num_classes
    smoothed = state.onehot * (1 - eps) + eps / classes
    z32, onehot32 = state.z.astype(np.float32), state.onehot.astype(np.float32)
    return _row(
        state,
        "smoothing",
        f"F.binary_cross_entropy_with_logits(logits, y_true * {1 - eps:g} + {eps:g} / {classes})",
        losses.binary_cross_entropy_with_logits(state.z, smoothed),
        f"keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing={eps:g})(y_true, logits)",
        keras_losses.call_loss("binary_crossentropy", onehot32, z32, from_logits=True, label_smoothing=eps),
        torch_setup=[f"y_true = F.one_hot(labels, {classes}).float()"],
        keras_setup=[_keras_onehot(state)],
    )


def weighted_reduction(state):
    z32, w = state.z.astype(np.float32), state.w
    return _row(
        state,
        "weights",
        "nn.CrossEntropyLoss(weight=weight)(logits, labels)",
        losses.cross_entropy(state.z, state.y, weight=w),
        "keras.losses.SparseCategoricalCrossentropy(from_logits=True)"
        "(labels, logits, sample_weight=weight[labels])",
        keras_losses.call_loss(
            "sparse_categorical_crossentropy",
            state.y,
            z32,
            from_logits=True,
            sample_weight=w.astype(np.float32)[state.y],
        ),
        torch_setup=[torch_tensor("weight", w)],
        keras_setup=[numpy_array("weight", w)],
    )


def class_axis(state):
    """A Keras-style sequence batch (1, N, C): softmax over dim=1 (torch habit) against axis=-1."""
    sequence = state.z[None]
    first_label = int(state.y[0])
    return _row(
        state,
        "class_axis",
        f"torch.softmax(logits[None], dim=1)[0, 0, {first_label}]",
        losses.softmax(sequence, axis=1)[0, 0, first_label],
        f"keras.ops.softmax(logits[None])[0, 0, {first_label}]",
        losses.softmax(sequence.astype(np.float32), axis=-1)[0, 0, first_label],
    )


ROWS = (
    argument_order,
    default_from_logits,
    clip_against_clamp,
    renormalised_probabilities,
    smoothing,
    weighted_reduction,
    class_axis,
)


def _row(state, key, torch_call, torch_value, keras_call, keras_value, torch_setup=(), keras_setup=()):
    torch_lines = [
        *TORCH_IMPORTS,
        torch_tensor("logits", state.z),
        torch_tensor("labels", state.y, integer=True),
        *torch_setup,
        "",
        f"value = {torch_call}",
        *value_report([("PyTorch", "value")]),
    ]
    keras_lines = [
        *KERAS_IMPORTS,
        numpy_array("logits", state.z),
        numpy_array("labels", state.y, integer=True),
        *keras_setup,
        "",
        f"value = {keras_call}",
        *value_report([("Keras", "value")], keras=True),
    ]
    return DiffRow(
        key,
        torch_call,
        float(torch_value),
        keras_call,
        float(keras_value),
        "\n".join(torch_lines),
        "\n".join(keras_lines),
    )


def _keras_onehot(state):
    return f'y_true = np.eye({state.num_classes}, dtype="float32")[labels]'
