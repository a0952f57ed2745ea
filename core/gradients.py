"""Analytic gradients of core's losses with respect to their first input (torch) or `y_pred` (Keras).

Each function has the name and the arguments of the loss it differentiates and returns an array of
the input's shape. For reduction="none" (and Keras's per-sample function forms) it is the gradient of
the sum of the outputs. Written from the formulas, not by finite differences; the tests compare them
with torch's autograd, Keras on the torch backend, and finite differences.
"""

import numpy as np

from core import keras_losses as keras
from core import losses
from core._arrays import (
    add_at_labels,
    from_class_last,
    is_probability_target,
    quiet_nan,
    to_class_last,
    torch_reduction,
)

# torch's BCE backward divides by max(p (1 - p), EPSILON), a float constant even for double inputs.
BCE_GRAD_EPSILON = float(np.float32(1e-12))


def cross_entropy(
    input,
    target,
    weight=None,
    size_average=None,
    ignore_index=-100,
    reduce=None,
    reduction="mean",
    label_smoothing=0.0,
):
    """dL/dz of losses.cross_entropy, with p = softmax(z) over the class axis and eps = label_smoothing.

    Class indices, per counted sample n:
        (1 - eps) * w_{y_n} * (p_n - onehot(y_n)) + (eps / C) * (sum_c w_c * p_n - w),
    zero for ignored samples, divided by sum_n w_{y_n} for 'mean' (all ignored: zeros, as in torch).
    Class probabilities t, smoothed to t':  p_n * sum_c w_c t'_{n,c} - w * t'_n, divided by N for 'mean'.
    Without weights and smoothing both are the familiar p - y. In the input's dtype, as torch's autograd
    gives it (probability targets may compute in a wider, promoted dtype).
    """
    reduction = torch_reduction(reduction, size_average, reduce)
    logits, class_weight, num_classes, label_smoothing, dtype = losses.prepare_logits(
        input, target, weight, label_smoothing
    )
    probs = losses.softmax(to_class_last(logits), axis=-1)
    if is_probability_target(logits, target):
        weighted_target = losses.probability_target(target, dtype, ignore_index, label_smoothing, num_classes)
        if class_weight is not None:
            weighted_target = weighted_target * class_weight
        grad = probs * weighted_target.sum(axis=-1, keepdims=True) - weighted_target
        samples = grad.size // max(num_classes, 1)
        grad *= _mean_scale(reduction, losses.probability_denominator(samples, num_classes))
        return from_class_last(grad, logits.ndim).astype(logits.dtype, copy=False)

    labels, counted, target_weight = losses.class_index_target(
        target, logits.shape, class_weight, ignore_index, logits.dtype
    )
    grad = cross_entropy_at_labels(
        probs, labels, counted, target_weight, class_weight, label_smoothing, reduction
    )
    return from_class_last(grad, logits.ndim)


def cross_entropy_descent(
    logits, target, learning_rate, steps, temperature=1.0, label_smoothing=0.0, moving=None
):
    """Plain gradient descent on one sample's L(z) = cross_entropy(z / T, t), t a class index or a
    probability distribution over the C classes, smoothed to t' = (1 - eps) t + eps / C:

        z <- z - lr * m * dL/dz,    dL/dz = (softmax(z / T) - t') / T,

    m the 0/1 mask of the classes that move (`moving`, all of them by default). Returns the logits after
    0, 1, ..., steps steps, a (steps + 1, C) array with the start first. Mirrors torch.optim.SGD(lr)
    stepping a leaf z on F.cross_entropy(z / T, t, label_smoothing=eps) with the frozen classes' gradient
    zeroed (tests/core). One softmax a step: the checks cross_entropy makes would cost twice the step.
    """
    path = np.empty((steps + 1, np.shape(logits)[-1]))
    path[0] = logits
    num_classes = path.shape[1]
    distribution = np.eye(num_classes)[target] if np.ndim(target) == 0 else target
    smoothed = losses.probability_target(distribution, np.float64, -100, label_smoothing, num_classes)
    mask = np.ones(num_classes) if moving is None else np.asarray(moving, dtype=float)
    step_scale = learning_rate * mask / temperature
    for step in range(steps):  # each step starts where the one before ended
        probs = losses.softmax(path[step], temperature=temperature)
        path[step + 1] = path[step] - step_scale * (probs - smoothed)
    return path


