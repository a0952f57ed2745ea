"""The batch page's numbers: N rows of C logits, their targets, and every option of nn.CrossEntropyLoss.

Class indices y (seed 003), w the class weights (1 without weights), eps the label smoothing:
    l_n = (1 - eps) w_{y_n} (-log p_{n,y_n}) + (eps / C) sum_c w_c (-log p_{n,c}),  0 if y_n == ignore_index
    'mean' = sum_n l_n / sum_n w_{y_n} over the counted rows;  'sum' = sum_n l_n;  'none' = (l_0 .. l_{N-1})
Probability rows t (one-hot, or free rows normalised to sum 1), smoothed to t' = (1 - eps) t + eps / C:
    l_n = -sum_c w_c t'_{n,c} log p_{n,c};  'mean' = sum_n l_n / N  (N, not a weight sum)
p = softmax(z) per row. Every value comes from core.losses and core.gradients; this module lays them out
so a page can show where each number comes from. What Keras makes of the same batch is
topics.batch.keras_route, and the sentences about both are topics.batch.words: the page composes them.
"""

import math
from dataclasses import dataclass, replace

import numpy as np

from core import gradients, losses
from topics.batch.state import probability_rows
from topics.shared.inputs import InputError, label_problems


@dataclass(frozen=True)
class Route:
    """One way to compute the loss: `kind` names it (i18n "bt.route.<kind>"), `value` is its result."""

    kind: str
    value: object  # float, or an array for reduction='none'


@dataclass(frozen=True)
class BatchReadout:
    """Everything the batch page shows for one state. Row arrays have the state's N rows; rows that are
    ignored (index targets) or left out (one-hot form) hold NaN where they have no value."""

    logits: np.ndarray  # (N, C)
    probs: np.ndarray  # (N, C) softmax per row
    log_probs: np.ndarray  # (N, C) log_softmax per row
    target: np.ndarray  # (N, C) t per row before smoothing: one-hot, the normalised free rows; 0 if out
    status: tuple  # per row: "counted", "ignored" (index targets) or "dropped" (one-hot form)
    counted: np.ndarray  # (N,) bool: the rows that are in the loss
    target_prob: np.ndarray  # (N,) p_{n,y_n} (NaN without a single target class)
    neg_log: np.ndarray  # (N,) -log p_{n,y_n}, or -sum_c t'_c log p_c for free rows
    smooth_term: np.ndarray  # (N,) sum_c w_c (-log p_{n,c}) (the smoothing part), NaN if not counted
    row_weight: np.ndarray  # (N,) w_{y_n}: 1 without weights, 0 if not counted; NaN for free rows
    row_loss: np.ndarray  # (N,) torch's reduction='none' values l_n (0 if ignored, NaN if left out)
    numerator: float  # sum_n l_n over the counted rows
    denominator: float  # what 'mean' divides by (sum_n w_{y_n}, or the number of rows); NaN otherwise
    loss: object  # the reduced loss: a float, or an (N,) array for 'none'
    routes: tuple  # Route: manual formula, log_softmax + nll_loss, cross_entropy
    gradient: np.ndarray  # (N, C) d(loss)/dz (of the sum for 'none')
    row_scale: np.ndarray  # (N,) the factor the reduction puts on row n's (p_n - t_n)
    gradient_bound: float  # no gradient entry can be larger than this: the fixed colour range
    alternative: object  # the same labels in the other form (index <-> one-hot), when the mean differs

    @property
    def num_counted(self):
        return int(self.counted.sum())


