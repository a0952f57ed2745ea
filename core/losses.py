"""The cross-entropy family in NumPy, mirroring `torch.nn.functional`.

Names, arguments and defaults are torch's. The class axis is torch's: 0 for an input of shape (C,),
1 for (N, C) and (N, C, d1, ...). Arrays keep their floating dtype (float32 in, float32 arithmetic and
out), so float32 effects such as sigmoid(20) == 1.0 show here as they do in torch.
"""

import numpy as np

from core._arrays import (
    FrameworkNotImplementedError,
    FrameworkRuntimeError,
    as_float_array,
    at_labels,
    check_class_indices,
    check_class_weight,
    check_probability_target,
    check_reduction,
    check_same_dtype,
    check_same_shape,
    check_unit_interval,
    effective_label_smoothing,
    is_probability_target,
    quiet_nan,
    to_class_last,
    torch_reduction,
)

BCE_LOG_FLOOR = -100.0  # torch's binary_cross_entropy clamps each log at -100


def softmax(x, axis=-1, temperature=1.0):
    """p_k = exp(z_k / T) / sum_j exp(z_j / T).

    Mirrors torch.softmax(x / T, dim=axis). Stable: the max is subtracted before exp.
    """
    exps = _shift_by_max(_divide_by_temperature(x, temperature), axis)  # a new array: work in place
    np.exp(exps, out=exps)
    with quiet_nan():
        exps /= exps.sum(axis=axis, keepdims=True)
    return exps


def log_softmax(x, axis=-1, temperature=1.0):
    """log p_k = z_k / T - logsumexp(z / T).

    Mirrors torch.log_softmax(x / T, dim=axis); exact for logits of +-1e4.
    """
    shifted = _shift_by_max(_divide_by_temperature(x, temperature), axis)
    with quiet_nan():
        return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def logsumexp(x, axis=-1, keepdims=False):
    """logsumexp(z) = m + log sum_k exp(z_k - m), m = max_k z_k.

    Mirrors torch.logsumexp(x, dim=axis, keepdim=keepdims).
    """
    x = as_float_array(x)
    peak = _finite_max(x, axis)
    with quiet_nan():
        result = peak + np.log(np.exp(x - peak).sum(axis=axis, keepdims=True))
    return result if keepdims else np.squeeze(result, axis=axis)


def entropy(p, axis=-1):
    """H(p) = -sum_k p_k log p_k, with 0 log 0 = 0 (natural log, in nats).

    Mirrors torch.distributions.Categorical(probs=p).entropy() for normalised p.
    """
    p = as_float_array(p, "p")
    return -_xlogy(p, p).sum(axis=axis)


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
    """Cross-entropy of logits against class indices or class probabilities.

    Class indices y (any target whose shape differs from the input's), with eps = label_smoothing:
        l_n = (1 - eps) * w_{y_n} * (-log p_{n,y_n}) + (eps / C) * sum_c w_c * (-log p_{n,c}),
        p = softmax(input) over the class axis; l_n = 0 where y_n == ignore_index;
        'mean' = sum_n l_n / sum_n w_{y_n} over the counted n (NaN if none is counted).
    Class probabilities t (a target of the input's shape), smoothed to t' = (1 - eps) t + eps / C:
        l_n = -sum_c w_c t'_{n,c} log p_{n,c};   'mean' = sum_n l_n / N  (N, not the weight sum).

    Mirrors torch.nn.functional.cross_entropy (nn.CrossEntropyLoss), its argument order included:
    eps > 1 is refused, eps <= 0 (or NaN) means no smoothing; the legacy size_average / reduce replace
    `reduction` as torch maps them (core._arrays.legacy_reduction), with torch's warning. With class
    indices a NumPy weight must have the input's dtype; with probabilities the result takes the
    promoted dtype of input, target and weight, as torch's does.
    """
    reduction = torch_reduction(reduction, size_average, reduce)
    logits, class_weight, num_classes, label_smoothing, dtype = prepare_logits(
        input, target, weight, label_smoothing
    )
    class_last = to_class_last(logits)
    if is_probability_target(logits, target):
        log_probs = log_softmax(class_last, axis=-1).astype(dtype, copy=False)  # in the input's dtype first
        smoothed = probability_target(target, dtype, ignore_index, label_smoothing, num_classes)
        per_sample = -_weighted(smoothed * log_probs, class_weight).sum(axis=-1)
        denominator = probability_denominator(per_sample.size, num_classes)
        return _reduce(per_sample, reduction, denominator=denominator)

    labels, counted, target_weight = class_index_target(
        target, logits.shape, class_weight, ignore_index, logits.dtype
    )
    return cross_entropy_at_labels(
        class_last, labels, counted, target_weight, class_weight, label_smoothing, reduction
    )


