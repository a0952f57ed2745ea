"""Every number the outputs page shows, from core: the per-sample losses and their mean as torch and
Keras report it, where the loss comes from (the worst samples, the classes), calibration before and
after temperature scaling, and what label smoothing, class weights or ignore_index make of the loss.

`analyse` makes the passes over the (N, C) scores (core.outputs) once and keeps only per-sample and
per-class results, so the page caches an Analysis and its controls (bins, rows shown, the what-if
options) recompute from it in milliseconds without touching the scores again.

torch's number: F.cross_entropy(z, y) for logits; F.nll_loss(log p, y) (no renormalising) for
probabilities and log-probabilities; -(t * log_softmax(z)).sum(1).mean() style for probability targets.
Keras's: SparseCategoricalCrossentropy (CategoricalCrossentropy for probability targets) with
from_logits=True for logits and log-probabilities, from_logits=False (p renormalised and clipped to
[1e-7, 1 - 1e-7]) for probabilities; samples labelled -100 are its ignore_class.
"""

import time
from dataclasses import dataclass

import numpy as np

from core import keras_losses, outputs
from topics.outputs.inputs import IGNORE_INDEX, check_values

WORST_KEPT = 100  # the worst samples whose scores the analysis keeps (the table shows up to this many)
WEIGHT_RULES = ("none", "inverse", "sqrt_inverse")
FRACTIONS = (0.01, 0.05, 0.1)


@dataclass(frozen=True)
class Analysis:
    kind: str
    dtype: str
    num_samples: int
    num_classes: int
    soft_targets: bool
    labels: np.ndarray  # (N,) class index, IGNORE_INDEX where left out (argmax of soft targets)
    counted: np.ndarray  # (N,) bool
    predicted: np.ndarray  # (N,)
    scan: outputs.Scan  # per-row sums of the scores at T = 1
    losses: np.ndarray  # (N,) torch's reduction='none' values; 0 where left out (as torch)
    torch_loss: float
    keras_loss: float
    accuracy: float
    confidence: np.ndarray  # (N,) max_c p_nc at T = 1
    confidence_after: np.ndarray  # (N,) at the fitted temperature
    losses_after: np.ndarray  # (N,) at the fitted temperature (cross-entropy of softmax(z / T))
    fit: outputs.TemperatureFit  # without its log_sum (kept as confidence_after)
    shares: tuple  # share of the total loss made by the worst 1%, 5%, 10%
    worst: np.ndarray  # indices of the WORST_KEPT largest losses, largest first
    worst_scores: np.ndarray  # (len(worst), C) their score rows, float64
    classes: outputs.ClassSummary
    weighted_row_sums: dict  # weight rule -> (N,) z @ w (what class weights do to label smoothing)
    class_weights: dict  # weight rule -> (C,) weights
    seconds: dict  # step -> seconds taken

    @property
    def num_counted(self):
        return int(self.counted.sum())

    @property
    def num_ignored(self):
        return self.num_samples - self.num_counted


def analyse(model_outputs):
    """The Analysis of checked ModelOutputs (topics.outputs.inputs); raises InputError when the values
    hold NaN or infinities (found from the scan's row sums, without another pass)."""
    clock = _Clock()
    scores, labels, target = model_outputs.scores, model_outputs.labels, model_outputs.target
    counted = labels != IGNORE_INDEX
    counts = np.bincount(labels[counted], minlength=scores.shape[1])
    weights = {rule: outputs.class_weights(counts, rule) for rule in WEIGHT_RULES}
    weighted_rules = [rule for rule in WEIGHT_RULES if rule != "none"]
    scan = outputs.scan_scores(scores, labels=None if target is not None else labels, target=target,
                               weights=[weights[rule] for rule in weighted_rules])  # fmt: skip
    clock.lap("scan")
    check_values(model_outputs, scan.row_sum, scan.log_sum)
    losses = np.where(counted, torch_sample_losses(model_outputs.kind, scan), 0.0)
    keras = keras_sample_losses(model_outputs, scan)
    mask = None if counted.all() else counted
    confidence = np.exp(-scan.log_sum)  # 1 / S_0
    correct = scan.predicted == labels
    clock.lap("losses")
    fit = outputs.fit_temperature(scores, scan, counted, before=None)
    clock.lap("temperature")
    losses_after = outputs.sample_losses(
        fit.log_sum, scan.target_score, scan.target_mass, 1 / fit.temperature
    )
    worst = outputs.worst_samples(np.where(counted, losses, -np.inf), WORST_KEPT)
    worst = worst[counted[worst]]
    safe_labels = np.where(counted, labels, 0)
    classes = outputs.class_summary(safe_labels[counted], scan.predicted[counted], losses[counted],
                                    scores.shape[1])  # fmt: skip
    row_sums = {"none": scan.row_sum, **dict(zip(weighted_rules, scan.weighted_row_sums, strict=True))}
    clock.lap("classes")
    return Analysis(
        kind=model_outputs.kind,
        dtype=str(scores.dtype),
        num_samples=scores.shape[0],
        num_classes=scores.shape[1],
        soft_targets=target is not None,
        labels=labels,
        counted=counted,
        predicted=scan.predicted,
        scan=scan,
        losses=losses,
        torch_loss=float(losses[counted].mean()),
        keras_loss=float(keras_losses.reduce_weighted_values(keras, mask=mask)),
        accuracy=float(correct[counted].mean()),
        confidence=confidence,
        confidence_after=np.exp(-fit.log_sum),
        losses_after=np.where(counted, losses_after, 0.0),
        fit=outputs.TemperatureFit(**{**fit.__dict__, "log_sum": np.empty(0)}),
        shares=outputs.worst_share(losses[counted], FRACTIONS),
        worst=worst,
        worst_scores=np.asarray(scores[worst], dtype=np.float64),
        classes=classes,
        weighted_row_sums=row_sums,
        class_weights=weights,
        seconds=clock.seconds,
    )


