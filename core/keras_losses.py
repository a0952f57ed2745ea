"""Keras 3's cross-entropy losses in NumPy, mirroring `keras.losses`.

The function forms take (y_true, y_pred) in Keras's order, put the class axis last (`axis=-1`) and
return one value per sample. `call_loss` adds what a loss class such as
`keras.losses.CategoricalCrossentropy()` does on top: the `sample_weight`, the `ignore_class` mask and
the reduction (by default 'sum_over_batch_size': the weighted sum divided by the number of values).
Where Keras works with probabilities it clips them to [1e-7, 1 - 1e-7] and renormalises categorical
ones, so its numbers differ from torch's at the ends.
"""

import numpy as np

from core import losses
from core._arrays import (
    FrameworkRuntimeError,
    as_float_array,
    check_label_range,
    check_reduction,
    check_same_shape,
    quiet_nan,
)

KERAS_EPSILON = 1e-7  # keras.config.epsilon()
KERAS_REDUCTIONS = ("sum_over_batch_size", "sum", "none", None, "mean", "mean_with_sample_weight")


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """Mean over `axis` of the elementwise binary cross-entropy, with y' = y (1 - eps) + eps / 2:

        from_logits:   l = bce_with_logits(z, y')
        probabilities: l = -(y' log c + (1 - y') log(1 - c)),  c = clip(p, 1e-7, 1 - 1e-7)

    Mirrors keras.losses.binary_crossentropy. Because of the clip, p = 0 against y = 1 costs
    -log(1e-7) ~ 16.1 here, where torch's BCELoss gives 100.
    """
    pred, target = binary_inputs(y_true, y_pred, label_smoothing)
    if from_logits:
        elementwise = losses.binary_cross_entropy_with_logits(pred, target, reduction="none")
    else:
        elementwise = losses.binary_cross_entropy(clip_probabilities(pred), target, reduction="none")
    return elementwise if elementwise.ndim == 0 else elementwise.mean(axis=axis)  # a scalar is its own mean


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """l = -sum_k y'_k log q_k over `axis`, y' = y (1 - eps) + eps / C, with

        from_logits:   log q = log_softmax(z)
        probabilities: q = clip(p / sum(p), 1e-7, 1 - 1e-7)   (renormalised, then clipped)

    Mirrors keras.losses.categorical_crossentropy.
    """
    pred, target = categorical_inputs(y_true, y_pred, label_smoothing)
    return categorical_crossentropy_of(target, pred, from_logits, axis)


def categorical_crossentropy_of(target, pred, from_logits, axis=-1):
    """categorical_crossentropy on checked arguments (a smoothed target of y_pred's shape and dtype):
    -sum_k y'_k log q_k. Called by categorical_crossentropy after its checks and by core.training."""
    return -(target * _log_probabilities(pred, from_logits, axis)).sum(axis=axis)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """l = -log q_y at each integer label y (q as in categorical_crossentropy), 0 where y == ignore_class.

    Mirrors keras.losses.sparse_categorical_crossentropy (a trailing label axis of size 1 is squeezed).
    """
    pred, labels, valid = sparse_inputs(y_true, y_pred, ignore_class, axis)
    log_probs = np.moveaxis(_log_probabilities(pred, from_logits, axis), axis, -1)
    picked = np.take_along_axis(log_probs, labels[..., None], axis=-1)[..., 0]
    return np.where(valid, -picked, 0).astype(pred.dtype, copy=False)


def call_loss(name, y_true, y_pred, sample_weight=None, reduction="sum_over_batch_size", **options):
    """What `keras.losses.<Class>(reduction=reduction, **options)(y_true, y_pred, sample_weight)` returns.

    `name` is 'binary_crossentropy', 'categorical_crossentropy' or 'sparse_categorical_crossentropy'
    (the classes BinaryCrossentropy, CategoricalCrossentropy, SparseCategoricalCrossentropy).
    'sum_over_batch_size' = sum_n s_n l_n / (number of values): unlike torch's weighted mean, it does
    not divide by the weight sum. With ignore_class, only the valid entries are counted.
    Computed in y_pred's dtype (Keras's classes compute in float32 unless given another dtype). Where the
    ranks of y_true and y_pred differ by one and the longer ends in an axis of size 1, the class first
    squeezes or expands one of them (aligned_ranks), as Keras's loss classes do.
    """
    y_true, y_pred = aligned_ranks(y_true, y_pred)
    values, mask = per_sample_values(name, y_true, y_pred, **options)
    return reduce_weighted_values(values, sample_weight, mask, reduction)


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size"):
    """Keras's reduction: values * (sample_weight merged with the mask), then summed, or summed and divided
    by the number of values ('sum_over_batch_size', 'mean') or by the weight sum
    ('mean_with_sample_weight'); a zero divisor gives 0 (divide_no_nan). Mirrors
    keras.src.losses.loss.reduce_weighted_values."""
    check_reduction(reduction, KERAS_REDUCTIONS)
    values = np.asarray(values)
    weights = merged_sample_weight(values, sample_weight, mask, reduction)
    if weights is not None:
        values, weights = squeeze_or_expand_to_same_rank(values, weights)
        values = weighted(values, weights)
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    return divide_no_nan(values.sum(), _reduction_divisor(values, weights, reduction))