def cross_entropy_at_labels(
    class_last, labels, counted, target_weight, class_weight, label_smoothing, reduction
):
    """cross_entropy with class indices on arguments already checked (the formula in its docstring):
    class-last logits, labels (0 where ignored), the counted mask, w_{y_n} per sample (class_index_target),
    the class weight or None, eps and the reduction. cross_entropy calls it after its checks."""
    if label_smoothing == 0.0:  # only log p_y is needed: no whole log-softmax array
        return reduced_nll(log_softmax_at(class_last, labels), target_weight, counted, reduction)
    log_probs = log_softmax(class_last, axis=-1)
    return cross_entropy_of_log_probs(
        log_probs, labels, counted, target_weight, class_weight, label_smoothing, reduction
    )


def cross_entropy_of_log_probs(
    log_probs, labels, counted, target_weight, class_weight, label_smoothing, reduction
):
    """cross_entropy_at_labels from log p = log_softmax(z) already computed (the arguments otherwise the
    same): (1 - eps) * nll_loss(log p, y, w) + eps / C * (-sum_k w_k log p_k, reduced alike). A loop that
    also needs p for the gradient (core.training: p = exp(log p), as torch's backward takes it) computes
    the log-softmax once."""
    nll_part = nll_at_labels(log_probs, labels, counted, target_weight, reduction)
    if label_smoothing == 0.0:
        return nll_part
    uniform_nll = np.where(counted, -_weighted(log_probs, class_weight).sum(axis=-1), 0)
    smooth_part = _reduce(uniform_nll.astype(log_probs.dtype, copy=False), reduction, target_weight.sum())
    share = smoothing_share(label_smoothing, log_probs.shape[-1])
    return (1 - label_smoothing) * nll_part + smooth_part * share


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """Negative log-likelihood of log-probabilities at the target classes.

    l_n = -w_{y_n} * input[n, y_n], 0 where y_n == ignore_index;
    'mean' = sum_n l_n / sum_n w_{y_n} over the counted n (NaN if none is counted).

    Mirrors torch.nn.functional.nll_loss (nn.NLLLoss). `input` must already be log-probabilities:
    cross_entropy(z, y) == nll_loss(log_softmax(z, axis=1), y). size_average / reduce as in cross_entropy.
    """
    reduction = torch_reduction(reduction, size_average, reduce)
    log_probs, class_weight, labels, counted, target_weight = prepare_log_probs(
        input, target, weight, ignore_index
    )
    return nll_at_labels(log_probs, labels, counted, target_weight, reduction)


def nll_at_labels(log_probs, labels, counted, target_weight, reduction):
    """nll_loss on checked arguments (class-last log-probabilities, the rest as class_index_target gives
    them): -w_{y_n} log p_{n, y_n}, reduced. nll_loss calls it after its checks, as core.training does."""
    return reduced_nll(at_labels(log_probs, labels), target_weight, counted, reduction)


def reduced_nll(picked_log_probs, target_weight, counted, reduction):
    """-w_{y_n} log p_{n, y_n} per counted sample (weighted_nll), reduced; 'mean' divides by sum_n w_{y_n}."""
    per_sample = weighted_nll(picked_log_probs, target_weight, counted)
    return _reduce(per_sample, reduction, denominator=target_weight.sum())


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """Binary cross-entropy of probabilities p against targets y in [0, 1]:

        l = -w * (y * max(log p, -100) + (1 - y) * max(log(1 - p), -100)),  'mean' over all elements.

    Mirrors torch.nn.functional.binary_cross_entropy (nn.BCELoss), including the clamp that turns
    p = 0 or 1 with the opposite target into a loss of 100 instead of infinity. A NumPy target must have
    the input's dtype (torch refuses another). size_average / reduce as in cross_entropy.
    """
    reduction = torch_reduction(reduction, size_average, reduce)
    probs, target = binary_inputs(input, target, probabilities=True)
    return binary_cross_entropy_of(probs, target, weight, reduction)


