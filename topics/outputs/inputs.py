"""A model's outputs and targets from uploaded files, checked: which array is which, their shapes, their
dtypes and their values. Every reason they cannot be used is a Problem ("mo.problem.<kind>", with the
numbers it names) in an InputError, so the page says it in either language and keeps what it showed.

The checks that read every value run on the scan core makes anyway (topics.outputs.numbers): a NaN or
an infinity in a row makes that row's sum non-finite, so only the rows it names are searched again.
"""

from dataclasses import dataclass

import numpy as np

from topics.outputs.files import problem, read_arrays
from topics.shared.inputs import InputError, Problem

KINDS = ("logits", "probs", "log_probs")  # what the outputs are, as the person says
MAX_SAMPLES = 100_000
CLASS_RANGE = (2, 1_000)
IGNORE_INDEX = -100  # torch's default: a sample labelled -100 is left out of the loss
SUM_TOLERANCE = 1e-3  # |sum_c p_c - 1| allowed for probabilities (float16 saves round to ~1e-3)
OUTPUT_NAMES = ("logits", "outputs", "output", "probs", "probabilities", "log_probs", "logprobs", "scores")
OUTPUT_NAMES += ("preds", "predictions", "y_pred", "tensor", "array")
LABEL_NAMES = ("labels", "label", "targets", "target", "y", "y_true", "classes")


@dataclass(frozen=True)
class ModelOutputs:
    """Checked outputs: scores z (N, C) float32 or float64, the form the person named, and the targets."""

    scores: np.ndarray  # logits; log p for probabilities and log-probabilities
    kind: str  # one of KINDS
    labels: np.ndarray  # (N,) int64 class indices (IGNORE_INDEX: left out); argmax of probability targets
    target: np.ndarray | None  # (N, C) probability targets, or None for class indices
    probs: np.ndarray | None  # the probabilities as given (kind 'probs'), for Keras's clipped route

    @property
    def num_samples(self):
        return self.scores.shape[0]

    @property
    def num_classes(self):
        return self.scores.shape[1]


def pick_arrays(files, max_bytes):
    """(outputs, targets) from one or two files, each given as (name, bytes): the first file's array
    named as in OUTPUT_NAMES (or its only 2-D array), and the labels named as in LABEL_NAMES in either file
    (or the second file's only array)."""
    found = [(name, read_arrays(name, data, max_bytes)) for name, data in files]
    outputs_file, outputs_arrays = found[0]
    outputs = _first_found(_named(outputs_arrays, OUTPUT_NAMES), _only(outputs_arrays, ndim=2))
    labels = _named(outputs_arrays, LABEL_NAMES)
    if len(found) > 1:
        labels_arrays = found[1][1]
        labels = _first_found(_named(labels_arrays, LABEL_NAMES), _only(labels_arrays), labels)
    if outputs is None:
        raise problem("which_outputs", name=outputs_file, keys=_keys(outputs_arrays))
    if labels is None:
        if len(found) > 1:
            raise problem("which_labels", name=found[1][0], keys=_keys(found[1][1]))
        raise problem("no_labels", name=outputs_file)
    return outputs, labels


def _first_found(*arrays):
    return next((array for array in arrays if array is not None), None)


def _named(arrays, names):
    lowered = {key.lower(): key for key in arrays}
    return next((arrays[lowered[name]] for name in names if name in lowered), None)


def _only(arrays, ndim=None):
    candidates = [a for a in arrays.values() if ndim is None or np.ndim(a) == ndim]
    return candidates[0] if len(candidates) == 1 else None


def _keys(arrays):
    return ", ".join(f"{key} {tuple(np.shape(value))}" for key, value in list(arrays.items())[:8])


def check_outputs(outputs, targets, kind):
    """ModelOutputs from raw arrays, or InputError naming what is wrong with the shapes and dtypes.
    The values are checked by check_values once they have been scanned."""
    outputs, targets = np.asarray(outputs), np.asarray(targets)
    if outputs.dtype.kind in "iub":
        raise problem("integer_outputs", dtype=str(outputs.dtype))
    if outputs.dtype.kind != "f":
        raise problem("dtype", what="outputs", dtype=str(outputs.dtype))
    if outputs.ndim != 2:
        raise problem("rank", shape=str(tuple(outputs.shape)))
    num_samples, num_classes = outputs.shape
    if num_samples == 0:
        raise problem("no_samples")
    if num_classes < CLASS_RANGE[0]:
        raise problem("too_few_classes", classes=num_classes)
    if num_samples > MAX_SAMPLES or num_classes > CLASS_RANGE[1]:
        raise problem(
            "too_big", rows=f"{num_samples:,}", classes=f"{num_classes:,}", max_rows=f"{MAX_SAMPLES:,}",
            max_classes=f"{CLASS_RANGE[1]:,}",
        )  # fmt: skip
    if targets.ndim not in (1, 2) or (targets.ndim == 2 and targets.shape[1] not in (1, num_classes)):
        raise problem("label_rank", shape=str(tuple(targets.shape)), classes=num_classes)
    if targets.shape[0] != num_samples:
        raise problem("count_mismatch", outputs=f"{num_samples:,}", labels=f"{targets.shape[0]:,}")
    scores = _as_float(outputs)
    probs = None
    if kind == "probs":
        probs = scores
        _check_probabilities(probs)
        with np.errstate(divide="ignore"):
            scores = np.log(probs)
    if targets.ndim == 2 and targets.shape[1] == num_classes and num_classes > 1:
        target = _checked_target(targets)
        return ModelOutputs(scores, kind, target.argmax(axis=1), _as_float(target, scores.dtype), probs)
    return ModelOutputs(scores, kind, _checked_labels(targets.reshape(-1), num_classes), None, probs)