def reduction_coefficients(values, sample_weight=None, mask=None, reduction="sum_over_batch_size"):
    """d(sum of the reduced loss) / d(values): the merged weight over the divisor, in values' shape."""
    check_reduction(reduction, KERAS_REDUCTIONS)
    values = np.asarray(values)
    coefficients = np.ones_like(values)
    weights = merged_sample_weight(values, sample_weight, mask, reduction)
    if weights is not None:
        coefficients, weights = squeeze_or_expand_to_same_rank(coefficients, weights)
        coefficients = weighted(coefficients, weights)
    if reduction not in (None, "none") and coefficients.shape not in ((), (0,)):
        divisor = _reduction_divisor(coefficients, weights, reduction)
        coefficients = divide_no_nan(coefficients, divisor)
    if coefficients.size == values.size:
        return coefficients.reshape(values.shape)
    # The weights broadcast the values to more entries (a scalar loss times one weight per sample):
    # each value's coefficient is the sum of those of its copies.
    extra_axes = tuple(range(coefficients.ndim - values.ndim))
    return coefficients.sum(axis=extra_axes).reshape(values.shape) if values.ndim else coefficients.sum()


def weighted(values, weights):
    """values * weights, broadcast as Keras's torch backend does; shapes that do not broadcast raise the
    RuntimeError kind torch raises."""
    try:
        return values * weights
    except ValueError:
        raise FrameworkRuntimeError(
            f"sample_weight of shape {weights.shape} does not broadcast to the losses of shape {values.shape}"
        ) from None


def merged_sample_weight(values, sample_weight, mask, reduction):
    """Keras's apply_mask: the mask becomes a weight total/valid on valid entries (0 elsewhere) for the
    averaging reductions, so the average runs over the valid entries only; times sample_weight."""
    dtype = values.dtype
    if sample_weight is not None:
        sample_weight = as_float_array(sample_weight, "sample_weight").astype(dtype, copy=False)
    if mask is None:
        return sample_weight
    mask = np.asarray(mask, dtype=bool)
    if reduction in ("mean", "sum_over_batch_size"):
        mask_weight = divide_no_nan(dtype.type(mask.size), mask.sum(dtype=dtype))
        float_mask = np.where(mask, mask_weight, 0).astype(dtype)
    else:
        float_mask = mask.astype(dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight)
    return sample_weight * float_mask


def aligned_ranks(y_true, y_pred):
    """(y_true, y_pred) as a Keras loss class passes them to its function: labels of shape (N,) against
    predictions of shape (N, 1) become (N, 1), (N, 1) against (N,) become (N,), (N, C, 1) against
    (N, C) lose their last axis (squeeze_or_expand_to_same_rank)."""
    return squeeze_or_expand_to_same_rank(np.asarray(y_true), np.asarray(y_pred))