def binary_cross_entropy_of(probs, target, weight, reduction):
    """binary_cross_entropy on checked arguments (probabilities in [0, 1], a target of their shape and
    dtype): the formula, called by binary_cross_entropy after its checks and by core.training's loop."""
    with quiet_nan():
        log_p = np.maximum(np.log(probs), BCE_LOG_FLOOR)
        log_not_p = np.maximum(np.log1p(-probs), BCE_LOG_FLOOR)
    losses = (target - 1) * log_not_p - target * log_p
    return _reduce(_times_weight(losses, weight), reduction, denominator=losses.size)


def binary_cross_entropy_with_logits(
    input, target, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None
):
    """Binary cross-entropy on logits z, computed stably through log sigmoid:

        l = w * ((1 - y) * z - (1 + (pos_weight - 1) * y) * log sigmoid(z)),
        log sigmoid(z) = min(z, 0) - log(1 + exp(-|z|)),   'mean' over all elements.

    Equal to -w * (pos_weight * y * log sigmoid(z) + (1 - y) * log(1 - sigmoid(z))), but exact for
    |z| = 1e4. `pos_weight` broadcasts against the target (one value per class on the last axis).
    Mirrors torch.nn.functional.binary_cross_entropy_with_logits (nn.BCEWithLogitsLoss), its argument
    order included (pos_weight comes last). size_average / reduce as in cross_entropy.
    """
    reduction = torch_reduction(reduction, size_average, reduce)
    logits, target = binary_inputs(input, target, keep_target_dtype=True)
    log_sig = log_sigmoid(logits)  # in the input's dtype, as torch's; the loss is in the target's
    if pos_weight is not None:
        log_sig = (log_sig * positive_log_weight(target, pos_weight)).astype(logits.dtype, copy=False)
    losses = ((1 - target) * logits - log_sig).astype(target.dtype, copy=False)
    return _reduce(_times_weight(losses, weight), reduction, denominator=losses.size)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """Kullback-Leibler divergence KL(target || q) with `input` = log q (log-probabilities):

        l = target * (log target - input)          (0 where target == 0)
        l = exp(target) * (target - input)         if log_target
        'batchmean' = sum / N (the true KL per sample); 'mean' = sum / number of elements.

    Mirrors torch.nn.functional.kl_div. Note the order: input is the model's log-probabilities and
    target the reference distribution. The legacy size_average / reduce replace the reduction as in
    cross_entropy, except that an explicit 'batchmean' still divides by N (torch's order of checks).
    """
    applied, batchmean = kl_div_reduction(reduction, size_average, reduce)
    check_floating_input(input)
    log_q = as_float_array(input)
    own_target = as_float_array(target, "target")
    dtype = promoted_dtype(log_q, own_target)
    target = own_target.astype(dtype, copy=False)
    if log_target:
        losses = np.exp(target) * (target - log_q)
    else:  # torch's xlogy(t, t) is in the target's own dtype
        losses = _xlogy(own_target, own_target).astype(dtype, copy=False) - target * log_q
    reduced = _reduce(losses, applied, denominator=losses.size)
    if batchmean and log_q.ndim > 0:
        reduced = (reduced / log_q.shape[0]).astype(losses.dtype)
    return reduced


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """Mean squared error: l = (x - t)^2 elementwise, 'mean' over all elements.

    Mirrors torch.nn.functional.mse_loss (nn.MSELoss); on softmax outputs against one-hot targets it is
    the classic mistake that learns slowly when the model is confidently wrong.
    """
    reduction = torch_reduction(reduction, size_average, reduce)
    values = as_float_array(input)
    target = as_float_array(target, "target").astype(values.dtype, copy=False)
    check_same_shape(target, values, "target", "input")
    return squared_error(values, target, reduction)


def squared_error(values, target, reduction):
    """mse_loss on checked arguments of one shape and dtype: (x - t)^2, reduced."""
    squared = (values - target) ** 2
    return _reduce(squared, reduction, denominator=squared.size)


# Building blocks the gradients and pages share.


def sigmoid(z):
    """sigmoid(z) = 1 / (1 + exp(-z)), without overflow for either sign of z."""
    z = as_float_array(z)
    decay = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + decay), decay / (1 + decay))


def log_sigmoid(z):
    """log sigmoid(z) = min(z, 0) - log(1 + exp(-|z|)); mirrors torch.nn.functional.logsigmoid."""
    z = as_float_array(z)
    return np.minimum(z, 0) - np.log1p(np.exp(-np.abs(z)))


def logit(p):
    """logit(p) = log p - log(1 - p), the inverse of the sigmoid: -inf at p = 0 and inf at p = 1; mirrors
    torch.logit (without eps)."""
    p = as_float_array(p)
    with np.errstate(divide="ignore"):
        return np.log(p) - np.log1p(-p)