def cross_entropy_at_labels(probs, labels, counted, target_weight, class_weight, label_smoothing, reduction):
    """dL/dz of losses.cross_entropy_at_labels (the formula in cross_entropy's docstring), class axis last,
    from p = softmax(z), which it reuses in place: the kernel cross_entropy calls after its checks and
    core.training's loop calls directly."""
    dtype, num_classes = probs.dtype, probs.shape[-1]
    scale = _indexed_mean_scale(reduction, target_weight.sum(), counted)
    smoothing_term = None
    if label_smoothing > 0:
        weight_vector = np.ones(num_classes, dtype) if class_weight is None else class_weight
        share = losses.smoothing_share(label_smoothing, num_classes)
        per_sample = np.where(counted, share * scale, 0).astype(dtype)
        smoothing_term = (weight_vector.sum() * probs - weight_vector) * per_sample[..., None]
    row_scale = np.where(counted, (1 - label_smoothing) * scale * target_weight, 0).astype(dtype)
    grad = probs  # reused in place: the largest array here, and a bench case (N=512, C=32000)
    grad *= row_scale[..., None]
    add_at_labels(grad, labels, -row_scale)
    if smoothing_term is not None:
        grad += smoothing_term
    return grad


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """dL/d(input) of losses.nll_loss: -w_{y_n} at [n, y_n] for counted n, 0 elsewhere;
    divided by sum_n w_{y_n} for 'mean'."""
    reduction = torch_reduction(reduction, size_average, reduce)
    log_probs, _, labels, counted, target_weight = losses.prepare_log_probs(
        input, target, weight, ignore_index
    )
    return from_class_last(
        nll_at_labels(log_probs, labels, counted, target_weight, reduction), np.ndim(input)
    )


def nll_at_labels(log_probs, labels, counted, target_weight, reduction):
    """dL/d(input) of losses.nll_at_labels, class axis last: -w_{y_n} (/ sum w for 'mean') at [n, y_n]."""
    grad = np.zeros_like(log_probs)
    scale = _indexed_mean_scale(reduction, target_weight.sum(), counted)
    add_at_labels(grad, labels, np.where(counted, -scale * target_weight, 0).astype(grad.dtype))
    return grad


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """dL/dp of losses.binary_cross_entropy: w * (p - y) / max(p (1 - p), 1e-12), / numel for 'mean'.

    As in torch, the gradient does not see the -100 clamp: at p = 0 with y = 1 it is about -1e12.
    """
    reduction = torch_reduction(reduction, size_average, reduce)
    probs, target = losses.binary_inputs(input, target, probabilities=True)
    return binary_cross_entropy_of(probs, target, weight, reduction)


def binary_cross_entropy_of(probs, target, weight, reduction):
    """dL/dp of losses.binary_cross_entropy_of, on checked arguments (as core.training's loop calls it)."""
    grad = (probs - target) / np.maximum((1 - probs) * probs, probs.dtype.type(BCE_GRAD_EPSILON))
    return _weighted_and_scaled(grad, weight, reduction, probs.shape)


