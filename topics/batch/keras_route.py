"""How people emulate nn.CrossEntropyLoss's class weights in Keras (sample_weight = w[y] per row), and
what each Keras reduction then gives on the batch, through core.keras_losses (float32, as Keras computes).
"""

from dataclasses import dataclass

import numpy as np

from core import keras_losses
from topics.batch.numbers import as_output
from topics.batch.state import probability_rows


@dataclass(frozen=True)
class KerasRoute:
    """What a Keras loss class gives for the state (computed by core.keras_losses, float32)."""

    loss_class: str  # SparseCategoricalCrossentropy or CategoricalCrossentropy
    options: str  # the constructor arguments, as code
    reduction: str
    uses_sample_weight: bool
    value: object
    matches_torch: bool


KERAS_REDUCTIONS = {
    "mean": ("sum_over_batch_size", "mean_with_sample_weight"),
    "sum": ("sum",),
    "none": ("none",),
}


@dataclass(frozen=True)
class KerasCall:
    """The arguments of the Keras call that mirrors a state (float32, as Keras computes)."""

    name: str  # core.keras_losses name
    loss_class: str
    y_true: np.ndarray
    y_pred: np.ndarray
    sample_weight: np.ndarray | None
    options: dict  # constructor arguments besides reduction
    option_code: str

    def through(self, function, reduction):
        """`function` (core.keras_losses.call_loss or core.gradients.call_loss) on this call's arguments.
        sample_weight is copied: with ignore_class, Keras scales it in place."""
        sample_weight = None if self.sample_weight is None else self.sample_weight.copy()
        return function(
            self.name,
            self.y_true,
            self.y_pred,
            sample_weight=sample_weight,
            reduction=reduction,
            **self.options,
        )


def keras_call(state):
    """The Keras loss class, y_true, y_pred and sample_weight that emulate the state.

    Class indices without smoothing: SparseCategoricalCrossentropy(from_logits=True[, ignore_class]),
    sample_weight = w[y] (0 for ignored rows). Otherwise CategoricalCrossentropy(from_logits=True,
    label_smoothing=eps) on the probability rows; ignored rows get sample_weight 0, and free rows with
    class weights get sum_c w_c t_c (Keras has no weight inside the sum over classes)."""
    logits = np.asarray(state.logits, dtype=np.float32)
    labels = np.asarray(state.labels, dtype=np.int64)
    num_classes = logits.shape[1]
    in_range = (labels >= 0) & (labels < num_classes)
    weight = np.asarray(state.weight, dtype=np.float32) if state.weight else None
    eps = state.label_smoothing
    if state.target_form == "index":
        counted = labels != state.ignore_index
        sample_weight = None
        if weight is not None:
            sample_weight = np.where(counted, weight[np.where(in_range, labels, 0)], 0).astype(np.float32)
        if eps == 0:
            ignore = state.ignore_index if not counted.all() else None
            options = {"from_logits": True, "ignore_class": ignore}
            code = "from_logits=True" + (f", ignore_class={ignore}" if ignore is not None else "")
            return KerasCall(
                "sparse_categorical_crossentropy",
                "SparseCategoricalCrossentropy",
                labels,
                logits,
                sample_weight,
                options,
                code,
            )
        if sample_weight is None and not counted.all():
            sample_weight = counted.astype(np.float32)
        y_true = np.where(
            counted[:, None], np.eye(num_classes, dtype=np.float32)[np.where(in_range, labels, 0)], 0
        )
        return _categorical(y_true.astype(np.float32), logits, sample_weight, eps)
    if state.target_form == "onehot":
        keep = in_range
        y_true = np.eye(num_classes, dtype=np.float32)[labels[keep]]
        sample_weight = weight[labels[keep]] if weight is not None else None
        return _categorical(y_true, logits[keep], sample_weight, eps)
    raw = np.asarray(probability_rows(state), dtype=np.float64)
    y_true = (raw / raw.sum(axis=1, keepdims=True)).astype(np.float32)
    sample_weight = (y_true * weight).sum(axis=1).astype(np.float32) if weight is not None else None
    return _categorical(y_true, logits, sample_weight, eps)


def _categorical(y_true, y_pred, sample_weight, eps):
    code = "from_logits=True" + (f", label_smoothing={eps:g}" if eps else "")
    return KerasCall(
        "categorical_crossentropy",
        "CategoricalCrossentropy",
        y_true,
        y_pred,
        sample_weight,
        {"from_logits": True, "label_smoothing": eps},
        code,
    )


def keras_reductions(state, call):
    """The Keras reductions that correspond to the state's torch reduction ('mean_with_sample_weight'
    only when the call has sample weights)."""
    return [
        reduction
        for reduction in KERAS_REDUCTIONS[state.reduction]
        if reduction != "mean_with_sample_weight" or call.sample_weight is not None
    ]


def keras_routes(state, readout):
    """KerasRoute for each Keras reduction that corresponds to the state's torch reduction."""
    call = keras_call(state)
    routes = []
    for reduction in keras_reductions(state, call):
        if call.y_pred.shape[0] == 0:
            value = 0.0 if reduction != "none" else np.zeros(0)
        else:
            value = call.through(keras_losses.call_loss, reduction)
        value = as_output(value)
        routes.append(
            KerasRoute(
                loss_class=call.loss_class,
                options=call.option_code,
                reduction=reduction,
                uses_sample_weight=call.sample_weight is not None,
                value=value,
                matches_torch=_same(value, readout.loss, readout.status),
            )
        )
    return tuple(routes)


def _same(keras_value, torch_value, status):
    keras_value, torch_value = np.asarray(keras_value, float), np.asarray(torch_value, float)
    if keras_value.shape != torch_value.shape:
        # 'none' in the one-hot form: Keras sees only the kept rows
        kept = np.array([s == "counted" for s in status])
        if torch_value.shape == kept.shape and keras_value.shape == (kept.sum(),):
            torch_value = torch_value[kept]
        else:
            return False
    return bool(np.allclose(keras_value, torch_value, rtol=1e-5, atol=1e-5, equal_nan=False))