def positive_log_weight(target, pos_weight):
    """The factor 1 + (pos_weight - 1) * y that BCE with logits puts on log sigmoid(z)."""
    pos_weight = as_float_array(pos_weight, "pos_weight").astype(target.dtype, copy=False)
    return (pos_weight - 1) * target + 1


def check_floating_input(input):
    """torch's losses have no kernels for integer or boolean tensors: a NumPy input of such a dtype is
    refused (a list of numbers is read as floats)."""
    dtype = getattr(input, "dtype", None)
    if dtype is not None and np.dtype(dtype).kind in "iub":
        raise FrameworkNotImplementedError(
            f"input has dtype {np.dtype(dtype)}: torch's losses need floating-point input (logits or "
            "probabilities); cast with .astype('float32')"
        )


def binary_inputs(input, target, probabilities=False, keep_target_dtype=False):
    """The checked (input, target) pair of the binary losses, target in the input's dtype. For
    binary_cross_entropy (`probabilities`) a NumPy target must have the input's dtype, as in torch.
    With `keep_target_dtype` a floating NumPy target keeps its own dtype: torch's
    binary_cross_entropy_with_logits computes its loss into a copy of the target, in the target's dtype."""
    check_floating_input(input)
    values = as_float_array(input)
    if probabilities:
        check_same_dtype(target, input, "target")
    own_dtype = getattr(target, "dtype", None)
    target = as_float_array(target, "target")
    if not (keep_target_dtype and own_dtype is not None and np.dtype(own_dtype).kind == "f"):
        target = target.astype(values.dtype, copy=False)
    check_same_shape(target, values, "target", "input")
    if probabilities:
        check_unit_interval(values, "input")
        check_unit_interval(target, "target")
    return values, target


def probability_target(target, dtype, ignore_index, label_smoothing, num_classes):
    """A class-probability target, checked, class axis last, smoothed to t' = (1 - eps) t + eps / C."""
    if ignore_index >= 0:
        raise FrameworkRuntimeError(
            "ignore_index is not supported with class-probability targets (a target of the input's "
            f"shape); got ignore_index={ignore_index}"
        )
    probs = to_class_last(check_probability_target(target, dtype))
    if label_smoothing == 0.0:
        return probs
    return probs * (1 - label_smoothing) + smoothing_share(label_smoothing, num_classes)


def smoothing_share(label_smoothing, num_classes):
    """eps / C, the share of the smoothing each class gets (inf for C = 0, as in torch, not an error)."""
    with quiet_nan():
        return float(np.float64(label_smoothing) / num_classes)


def probability_denominator(sample_count, num_classes):
    """'mean' over probability targets divides by the number of samples, which torch counts as
    numel / C: NaN for an input without classes."""
    return sample_count if num_classes else np.nan


def kl_div_reduction(reduction, size_average=None, reduce=None):
    """kl_div's reduction as torch reads it: 'batchmean' stays (it divides by N after the legacy or the
    'sum' reduction); otherwise as torch_reduction. Returns (reduction applied, batchmean?)."""
    check_reduction(reduction, ("none", "mean", "sum", "batchmean", "elementwise_mean"))
    batchmean = reduction == "batchmean"
    applied = torch_reduction("sum" if batchmean else reduction, size_average, reduce)
    return applied, batchmean


def kl_div_divisor(losses, log_q, applied, batchmean):
    """What kl_div divides each term by: the number of elements for 'mean', N (more) for 'batchmean'."""
    divisor = losses.size if applied == "mean" else 1
    return divisor * log_q.shape[0] if batchmean and log_q.ndim > 0 else divisor


def prepare_logits(input, target, weight, label_smoothing):
    """cross_entropy's checked arguments: the logits, the class weight, C and the smoothing torch applies.

    With class indices a NumPy weight must have the input's dtype (torch refuses another). With class
    probabilities torch promotes: `dtype`, the dtype of the loss, is the promoted dtype of input,
    target and weight (the log-softmax is still computed in the input's dtype), and the weight comes
    in it. Returns (logits, class weight, C, smoothing, dtype).
    """
    label_smoothing = effective_label_smoothing(label_smoothing)
    check_floating_input(input)
    logits = as_float_array(input)
    num_classes = to_class_last(logits).shape[-1]
    dtype = logits.dtype
    if is_probability_target(logits, target):
        dtype = promoted_dtype(logits, target, weight)
    else:
        check_same_dtype(weight, input, "weight")
    return logits, check_class_weight(weight, num_classes, dtype), num_classes, label_smoothing, dtype