def binary_cross_entropy_with_logits(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None
):
    """dL/dz of losses.binary_cross_entropy_with_logits, divided by numel for 'mean':

    w * ((1 + (pos_weight - 1) y) * sigmoid(z) - pos_weight * y),   or w * (sigmoid(z) - y).
    """
    reduction = torch_reduction(reduction, size_average, reduce)
    logits, target = losses.binary_inputs(input, target)
    sig = losses.sigmoid(logits)
    if pos_weight is None:
        grad = sig - target
    else:
        log_weight = losses.positive_log_weight(target, pos_weight)
        grad = log_weight * sig - (log_weight - 1 + target)  # log_weight - 1 + y == pos_weight * y
    return _weighted_and_scaled(grad, weight, reduction, logits.shape)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """dL/d(input) of losses.kl_div: -target (or -exp(target) if log_target), divided by N for
    'batchmean' and by the number of elements for 'mean'."""
    applied, batchmean = losses.kl_div_reduction(reduction, size_average, reduce)
    log_q = losses.as_float_array(input)
    target = losses.as_float_array(target, "target").astype(log_q.dtype, copy=False)
    grad = -(np.exp(target) if log_target else target) * np.ones_like(log_q)
    divisor = losses.kl_div_divisor(grad, log_q, applied, batchmean)
    if divisor != 1:
        grad = grad / divisor
    return _sum_to_shape(grad, log_q.shape)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """dL/d(input) of losses.mse_loss: 2 (x - t), divided by the number of elements for 'mean'."""
    reduction = torch_reduction(reduction, size_average, reduce)
    values = losses.as_float_array(input)
    target = losses.as_float_array(target, "target").astype(values.dtype, copy=False)
    return squared_error(values, target, reduction)


def squared_error(values, target, reduction):
    """dL/dx of losses.squared_error: 2 (x - t), / the number of elements for 'mean'."""
    grad = 2 * (values - target)
    return grad * grad.dtype.type(_mean_scale(reduction, grad.size))


# Through the normalisers: a gradient with respect to their output carried back to the logits.


def softmax_backward(probs, upstream, axis=-1):
    """dL/dz from g = dL/dp for p = softmax(z):  p * (g - sum_k g_k p_k)  (the softmax Jacobian's J^T g)."""
    return probs * (upstream - (upstream * probs).sum(axis=axis, keepdims=True))


def log_softmax_backward(probs, upstream, axis=-1):
    """dL/dz from g = dL/d(log p) for log p = log_softmax(z):  g - p * sum_k g_k."""
    return upstream - probs * upstream.sum(axis=axis, keepdims=True)


def sigmoid_backward(probs, upstream):
    """dL/dz from g = dL/dp for p = sigmoid(z):  g * p (1 - p)."""
    return upstream * probs * (1 - probs)


# Keras: gradients with respect to y_pred.


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """d/d(y_pred) of the sum of keras_losses.binary_crossentropy (a mean over `axis` of n values),
    with y' = y (1 - eps) + eps / 2 and c = clip(p, 1e-7, 1 - 1e-7):

        from_logits:   (sigmoid(z) - y') / n
        probabilities: (c - y') / max(c (1 - c), 1e-12) / n where the clip passes p, 0 where it holds p.
    """
    pred, smoothed = keras.binary_inputs(y_true, y_pred, label_smoothing)
    if from_logits:
        grad = losses.sigmoid(pred) - smoothed
    else:
        clipped = keras.clip_probabilities(pred)
        grad = binary_cross_entropy(clipped, smoothed, reduction="none") * keras.inside_clip(pred)
    return grad / (pred.shape[axis] if pred.ndim else 1)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """d/d(y_pred) of the sum of keras_losses.categorical_crossentropy, y' the smoothed target:

    from_logits:   softmax(z) * sum(y') - y'
    probabilities: with S = sum(p), q = p / S, c = clip(q) and g = -y' / c (0 where the clip holds q),
                   (g - sum_k g_k q_k) / S   (the chain rule through the renormalisation).
    """
    pred, smoothed = keras.categorical_inputs(y_true, y_pred, label_smoothing)
    pred_last, target_last = np.moveaxis(pred, axis, -1), np.moveaxis(smoothed, axis, -1)
    return np.moveaxis(categorical_crossentropy_of(target_last, pred_last, from_logits), -1, axis)


