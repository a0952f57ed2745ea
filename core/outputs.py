"""A classifier's outputs over a whole data set: per-sample cross-entropy, how the loss is spread over
the samples and the classes, calibration (reliability bins, expected calibration error), temperature
scaling, and what label smoothing, class weights or ignore_index make of the mean loss.

Scores z of shape (N, C) may be large (50,000 x 1,000 float32). Every pass over them runs over blocks
of rows and keeps only per-row results, so the extra memory is one block per worker, and float32
stays float32 inside a row as it does in torch. With m_n = max_c z_nc, a_nc = z_nc - m_n <= 0 and an
inverse temperature u = 1 / T:

    S_k(n) = sum_c exp(u a_nc) a_nc^k,    logsumexp(u z_n) = u m_n + log S_0(n),
    p_nc = softmax(u z_n)_c = exp(u a_nc) / S_0(n),   max_c p_nc = 1 / S_0(n)   (the confidence).
"""

import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from core._arrays import quiet_nan

BLOCK_ELEMENTS = 1 << 18  # values per block: 1 MiB of float32, small enough to stay in cache
WORKERS = min(2, os.cpu_count() or 1)  # NumPy releases the GIL inside its loops: blocks run side by side
SHIFT_FLOOR = -1e4  # a = z - m below this (a zero probability's -inf) counts as this: exp(u a) is 0
TEMPERATURE_RANGE = (0.01, 100.0)  # fit_temperature stays inside; a fit that reaches a bound says so
WARM_START_ROWS = 8192  # fit_temperature first converges on this many rows, then on all of them
# Within this step (relative to u) the fit trusts its quartic model of the loss. Its error in T grows
# like step^5: measured ~1e-7 at 0.02, ~1e-6 at 0.03, ~1e-4 at 0.1 (relative).
TAYLOR_RADIUS = 0.03
MODEL_BEND = 0.05  # and only while its 4th-order term is this small beside the 2nd (_model_trusted)
WARM_START_RADIUS = 0.3  # the warm start trusts it farther: it only has to land within TAYLOR_RADIUS