def evaluate(state):
    """The BatchReadout of a state (raises InputError if its labels do not fit the classes)."""
    problems = label_problems(state.labels, state.num_classes, state.ignore_index)
    if problems:
        raise InputError(problems)
    logits = np.asarray(state.logits, dtype=np.float64)
    num_rows, num_classes = logits.shape
    labels = np.asarray(state.labels, dtype=np.int64)
    eps = state.label_smoothing
    weight = np.asarray(state.weight, dtype=np.float64) if state.weight else None
    class_weight = weight if weight is not None else np.ones(num_classes)
    probs = losses.softmax(logits, axis=1)
    log_probs = losses.log_softmax(logits, axis=1)
    in_class_range = (labels >= 0) & (labels < num_classes)
    safe_labels = np.where(in_class_range, labels, 0)
    rows = np.arange(num_rows)

    if state.target_form == "index":
        counted = labels != state.ignore_index
        status = tuple("counted" if c else "ignored" for c in counted)
        target = np.where(counted[:, None], np.eye(num_classes)[safe_labels], 0.0)
        call_logits, call_target = logits, labels
        call_options = {"ignore_index": state.ignore_index}
    else:
        if state.target_form == "onehot":
            counted = in_class_range  # rows labelled ignore_index (no class) are left out
            target = np.where(counted[:, None], np.eye(num_classes)[safe_labels], 0.0)
        else:
            counted = np.ones(num_rows, bool)
            raw = np.asarray(probability_rows(state), dtype=np.float64)
            target = raw / raw.sum(axis=1, keepdims=True)
        status = tuple("counted" if c else "dropped" for c in counted)
        call_logits, call_target = logits[counted], target[counted]
        call_options = {}

    def torch_call(function, **extra):
        return function(
            call_logits,
            call_target,
            weight=weight,
            reduction=state.reduction,
            label_smoothing=eps,
            **call_options,
            **extra,
        )

    loss = torch_call(losses.cross_entropy)
    kept_gradient = torch_call(gradients.cross_entropy)
    gradient = np.zeros_like(logits)
    gradient[counted if state.target_form != "index" else slice(None)] = kept_gradient
    per_row = losses.cross_entropy(
        call_logits,
        call_target,
        weight=weight,
        reduction="none",
        label_smoothing=eps,
        **call_options,
    )
    row_loss = np.full(num_rows, np.nan)
    row_loss[counted if state.target_form != "index" else slice(None)] = per_row

    smoothed = target * (1 - eps) + eps / num_classes
    if state.target_form == "probs":
        target_prob = np.full(num_rows, np.nan)
        neg_log = -(smoothed * log_probs).sum(axis=1)
        row_weight = np.full(num_rows, np.nan)
    else:
        target_prob = np.where(counted, probs[rows, safe_labels], np.nan)
        neg_log = np.where(counted, -log_probs[rows, safe_labels], np.nan)
        row_weight = np.where(counted, class_weight[safe_labels], 0.0)
    smooth_term = np.where(counted, -(log_probs * class_weight).sum(axis=1), np.nan)

    numerator = float(np.nansum(np.where(counted, row_loss, 0.0)))
    if state.reduction != "mean":
        denominator = math.nan
    elif state.target_form == "index":
        denominator = float(row_weight[counted].sum())
    else:
        denominator = float(counted.sum())
    row_scale = _row_scale(state, counted, row_weight, denominator)
    routes = (
        Route("manual", _manual_loss(state, probs, target, counted, safe_labels, class_weight, denominator)),
        Route("nll", _nll_route(state, call_logits, call_target, weight, call_options)),
        Route("cross_entropy", as_output(loss)),
    )
    readout_loss = as_output(loss)
    return BatchReadout(
        logits=logits,
        probs=probs,
        log_probs=log_probs,
        target=target,
        status=status,
        counted=counted,
        target_prob=target_prob,
        neg_log=neg_log,
        smooth_term=smooth_term,
        row_weight=row_weight,
        row_loss=row_loss,
        numerator=numerator,
        denominator=denominator,
        loss=readout_loss,
        routes=routes,
        gradient=gradient,
        row_scale=row_scale,
        gradient_bound=_gradient_bound(state, row_weight, counted, class_weight, denominator),
        alternative=_alternative(state),
    )


def as_output(value):
    value = np.asarray(value, dtype=np.float64)
    return float(value) if value.ndim == 0 else value


def _row_scale(state, counted, row_weight, denominator):
    """The factor the reduction puts on row n's (p_n - t_n): w_{y_n} / sum w (mean of class indices),
    1 / N (mean of probability rows), w_{y_n} or 1 otherwise; 0 for rows not counted."""
    if state.target_form == "probs":
        base = counted.astype(float)
    else:
        base = np.where(counted, row_weight, 0.0)
    if state.reduction != "mean":
        return base
    return base / denominator if denominator > 0 else np.zeros_like(base)


def _gradient_bound(state, row_weight, counted, class_weight, denominator):
    """The largest size a gradient entry can reach for this batch's labels, weights and reduction,
    whatever the logits: the fixed colour range of the gradient map.

    Class indices: |(1 - eps) w_y (p - onehot) + eps / C (sum_c w_c p - w)|
                   <= (1 - eps) w_y + eps / C sum_c w_c.
    Probability rows: |p sum_c w_c t'_c - w t'| <= max_c w_c. Each divided by the mean's denominator."""
    if not counted.any():
        return 1.0
    eps, num_classes = state.label_smoothing, class_weight.size
    if state.target_form == "index":
        per_row = (1 - eps) * row_weight[counted] + eps / num_classes * class_weight.sum()
        bound = float(per_row.max())
    else:
        bound = float(class_weight.max())
    if state.reduction == "mean":
        bound = bound / denominator if denominator > 0 else math.nan
    return bound if math.isfinite(bound) and bound > 0 else 1.0