def _as_float(array, dtype=None):
    """float32 or float64 as given (float16 becomes float32), native byte order."""
    target_dtype = dtype or (np.float64 if array.dtype == np.float64 else np.float32)
    if array.dtype == target_dtype and array.dtype.isnative:
        return array
    return array.astype(target_dtype)


def _checked_labels(labels, num_classes):
    if labels.dtype.kind == "f":
        finite = np.isfinite(labels)
        if not finite.all() or np.any(labels != np.round(labels)):
            bad = int(np.flatnonzero(~finite | (labels != np.round(np.where(finite, labels, 0))))[0])
            raise problem("label_not_whole", row=bad, value=f"{labels[bad]:g}")
    elif labels.dtype.kind not in "iu":
        raise problem("dtype", what="labels", dtype=str(labels.dtype))
    labels = labels.astype(np.int64)
    outside = (labels != IGNORE_INDEX) & ((labels < 0) | (labels >= num_classes))
    if outside.any():
        first = int(np.flatnonzero(outside)[0])
        raise problem(
            "label_range",
            count=f"{int(outside.sum()):,}",
            row=first,
            value=int(labels[first]),
            last=num_classes - 1,
            ignore=IGNORE_INDEX,
        )
    if np.all(labels == IGNORE_INDEX):
        raise problem("all_ignored", ignore=IGNORE_INDEX)
    return labels


def _checked_target(target):
    """Probability targets: finite, >= 0, each row summing to 1."""
    if target.dtype.kind != "f":
        raise problem("dtype", what="targets", dtype=str(target.dtype))
    _check_probabilities(target, what="targets")
    return target


def _check_probabilities(probs, what="outputs"):
    """Called probabilities: every value finite and in [0, 1], every row summing to 1 within
    SUM_TOLERANCE."""
    finite = np.isfinite(probs)
    if not finite.all():
        raise _nonfinite_problem(probs, np.flatnonzero(~finite.all(axis=1)), what)
    outside = (probs < 0) | (probs > 1)
    if outside.any():
        row, column = (int(i) for i in np.argwhere(outside)[0])
        raise problem("prob_range", what=what, row=row, column=column, value=f"{probs[row, column]:g}")
    sums = probs.sum(axis=1, dtype=np.float64)
    off = np.abs(sums - 1) > SUM_TOLERANCE
    if off.any():
        row = int(np.flatnonzero(off)[0])
        raise problem("prob_sum", what=what, count=f"{int(off.sum()):,}", row=row, total=f"{sums[row]:.4g}")


def check_values(model_outputs, row_sum, log_sum):
    """InputError if the scores hold NaN or +-inf (log-probabilities may hold -inf: p = 0), or if
    log-probabilities do not exponentiate to rows summing to 1. `row_sum` and `log_sum` are the
    scan's per-row sums (core.outputs.Scan)."""
    scores = model_outputs.scores
    if model_outputs.kind == "log_probs":
        has_nan = ~np.isfinite(log_sum) | np.isnan(row_sum)
        bad_rows = np.flatnonzero(has_nan | (row_sum == np.inf))
    else:
        bad_rows = np.flatnonzero(~np.isfinite(row_sum))
    if model_outputs.kind != "probs" and bad_rows.size:
        raise _nonfinite_problem(scores, bad_rows, "outputs")
    if model_outputs.kind == "log_probs":
        _check_log_probabilities(scores, log_sum)


def _check_log_probabilities(scores, log_sum):
    """Log-probabilities: logsumexp of each row is 0 (their exp sums to 1), checked as
    |log S_0 + m| <= SUM_TOLERANCE with the scan's per-row log S_0 and m = max (recomputed here)."""
    peak = scores.max(axis=1).astype(np.float64)
    off = np.abs(log_sum + peak) > SUM_TOLERANCE
    if off.any():
        row = int(np.flatnonzero(off)[0])
        total = float(np.exp(log_sum[row] + peak[row]))
        raise problem("log_prob_sum", count=f"{int(off.sum()):,}", row=row, total=f"{total:.4g}")


def _nonfinite_problem(values, bad_rows, what):
    """The problem for non-finite values, counted and located in `bad_rows` only."""
    block = values[bad_rows]
    nan = int(np.isnan(block).sum())
    inf = int(np.isinf(block).sum())
    position = np.argwhere(~np.isfinite(block))
    row, column = (int(bad_rows[position[0][0]]), int(position[0][1])) if position.size else (0, 0)
    return InputError([Problem("mo.problem.nonfinite", {"what": what, "nan": nan, "inf": inf, "row": row,
                                                        "column": column})])  # fmt: skip


def read_outputs(files, kind, max_bytes):
    """ModelOutputs from uploaded files [(name, bytes)], before the value checks of check_values."""
    outputs, targets = pick_arrays(files, max_bytes)
    return check_outputs(outputs, targets, kind)