def row_blocks(num_rows, num_classes):
    """Slices of consecutive rows of about BLOCK_ELEMENTS values each, covering 0..num_rows."""
    step = max(1, BLOCK_ELEMENTS // max(1, num_classes))
    return [slice(start, min(start + step, num_rows)) for start in range(0, num_rows, step)]


def _each_block(work, num_rows, num_classes):
    """Call work(rows) on every block of rows, on WORKERS threads."""
    blocks = row_blocks(num_rows, num_classes)
    if WORKERS == 1 or len(blocks) < 4:
        for rows in blocks:
            work(rows)
        return
    with ThreadPoolExecutor(WORKERS) as pool:
        for _ in pool.map(work, blocks):
            pass


@dataclass(frozen=True)
class Scan:
    """One pass over the scores at T = 1, per row n (float64 copies of the rows' float32 results)."""

    peak: np.ndarray  # m_n = max_c z_nc
    predicted: np.ndarray  # argmax_c z_nc (the first of equal maxima, as torch.argmax)
    log_sum: np.ndarray  # log S_0(n) at u = 1: logsumexp(z_n) - m_n
    row_sum: np.ndarray  # sum_c z_nc (what label smoothing adds up); -inf if a score is -inf
    target_score: np.ndarray  # a_{n,y_n}, or sum_c t_nc a_nc for probability targets
    target_mass: np.ndarray  # 1, or sum_c t_nc for probability targets
    weighted_row_sums: tuple = ()  # sum_c w_c z_nc for each weight vector w asked of scan_scores

    @property
    def has_minus_infinity(self):
        """Some score is -inf (a probability of 0): later passes floor a at SHIFT_FLOOR (0 * inf is NaN)."""
        return bool(np.any(self.row_sum == -np.inf))


def scan_scores(scores, labels=None, target=None, weights=()):
    """The Scan of scores z (N, C) against class indices `labels` (N,) (entries outside 0..C-1 are read as
    class 0: the caller leaves them out) or probability targets `target` (N, C); `weights`: vectors w
    (C,) whose z @ w the Scan also keeps (what class weights make of label smoothing), computed on each
    block while it is in cache rather than in another pass.

    Mirrors what torch.nn.functional.cross_entropy computes per row: log p_{n,y} = a_{n,y} - log S_0(n).
    Row sums are matrix-vector products with a vector of ones (BLAS: faster than a reduction).
    """
    num_rows, num_classes = scores.shape
    fields = {name: np.empty(num_rows) for name in ("peak", "log_sum", "row_sum", "target_score")}
    predicted = np.empty(num_rows, dtype=np.int64)
    mass = np.ones(num_rows)
    safe_labels = None if labels is None else np.where((labels >= 0) & (labels < num_classes), labels, 0)
    ones = np.ones(num_classes, dtype=scores.dtype)
    weights = [np.asarray(weight, dtype=scores.dtype) for weight in weights]
    weighted = tuple(np.empty(num_rows) for _ in weights)

    def work(rows):
        block = scores[rows]
        peak = _finite(block.max(axis=1))
        predicted[rows] = block.argmax(axis=1)
        shifted = np.subtract(block, peak[:, None], dtype=block.dtype)
        if target is None:
            fields["target_score"][rows] = np.take_along_axis(shifted, safe_labels[rows, None], axis=1)[:, 0]
        else:
            floored = np.maximum(shifted, SHIFT_FLOOR)  # t = 0 against a = -inf must add 0, not NaN
            fields["target_score"][rows] = np.einsum("ij,ij->i", target[rows], floored)
            mass[rows] = target[rows] @ ones
        with quiet_nan():
            fields["row_sum"][rows] = block @ ones
            for weight, weighted_sum in zip(weights, weighted, strict=True):
                weighted_sum[rows] = block @ weight
        np.exp(shifted, out=shifted)
        fields["log_sum"][rows] = np.log(shifted @ ones)
        fields["peak"][rows] = peak

    _each_block(work, num_rows, num_classes)
    return Scan(predicted=predicted, target_mass=mass, weighted_row_sums=weighted, **fields)


def exp_moments(scores, peak, inverse_temperature, moments=0, floor=False):
    """(log S_0, [S_1 / S_0, ..., S_k / S_0]) per row at u = inverse_temperature, k = `moments`:
    log S_0 = logsumexp(u z_n) - u m_n, and S_k / S_0 = E_p[a^k] under p = softmax(u z_n).
    `floor`: raise a below SHIFT_FLOOR to it (needed when a score is -inf).
    Each moment costs one product and one matrix-vector product on the block already in cache; the one
    exp per value is the pass's main cost."""
    num_rows, num_classes = scores.shape
    log_sum = np.empty(num_rows)
    raw = [np.empty(num_rows) for _ in range(moments)]
    dtype = scores.dtype.type
    ones = np.ones(num_classes, dtype=scores.dtype)

    def work(rows):
        shifted = np.subtract(scores[rows], peak[rows, None].astype(scores.dtype), dtype=scores.dtype)
        if floor:
            np.maximum(shifted, SHIFT_FLOOR, out=shifted)
        weights = np.multiply(shifted, dtype(inverse_temperature))
        np.exp(weights, out=weights)
        total = (weights @ ones).astype(np.float64)
        log_sum[rows] = np.log(total)
        for moment in raw:
            weights *= shifted  # exp(u a) a^k
            moment[rows] = (weights @ ones) / total

    _each_block(work, num_rows, num_classes)
    return log_sum, raw


def cumulants(raw):
    """The cumulants k_1..k_4 of a under p from its raw moments mu_k = E_p[a^k] (float64):
    k_1 = mu_1, k_2 = mu_2 - mu_1^2, k_3 = mu_3 - 3 mu_2 mu_1 + 2 mu_1^3,
    k_4 = mu_4 - 4 mu_3 mu_1 - 3 mu_2^2 + 12 mu_2 mu_1^2 - 6 mu_1^4.
    k_j is the j-th derivative of log S_0(u) in u: log S_0(u + d) = log S_0(u) + sum_j k_j d^j / j! + ..."""
    mu1, mu2, mu3, mu4 = raw
    return (
        mu1,
        mu2 - mu1 * mu1,
        mu3 - 3 * mu2 * mu1 + 2 * mu1**3,
        mu4 - 4 * mu3 * mu1 - 3 * mu2 * mu2 + 12 * mu2 * mu1 * mu1 - 6 * mu1**4,
    )


def taylor_log_sum(log_sum, kappa, step):
    """log S_0(u + step) per row from its value and cumulants at u: log S_0 + sum_j k_j step^j / j!."""
    result = log_sum.copy()
    for order, kappa_j in enumerate(kappa, start=1):
        result += kappa_j * (step**order / math.factorial(order))
    return result


def sample_losses(log_sum, target_score, target_mass, inverse_temperature=1.0):
    """Per-sample cross-entropy of softmax(u z) against the target:

        l_n = mass_n log S_0(n) - u * score_n  =  -sum_c t_nc log p_nc  (t one-hot: -log p_{n,y_n}).

    Mirrors torch.nn.functional.cross_entropy(z / T, target, reduction='none')."""
    return target_mass * log_sum - inverse_temperature * target_score


@dataclass(frozen=True)
class TemperatureFit:
    temperature: float  # the T minimising the mean NLL of softmax(z / T)
    loss_before: float  # mean NLL at T = 1
    loss_after: float  # mean NLL at the fitted T
    log_sum: np.ndarray  # log S_0 per row at the fitted T: the confidence is 1 / S_0
    passes: int  # passes over all the rows (the warm start's passes over a subset not counted)
    at_bound: bool  # the minimum lies at or beyond TEMPERATURE_RANGE (e.g. a perfectly separated set)


def fit_temperature(scores, scan, counted, before=None):
    """The temperature T minimising the mean cross-entropy of softmax(z / T) over the counted rows.

    f(u) = mean_n [mass_n log S_0(n; u) - u score_n] with u = 1 / T is convex in u (a log-sum-exp of
    functions linear in u, minus a linear term), with
        f'(u) = mean_n [mass_n k_1(n) - score_n],   f''(u) = mean_n mass_n k_2(n) >= 0
    (k_j: the cumulants of a under p, see `cumulants`), so it has one minimum. A pass over the rows at u
    gives the cumulants up to the 4th: f near u is then known as a polynomial in d = u' - u (its
    sufficient statistics: four means), and the minimum of that polynomial is found without touching
    the scores again. Within TAYLOR_RADIUS of u the polynomial's error in f' is ~ d^4 k_5 / 24 (its
    minimum is within ~1e-6 of the exact one in T), so the fit ends there; farther away a Newton step
    moves u and another pass follows.

    It runs first on an evenly spread subset of WARM_START_ROWS rows, which usually lands within
    TAYLOR_RADIUS of the minimum over all rows (~1% away on 50,000 x 1,000): then one pass over all the
    rows, that reuses the scan's row maxima, is the whole fit. log S_0 at the fitted T follows from the
    same cumulants (error ~ d^5 k_5 / 120), so loss_after and log_sum belong to the fitted T. The same
    minimum as torch.optim.LBFGS fitting T on nll of (z / T) (Guo et al., 2017, "On Calibration of
    Modern Neural Networks").
    """
    counted = np.asarray(counted, dtype=bool)
    if not counted.any():
        raise ValueError("no counted sample to fit a temperature on")
    score, mass = scan.target_score, scan.target_mass
    if before is None:
        before = float(sample_losses(scan.log_sum, score, mass)[counted].mean())
    u, floor = 1.0, scan.has_minus_infinity
    rows = np.flatnonzero(counted)
    if rows.size > 2 * WARM_START_ROWS:
        subset = rows[np.linspace(0, rows.size - 1, WARM_START_ROWS).astype(np.int64)]
        every = np.ones(subset.size, dtype=bool)
        u, _, _ = _newton(scores[subset], scan.peak[subset], score[subset], mass[subset], every, u, floor,
                          radius=WARM_START_RADIUS)  # fmt: skip
    u, log_sum, passes = _newton(scores, scan.peak, score, mass, counted, u, floor)
    low, high = 1 / TEMPERATURE_RANGE[1], 1 / TEMPERATURE_RANGE[0]
    return TemperatureFit(
        temperature=1 / u,
        loss_before=before,
        loss_after=float(sample_losses(log_sum, score, mass, u)[counted].mean()),
        log_sum=log_sum,
        passes=passes,
        at_bound=bool(u <= low * (1 + 1e-9) or u >= high * (1 - 1e-9)),
    )


def _newton(scores, peak, score, mass, counted, u, floor, radius=TAYLOR_RADIUS, max_steps=40):
    """The minimum of f(u) (fit_temperature) over the counted rows: (u, log S_0 of every row at u,
    passes made). Each pass evaluates the cumulants k_1..k_4 at u. When the Newton step is within
    `radius` (relative to u), the quartic model of f around u is minimised (`_model_minimum`) and that is the
    answer. Where the minimum lies far away (a set the model separates: f falls like exp(-u margin)
    all the way to the bound) Newton's steps shrink only slowly, so a step that is more than half the
    last one, in the same direction, is doubled (and doubled again); a step past the allowed range
    stops at the bound, and so does a fit whose f' underflows to 0 on the way there."""
    low, high = 1 / TEMPERATURE_RANGE[1], 1 / TEMPERATURE_RANGE[0]
    passes, last_step, growth = 0, 0.0, 1.0
    for _ in range(max_steps):
        log_sum, raw = exp_moments(scores, peak, u, moments=4, floor=floor)
        passes += 1
        kappa = cumulants(raw)
        mass_c = mass[counted]
        means = [float(np.mean(mass_c * kappa_j[counted])) for kappa_j in kappa]
        gradient = means[0] - float(np.mean(score[counted]))
        curvature = means[1]
        if gradient == 0 and last_step != 0 and u not in (low, high):
            # f' underflowed to 0 on the way: f is flat (to float precision) from here to the bound
            u = high if last_step > 0 else low
            continue
        if gradient == 0 or not (curvature > 0 and math.isfinite(gradient)):
            break
        step = -gradient / curvature
        if abs(step) <= radius * u:
            step = _model_minimum(gradient, means[1:])
            if _model_trusted(step, radius * u, means[1:]) and low < u + step < high:
                return u + step, taylor_log_sum(log_sum, kappa, step), passes
        slow = last_step * step > 0 and abs(step) > 0.5 * abs(last_step)
        growth = growth * 2 if slow else 1.0
        new_u = min(max(u + step * growth, low), high)
        if new_u == u:  # at a bound, and the minimum lies beyond it
            break
        last_step, u = step, new_u
    return u, log_sum, passes


def _model_trusted(step, radius, higher):
    """Whether the quartic model's minimum `step` away can be taken as f's: within `radius`, and with
    the 4th-order term bending f' by at most MODEL_BEND of the curvature there (where f falls like
    exp(-u margin), e.g. a set the model separates, the series converges slowly and that term is large)."""
    second, _, fourth = higher
    return abs(step) <= radius and abs(fourth) * step * step / 6 <= MODEL_BEND * second


def _model_minimum(gradient, higher):
    """The d minimising the quartic model of f around u, by Newton's method on its derivative
    g(d) = f' + K_2 d + K_3 d^2 / 2 + K_4 d^3 / 6 (K_j: the mean mass-weighted cumulants), from d = 0."""
    second, third, fourth = higher
    step = 0.0
    for _ in range(50):
        slope = gradient + second * step + third * step**2 / 2 + fourth * step**3 / 6
        bend = second + third * step + fourth * step**2 / 2
        if not bend > 0:
            return math.inf  # the model is not convex here: no minimum to trust
        change = slope / bend
        step -= change
        if abs(change) <= 1e-15 * max(1.0, abs(step)):
            break
    return step


@dataclass(frozen=True)
class Reliability:
    """Equal-width confidence bins [0, 1/B), [1/B, 2/B), ..., [(B-1)/B, 1], as in Guo et al. (2017)."""

    edges: np.ndarray  # (B + 1,) 0 .. 1
    count: np.ndarray  # (B,) samples per bin
    confidence: np.ndarray  # (B,) mean confidence in the bin (NaN if empty)
    accuracy: np.ndarray  # (B,) share of correct predictions in the bin (NaN if empty)
    ece: float  # sum_b (n_b / N) |accuracy_b - confidence_b|


def reliability(confidence, correct, num_bins=15):
    """Reliability bins and the expected calibration error

        ECE = sum_b (n_b / N) |acc_b - conf_b|,

    a sample in bin b (0-based) when b / B <= confidence < (b + 1) / B, a confidence of 1 in the last bin.
    Mirrors torchmetrics' multiclass_calibration_error(norm='l1'): torch.bucketize(confidence, edges,
    right=True) - 1."""
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=np.float64)
    edges = np.linspace(0.0, 1.0, num_bins + 1)
    index = np.clip(np.searchsorted(edges, confidence, side="right") - 1, 0, num_bins - 1)
    count = np.bincount(index, minlength=num_bins)
    with quiet_nan():
        mean_confidence = np.bincount(index, confidence, minlength=num_bins) / count
        accuracy = np.bincount(index, correct, minlength=num_bins) / count
    share = count / max(1, confidence.size)
    ece = float(np.nansum(share * np.abs(accuracy - mean_confidence)))
    return Reliability(edges, count, mean_confidence, accuracy, ece)