def _manual_loss(state, probs, target, counted, labels, class_weight, denominator):
    """The formula by hand from p = softmax(z): -log p at the target (seed 000), weighted and reduced
    as seed 003 writes it. Taking log of p (not log_softmax) is what makes it overflow-prone."""
    eps, num_classes = state.label_smoothing, probs.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        neg_log_p = -np.log(probs)
        if state.target_form == "index":
            rows = np.arange(probs.shape[0])
            per_row = class_weight[labels] * neg_log_p[rows, labels]
            if eps > 0:
                spread = (class_weight * neg_log_p).sum(axis=1)
                per_row = (1 - eps) * per_row + eps / num_classes * spread
            per_row = np.where(counted, per_row, 0.0)
        else:
            smoothed = target * (1 - eps) + eps / num_classes
            per_row = (class_weight * smoothed * neg_log_p).sum(axis=1)[counted]
        if state.reduction == "none":
            return per_row
        total = per_row.sum()
        if state.reduction == "sum":
            return float(total)
        # torch divides the label term and the smoothing term by sum w_{y_n} separately: 0 / 0 is NaN
        # even when the smoothing term is not 0 (a positive total over 0 would say infinity)
        return float(total / denominator) if denominator != 0 else math.nan


def _nll_route(state, call_logits, call_target, weight, call_options):
    """log_softmax, then nll_loss (seed 004) for class indices; with label smoothing torch adds
    eps / C times the weighted sum of -log p over the classes. For probability rows (no nll_loss):
    -(w * t' * log_softmax(z)).sum over classes, reduced."""
    eps = state.label_smoothing
    log_probs = losses.log_softmax(call_logits, axis=1)
    num_classes = log_probs.shape[1]
    if state.target_form != "index":
        smoothed = call_target * (1 - eps) + eps / num_classes
        class_weight = weight if weight is not None else np.ones(num_classes)
        per_row = -(class_weight * smoothed * log_probs).sum(axis=1)
        if state.reduction == "none":
            return per_row
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(per_row.sum() if state.reduction == "sum" else per_row.sum() / per_row.size)
    nll = losses.nll_loss(log_probs, call_target, weight=weight, reduction=state.reduction, **call_options)
    if eps == 0:
        return as_output(nll)
    class_weight = weight if weight is not None else np.ones(num_classes)
    counted = call_target != state.ignore_index
    spread = np.where(counted, -(log_probs * class_weight).sum(axis=1), 0.0)
    if state.reduction == "none":
        smooth = spread
    elif state.reduction == "sum":
        smooth = spread.sum()
    else:
        labels = np.where(counted, call_target, 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            smooth = spread.sum() / np.where(counted, class_weight[labels], 0).sum()
    return as_output((1 - eps) * nll + eps / num_classes * smooth)


def _alternative(state):
    """With class weights and 'mean', the same labels in the other form give another number: one-hot
    rows divide by N, class indices by sum w_{y_n}. Returns that number (or None)."""
    if not state.weight or state.reduction != "mean" or state.target_form == "probs":
        return None
    other = "onehot" if state.target_form == "index" else "index"
    return _plain_loss(replace(state, target_form=other))


def _plain_loss(state):
    """Only the reduced loss of a state (core.losses.cross_entropy), without the rest of the readout."""
    logits = np.asarray(state.logits, dtype=np.float64)
    labels = np.asarray(state.labels, dtype=np.int64)
    weight = np.asarray(state.weight, dtype=np.float64) if state.weight else None
    if state.target_form == "index":
        return as_output(
            losses.cross_entropy(
                logits,
                labels,
                weight=weight,
                ignore_index=state.ignore_index,
                reduction=state.reduction,
                label_smoothing=state.label_smoothing,
            )
        )
    keep = (labels >= 0) & (labels < logits.shape[1])
    target = np.eye(logits.shape[1])[labels[keep]]
    return as_output(
        losses.cross_entropy(
            logits[keep],
            target,
            weight=weight,
            reduction=state.reduction,
            label_smoothing=state.label_smoothing,
        )
    )


def plain_mean(readout):
    """The unweighted mean of -log p over the counted rows: what a weighted mean is not."""
    values = readout.neg_log[readout.counted]
    return float(values.mean()) if values.size else math.nan