def torch_sample_losses(kind, scan):
    """torch's per-sample values: cross_entropy of logits, l_n = log S_0 - a_y; nll_loss of log p for
    probabilities and log-probabilities, l_n = -sum_c t_c s_c = -(a-score + mass * m) (no renormalising)."""
    if kind == "logits":
        return outputs.sample_losses(scan.log_sum, scan.target_score, scan.target_mass)
    return -(scan.target_score + scan.target_mass * scan.peak)


def keras_sample_losses(model_outputs, scan):
    """Keras's per-sample values: -log_softmax at the target (from_logits=True) for logits and
    log-probabilities; -log clip(p_y / sum_c p_c, 1e-7, 1 - 1e-7) for probabilities (from_logits=False).
    Probability targets with probabilities go through core's categorical_crossentropy."""
    if model_outputs.kind != "probs":
        return outputs.sample_losses(scan.log_sum, scan.target_score, scan.target_mass)
    probs = model_outputs.probs
    if model_outputs.target is not None:
        return keras_losses.categorical_crossentropy(model_outputs.target, probs)
    labels = np.where(model_outputs.labels == IGNORE_INDEX, 0, model_outputs.labels)
    picked = np.take_along_axis(probs, labels[:, None], axis=1)[:, 0]
    renormalised = picked / probs.sum(axis=1, dtype=probs.dtype)
    with np.errstate(divide="ignore"):
        return -np.log(keras_losses.clip_probabilities(renormalised))


class _Clock:
    def __init__(self):
        self.seconds, self._last = {}, time.perf_counter()

    def lap(self, step):
        now = time.perf_counter()
        self.seconds[step] = now - self._last
        self._last = now


# What the controls recompute from an Analysis (milliseconds)


def reliability_before_after(analysis, num_bins):
    """core.outputs.reliability at T = 1 and at the fitted T, over the counted samples."""
    counted = analysis.counted
    correct = (analysis.predicted == analysis.labels)[counted]
    return (
        outputs.reliability(analysis.confidence[counted], correct, num_bins),
        outputs.reliability(analysis.confidence_after[counted], correct, num_bins),
    )


@dataclass(frozen=True)
class WhatIf:
    """The mean loss under other loss options, as torch and as Keras compute them."""

    label_smoothing: float
    weight_rule: str
    ignored_class: int | None
    torch_loss: float  # F.cross_entropy(z, y, weight, ignore_index, label_smoothing)
    keras_loss: float  # Keras: smoothing per sample, class_weight as sample_weight, ignore_class mask
    counted: int  # samples left in


def what_if(analysis, label_smoothing=0.0, weight_rule="none", ignored_class=None):
    """The mean loss with label smoothing eps, class weights by `weight_rule` (core.outputs.class_weights)
    and the samples of `ignored_class` labelled ignore_index.

    torch: core.outputs.cross_entropy_from_scan (the weight on each class's smoothing term; divided by
    sum_n w_{y_n}). Keras: the smoothed per-sample loss (1 - eps) l_n + eps / C sum_c (-log p_nc), times
    sample_weight w_{y_n} (what fit(class_weight=...) does), summed and divided by the number of samples
    left (ignore_class's mask)."""
    counted = analysis.counted.copy()
    if ignored_class is not None:
        counted &= analysis.labels != ignored_class
    weight = None if weight_rule == "none" else analysis.class_weights[weight_rule]
    scan, num_classes = analysis.scan, analysis.num_classes
    smoothed = outputs.smoothed_sample_losses(scan, num_classes, label_smoothing)
    if analysis.soft_targets:  # torch refuses ignore_index and the page offers no weights here
        value = float(smoothed.mean())
        return WhatIf(label_smoothing, "none", None, value, value, analysis.num_samples)
    torch_value = outputs.cross_entropy_from_scan(
        scan,
        np.where(analysis.counted, analysis.labels, 0),
        counted,
        num_classes,
        weight=weight,
        weighted_row_sum=analysis.weighted_row_sums[weight_rule],
        label_smoothing=label_smoothing,
    )
    sample_weight = None if weight is None else weight[np.where(analysis.counted, analysis.labels, 0)]
    keras_value = keras_losses.reduce_weighted_values(
        smoothed, sample_weight=sample_weight, mask=None if counted.all() else counted
    )
    return WhatIf(label_smoothing, weight_rule, ignored_class, torch_value, float(keras_value),
                  int(counted.sum()))  # fmt: skip