def categorical_crossentropy_of(target, pred, from_logits):
    """d/d(y_pred) of keras_losses.categorical_crossentropy_of per sample, class axis last, on checked
    arguments (as categorical_crossentropy calls it after its checks, and core.training's loop)."""
    if from_logits:
        return losses.softmax(pred) * target.sum(axis=-1, keepdims=True) - target
    return _renormalised_nll_grad(pred, target)


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """d/d(y_pred) of the sum of keras_losses.sparse_categorical_crossentropy: the categorical gradient
    with a one-hot target, zero for entries equal to `ignore_class`."""
    pred, labels, valid = keras.sparse_inputs(y_true, y_pred, ignore_class, axis)
    pred_last = np.moveaxis(pred, axis, -1)
    onehot = np.zeros_like(pred_last)
    add_at_labels(onehot, labels, np.ones(labels.shape, pred.dtype))
    with quiet_nan():
        if from_logits:
            grad = losses.softmax(pred_last) - onehot
        else:
            grad = _renormalised_nll_grad(pred_last, onehot)
    return np.moveaxis(np.where(valid[..., None], grad, 0).astype(pred.dtype, copy=False), -1, axis)


def call_loss(name, y_true, y_pred, sample_weight=None, reduction="sum_over_batch_size", **options):
    """d/d(y_pred) of keras_losses.call_loss: the per-sample gradient times d(reduced)/d(per-sample),
    which is the merged sample weight and mask over the reduction's divisor. In y_pred's shape, also where
    the class aligned the ranks of y_true and y_pred (keras_losses.aligned_ranks)."""
    pred_shape = np.shape(y_pred)
    y_true, y_pred = keras.aligned_ranks(y_true, y_pred)
    values, mask = keras.per_sample_values(name, y_true, y_pred, **options)
    per_sample_grad = KERAS_GRADIENTS[name](y_true, y_pred, **options)
    coefficients = keras.reduction_coefficients(values, sample_weight, mask, reduction)
    if coefficients.ndim == 0 or per_sample_grad.ndim == coefficients.ndim:
        return (per_sample_grad * coefficients).reshape(pred_shape)
    return (per_sample_grad * np.expand_dims(coefficients, options.get("axis", -1))).reshape(pred_shape)


KERAS_GRADIENTS = {
    "binary_crossentropy": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
}


def _renormalised_nll_grad(pred, target):
    """Gradient of -sum_k t_k log clip(p_k / S) with respect to p, class axis last."""
    total = pred.sum(axis=-1, keepdims=True)
    normalised = pred / total
    upstream = -target / keras.clip_probabilities(normalised) * keras.inside_clip(normalised)
    return (upstream - (upstream * normalised).sum(axis=-1, keepdims=True)) / total


def _indexed_mean_scale(reduction, denominator, counted):
    """_mean_scale for class-index targets. When samples count but their weights sum to 0, torch's loss is
    0/0 = NaN and so is its gradient for those samples (0 * inf); when none counts, the gradient is 0."""
    if reduction == "mean" and denominator == 0 and counted.any():
        return np.nan
    return _mean_scale(reduction, denominator)


def _mean_scale(reduction, denominator):
    """The factor 'mean' puts on every term: 1 / denominator (0 if nothing counts); 1 otherwise."""
    if reduction != "mean":
        return 1
    return 0 if denominator == 0 else 1 / denominator


def _weighted_and_scaled(grad, weight, reduction, input_shape):
    if weight is not None:
        grad = grad * losses.as_float_array(weight, "weight").astype(grad.dtype, copy=False)
    grad = _sum_to_shape(grad, input_shape)
    return grad * grad.dtype.type(_mean_scale(reduction, grad.size))


def _sum_to_shape(grad, shape):
    """Sum a gradient that broadcasting made larger back to the input's `shape`."""
    if grad.shape == tuple(shape):
        return grad
    grad = grad.sum(axis=tuple(range(grad.ndim - len(shape))))
    stretched = tuple(axis for axis, size in enumerate(shape) if size == 1 and grad.shape[axis] != 1)
    return grad.sum(axis=stretched, keepdims=True)