def squeeze_or_expand_to_same_rank(x1, x2):
    """Keras's rule for matching a sample_weight to the losses: where the ranks differ by one and the
    longer one ends in an axis of size 1, expand a rank-1 array, otherwise squeeze that axis."""
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        if x2.ndim == 1:
            x2 = x2[..., None]
        else:
            x1 = x1[..., 0]
    if x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        if x1.ndim == 1:
            x1 = x1[..., None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def divide_no_nan(numerator, denominator):
    """numerator / denominator, and 0 where the denominator is 0 (keras.ops.divide_no_nan)."""
    with quiet_nan():
        return np.where(denominator == 0, 0, numerator / denominator).astype(np.result_type(numerator))


def per_sample_values(name, y_true, y_pred, **options):
    """The function form's per-sample losses and, for sparse with ignore_class, the mask of valid entries."""
    if name not in KERAS_LOSSES:
        raise ValueError(f"name must be one of {', '.join(KERAS_LOSSES)}; got {name!r}")
    values = KERAS_LOSSES[name](y_true, y_pred, **options)
    mask = None
    if name == "sparse_categorical_crossentropy" and options.get("ignore_class") is not None:
        mask = sparse_inputs(y_true, y_pred, options["ignore_class"], options.get("axis", -1))[2]
    return values, mask


# Building blocks the gradients share.


def clip_probabilities(probs):
    """clip(p, 1e-7, 1 - 1e-7), in p's dtype (1 - 1e-7 rounds to 0.99999988 in float32)."""
    return np.clip(probs, KERAS_EPSILON, 1 - KERAS_EPSILON)


def inside_clip(probs):
    """1 where clip_probabilities leaves p unchanged (its gradient passes), 0 where it clips."""
    return ((probs >= KERAS_EPSILON) & (probs <= 1 - KERAS_EPSILON)).astype(probs.dtype)


def binary_inputs(y_true, y_pred, label_smoothing):
    """(y_pred, y') for binary_crossentropy: same shapes, y' = y (1 - eps) + eps / 2 in y_pred's dtype."""
    pred = as_float_array(y_pred, "y_pred")
    target = as_float_array(y_true, "y_true").astype(pred.dtype, copy=False)
    check_same_shape(target, pred, "y_true", "y_pred")
    if label_smoothing:
        target = target * (1 - label_smoothing) + 0.5 * label_smoothing
    return pred, target


def categorical_inputs(y_true, y_pred, label_smoothing):
    """(y_pred, y') for categorical_crossentropy: same shapes, y' = y (1 - eps) + eps / C (C from the last
    axis, as Keras does)."""
    pred = as_float_array(y_pred, "y_pred")
    target = as_float_array(y_true, "y_true").astype(pred.dtype, copy=False)
    check_same_shape(target, pred, "y_true", "y_pred")
    if pred.ndim < 1:
        raise ValueError("y_true and y_pred must have a class axis; got scalars")
    if label_smoothing:
        target = target * (1 - label_smoothing) + label_smoothing / target.shape[-1]
    return pred, target


def sparse_inputs(y_true, y_pred, ignore_class, axis):
    """(y_pred, labels, valid) for sparse_categorical_crossentropy: integer labels of y_pred's shape
    without the class axis (ignored entries set to 0), and the mask of entries that count."""
    pred = as_float_array(y_pred, "y_pred")
    if pred.ndim < 1:
        raise ValueError("y_pred must have a class axis; got a scalar")
    labels = _integer_labels(y_true)
    if labels.ndim == pred.ndim and labels.shape[axis] == 1:
        labels = np.squeeze(labels, axis=axis)
    expected_shape = tuple(int(size) for size in np.delete(pred.shape, axis))
    if labels.shape != expected_shape:
        raise ValueError(
            f"y_true has shape {labels.shape}, but y_pred of shape {pred.shape} needs one integer label "
            f"per sample, shape {expected_shape}"
        )
    valid = np.ones(labels.shape, bool) if ignore_class is None else labels != ignore_class
    labels = np.where(valid, labels, 0)
    return pred, check_label_range(labels, pred.shape[axis]), valid


def _integer_labels(y_true):
    """Labels as int64; floats are accepted when they are whole numbers (Keras casts them)."""
    labels = np.asarray(y_true)
    if labels.dtype.kind in "iu":
        return labels.astype(np.int64)
    if labels.dtype.kind in "fb" and np.all(np.isfinite(labels)) and np.all(labels == np.round(labels)):
        return labels.astype(np.int64)
    raise ValueError(
        "y_true must hold integer class labels for sparse_categorical_crossentropy; "
        f"got {labels.dtype} values such as {labels.flat[0] if labels.size else 'none'}"
    )


def _log_probabilities(pred, from_logits, axis):
    if from_logits:
        return losses.log_softmax(pred, axis=axis)
    with quiet_nan():
        return np.log(clip_probabilities(pred / pred.sum(axis=axis, keepdims=True)))


def _reduction_divisor(values, weights, reduction):
    if reduction == "sum":
        return values.dtype.type(1)
    if reduction == "mean_with_sample_weight" and weights is not None:
        return weights.sum(dtype=values.dtype)
    return values.dtype.type(values.size)


KERAS_LOSSES = {
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
}