def worst_share(losses, fractions=(0.01, 0.05, 0.1)):
    """For each fraction f, the share of the total loss made by the ceil(f N) largest losses:
    sum of the k largest l_n / sum_n l_n (NaN for a zero or non-finite total)."""
    losses = np.asarray(losses, dtype=np.float64)
    total = losses.sum()
    shares = []
    for fraction in fractions:
        k = min(losses.size, max(1, math.ceil(fraction * losses.size)))
        top = np.partition(losses, losses.size - k)[losses.size - k :].sum()
        shares.append(float(top / total) if math.isfinite(total) and total > 0 else math.nan)
    return tuple(shares)


def worst_samples(losses, count):
    """Indices of the `count` largest losses, largest first (ties: the lower index first)."""
    losses = np.asarray(losses, dtype=np.float64)
    count = min(count, losses.size)
    if count == 0:
        return np.empty(0, dtype=np.int64)
    top = np.argpartition(-losses, count - 1)[:count]
    return top[np.lexsort((top, -losses[top]))]


@dataclass(frozen=True)
class LogHistogram:
    edges: np.ndarray  # bin edges, evenly spaced in log10
    count: np.ndarray  # losses per bin
    zero: int  # losses of exactly 0 (no place on a log axis)


def log_histogram(losses, num_bins=40):
    """Counts of the positive losses in bins evenly spaced in log10 between the smallest and the largest
    finite positive loss; exact zeros are counted apart."""
    losses = np.asarray(losses, dtype=np.float64)
    positive = losses[np.isfinite(losses) & (losses > 0)]
    zero = int(np.count_nonzero(losses == 0))
    if positive.size == 0:
        return LogHistogram(np.array([1e-8, 1.0]), np.zeros(1, dtype=np.int64), zero)
    low, high = np.log10(positive.min()), np.log10(positive.max())
    if high - low < 1e-6:
        low, high = low - 0.5, high + 0.5
    edges = np.logspace(low, high, num_bins + 1)
    count, _ = np.histogram(positive, bins=edges)
    return LogHistogram(edges, count, zero)