def promoted_dtype(values, *others):
    """torch's type promotion among floating arrays: the widest floating dtype of `values` and of the
    NumPy floating arrays in `others` (lists and integers do not widen it)."""
    dtypes = [np.dtype(other.dtype) for other in others if getattr(other, "dtype", None) is not None]
    return np.result_type(values.dtype, *[dtype for dtype in dtypes if dtype.kind == "f"])


def log_softmax_at(class_last, labels):
    """log p_y = (z_y - m) - log sum_k exp(z_k - m), m = max_k z_k, at one label per position:
    the same arithmetic as torch's log_softmax, without building the whole log-softmax array."""
    peak = _finite_max(class_last, -1)
    exps = class_last - peak
    np.exp(exps, out=exps)
    picked = at_labels(class_last, labels) - peak[..., 0]
    with quiet_nan():
        return picked - np.log(exps.sum(axis=-1))


def prepare_log_probs(input, target, weight, ignore_index):
    """nll_loss's checked inputs: class-last log-probabilities, the class weight (a NumPy weight in the
    input's dtype, as torch requires), and the target as class_index_target gives it."""
    check_same_dtype(weight, input, "weight")
    check_floating_input(input)
    log_probs_in = as_float_array(input)
    log_probs = to_class_last(log_probs_in)
    class_weight = check_class_weight(weight, log_probs.shape[-1], log_probs.dtype)
    labels, counted, target_weight = class_index_target(
        target, log_probs_in.shape, class_weight, ignore_index, log_probs.dtype
    )
    return log_probs, class_weight, labels, counted, target_weight


def class_index_target(target, input_shape, class_weight, ignore_index, dtype):
    """(labels, counted, target_weight) for class-index targets: labels with ignored ones set to 0, the
    mask of counted samples, and w_{y_n} per sample (1 without weights, 0 where ignored). The 'mean'
    denominator is target_weight.sum()."""
    num_classes = input_shape[0] if len(input_shape) == 1 else input_shape[1]
    labels = check_class_indices(target, input_shape, num_classes, ignore_index)
    counted = labels != ignore_index
    labels = np.where(counted, labels, 0)
    if class_weight is None:
        return labels, counted, counted.astype(dtype)
    return labels, counted, np.where(counted, class_weight[labels], 0).astype(dtype, copy=False)


def weighted_nll(picked_log_probs, target_weight, counted):
    """-w_{y_n} * log p_{n, y_n} per sample, 0 where not counted."""
    nll = np.where(counted, -target_weight * picked_log_probs, 0)
    return nll.astype(picked_log_probs.dtype, copy=False)


def _reduce(losses, reduction, denominator):
    if reduction == "none":
        return losses
    total = losses.sum()
    if reduction == "sum":
        return total
    with quiet_nan():
        return (total / denominator).astype(losses.dtype)


def _times_weight(losses, weight):
    if weight is None:
        return losses
    return losses * as_float_array(weight, "weight").astype(losses.dtype, copy=False)


def _weighted(values, class_weight):
    return values if class_weight is None else values * class_weight


def _xlogy(x, y):
    """x * log(y) with 0 where x == 0 (torch.xlogy)."""
    with quiet_nan():
        return np.where(x == 0, 0, x * np.log(y)).astype(x.dtype, copy=False)


def _divide_by_temperature(x, temperature):
    x = as_float_array(x)
    if not temperature > 0:
        raise ValueError(f"temperature must be greater than 0; got {temperature}")
    return x if temperature == 1.0 else x / temperature


def _finite_max(x, axis):
    """The max along `axis` (kept), with non-finite maxima replaced by 0 so that subtracting it never
    makes inf - inf."""
    peak = x.max(axis=axis, keepdims=True, initial=-np.inf)  # -inf (then 0) along an empty axis
    if not np.isfinite(peak).all():  # rare: checked first because np.where costs a small batch more
        peak = np.where(np.isfinite(peak), peak, 0)
    return peak.astype(x.dtype, copy=False)


def _shift_by_max(x, axis):
    return x - _finite_max(x, axis)


__all__ = [
    "softmax",
    "log_softmax",
    "logsumexp",
    "entropy",
    "cross_entropy",
    "nll_loss",
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "kl_div",
    "mse_loss",
    "sigmoid",
    "log_sigmoid",
]