@dataclass(frozen=True)
class ClassSummary:
    count: np.ndarray  # (C,) samples whose true class is c
    mean_loss: np.ndarray  # (C,) mean per-sample loss over them (NaN if none)
    accuracy: np.ndarray  # (C,) share of them predicted as c (recall; NaN if none)
    predicted_count: np.ndarray  # (C,) samples predicted as c
    confusion: np.ndarray  # (C, C) [true, predicted] counts


def class_summary(labels, predicted, losses, num_classes):
    """Per true class c: n_c, mean loss sum_{y_n = c} l_n / n_c, accuracy (the share predicted c), and
    the confusion matrix M[y, k] = #{n : y_n = y, argmax_n = k} (as sklearn's confusion_matrix)."""
    labels = np.asarray(labels, dtype=np.int64)
    count = np.bincount(labels, minlength=num_classes)
    with quiet_nan():
        mean_loss = np.bincount(labels, np.asarray(losses, dtype=np.float64), minlength=num_classes) / count
        accuracy = np.bincount(labels, predicted == labels, minlength=num_classes) / count
    flat = np.bincount(labels * num_classes + predicted, minlength=num_classes * num_classes)
    confusion = flat.reshape(num_classes, num_classes).astype(np.int32)
    return ClassSummary(count, mean_loss, accuracy, np.bincount(predicted, minlength=num_classes), confusion)


def class_weights(counts, rule):
    """Per-class weights from the class counts n_c (N = sum n_c):
    'inverse': w_c = N / (C n_c) (sklearn's compute_class_weight('balanced')); 'sqrt_inverse':
    w_c = sqrt(N / (C n_c)); 'none': 1. A class without samples gets weight 0 (nothing to weigh)."""
    counts = np.asarray(counts, dtype=np.float64)
    if rule == "none":
        return np.ones_like(counts)
    with quiet_nan():
        inverse = np.where(counts > 0, counts.sum() / (counts.size * counts), 0.0)
    if rule == "inverse":
        return inverse
    if rule == "sqrt_inverse":
        return np.sqrt(inverse)
    raise ValueError(f"rule must be 'none', 'inverse' or 'sqrt_inverse'; got {rule!r}")


def cross_entropy_from_scan(
    scan, labels, counted, num_classes, weight=None, weighted_row_sum=None, label_smoothing=0.0
):
    """torch's mean cross-entropy of class indices from a Scan, without another pass over the scores:
    with lse_n = m_n + log S_0(n), -log p_{n,c} = lse_n - z_nc and W = sum_c w_c,

        loss = [(1 - eps) sum_n w_{y_n} (-log p_{n,y_n}) + (eps / C) sum_n (W lse_n - sum_c w_c z_nc)]
               / sum_n w_{y_n},                 sums over the counted n (y_n != ignore_index),

    NaN when nothing is counted. `weighted_row_sum` is z @ w (the Scan's row_sum when w is None).
    Mirrors torch.nn.functional.cross_entropy(z, y, weight, ignore_index, label_smoothing=eps), 'mean'."""
    labels = np.asarray(labels, dtype=np.int64)[counted]
    nll = (scan.log_sum - scan.target_score)[counted]
    if weight is None:
        row_weight, total_weight, spread = np.ones(labels.size), float(num_classes), scan.row_sum
    else:
        weight = np.asarray(weight, dtype=np.float64)
        row_weight, total_weight, spread = weight[labels], weight.sum(), weighted_row_sum
    numerator = (1 - label_smoothing) * (row_weight * nll).sum()
    if label_smoothing > 0:
        lse = (scan.peak + scan.log_sum)[counted]
        uniform = total_weight * lse - np.asarray(spread, dtype=np.float64)[counted]
        numerator += label_smoothing / num_classes * uniform.sum()
    denominator = row_weight.sum()
    return float(numerator / denominator) if denominator != 0 else math.nan


def smoothed_sample_losses(scan, num_classes, label_smoothing):
    """Per-sample cross-entropy against the smoothed target t' = (1 - eps) t + eps / C:

        l'_n = (1 - eps) l_n + (eps / C) sum_c (-log p_nc),
        sum_c (-log p_nc) = C (m_n + log S_0) - sum_c z_nc.

    Mirrors torch.nn.functional.cross_entropy(z, y, label_smoothing=eps, reduction='none') and Keras's
    categorical_crossentropy(one_hot(y), z, from_logits=True, label_smoothing=eps)."""
    plain = sample_losses(scan.log_sum, scan.target_score, scan.target_mass)
    if label_smoothing == 0:
        return plain
    uniform = num_classes * (scan.peak + scan.log_sum) - scan.row_sum
    return (1 - label_smoothing) * plain + label_smoothing / num_classes * uniform


def _finite(peak):
    """Row maxima with non-finite ones replaced by 0, so that z - m never makes inf - inf."""
    return np.where(np.isfinite(peak), peak, 0).astype(peak.dtype, copy=False)
