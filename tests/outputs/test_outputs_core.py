"""core.outputs and topics.outputs.numbers against the real frameworks: every number the outputs page
shows, computed again here with torch (and Keras, torchmetrics or scikit-learn where they have the
quantity) on generated outputs and on the shipped digits example.

Temperature scaling is checked to 1e-4 in T against torch.optim.LBFGS fitting log T on
F.cross_entropy(z / T, y) in float64 (the page's own PyTorch snippet, run here; in float32 the loss
cannot tell T from T (1 + 1e-4): it moves by ~1e-9 there).
"""

import re
import tempfile
from pathlib import Path

import keras  # KERAS_BACKEND=torch is set by conftest.py
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torchmetrics.functional.classification import multiclass_calibration_error, multiclass_confusion_matrix

from core import outputs
from snippet_runner import printed_by
from topics.outputs import example, inputs, numbers, snippets

pytestmark = pytest.mark.usefixtures("torch_cpu")


def generated(num_samples=3000, num_classes=20, sharpness=1.5, seed=0, dtype=np.float32, ignored=0):
    """Logits of a partly right model: noise, +3 on the true class, times `sharpness` (> 1: sharper)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, num_classes, num_samples)
    logits = rng.standard_normal((num_samples, num_classes)) * 2
    logits[np.arange(num_samples), labels] += 3
    labels[:ignored] = inputs.IGNORE_INDEX
    return (logits * sharpness).astype(dtype), labels


def analysis_of(logits, labels, kind="logits"):
    return numbers.analyse(inputs.check_outputs(logits, labels, kind))


def torch_temperature(logits, labels):
    """T minimising F.cross_entropy(z / T, y): the page's own PyTorch snippet (torch.optim.LBFGS on log T,
    in float64) run on the outputs saved as it expects them."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "outputs.npz"
        np.savez(path, logits=logits, labels=labels)
        printed = printed_by(snippets.torch_snippet(str(path)))
    return float(re.search(r"temperature (\S+)", printed).group(1))


DIGITS = example.example_arrays()
CASES = {
    "over-confident": generated(sharpness=2.0),
    "under-confident": generated(sharpness=0.4, seed=1),
    "with ignored labels": generated(seed=2, ignored=37),
    "digits example": (DIGITS["logits"], DIGITS["labels"]),
}


@pytest.mark.parametrize("name", CASES)
def test_per_sample_losses_mean_and_predictions_match_torch(name, oracle):
    logits, labels = CASES[name]
    analysis = analysis_of(logits, labels)
    z, y = torch.from_numpy(logits), torch.from_numpy(labels)
    per_sample = F.cross_entropy(z, y, reduction="none").double().numpy()
    oracle.close(
        analysis.losses, per_sample, f"{name}: per-sample losses", dtype=np.float32, check_dtype=False
    )
    oracle.close(
        analysis.torch_loss, F.cross_entropy(z, y).double().numpy(), f"{name}: mean", dtype=np.float32
    )
    counted = labels != inputs.IGNORE_INDEX
    probs = torch.softmax(z, dim=1)
    oracle.close(analysis.confidence, probs.max(dim=1).values.double(), "confidence", dtype=np.float32)
    assert np.array_equal(analysis.predicted, z.argmax(dim=1).numpy())
    accuracy = (z.argmax(dim=1) == y)[torch.from_numpy(counted)].double().mean()
    oracle.close(analysis.accuracy, accuracy.numpy(), f"{name}: accuracy")


@pytest.mark.parametrize("name", CASES)
def test_keras_mean_matches_sparse_categorical_crossentropy(name, oracle):
    logits, labels = CASES[name]
    analysis = analysis_of(logits, labels)
    ignore = inputs.IGNORE_INDEX if np.any(labels == inputs.IGNORE_INDEX) else None
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=ignore)
    expected = loss(np.where(labels == inputs.IGNORE_INDEX, ignore or 0, labels), logits)
    oracle.close(
        analysis.keras_loss, np.float64(expected.detach().numpy()), f"{name}: Keras", dtype=np.float32
    )


@pytest.mark.parametrize("name", CASES)
def test_temperature_matches_torch_lbfgs_to_1e_4(name, oracle):
    logits, labels = CASES[name]
    analysis = analysis_of(logits, labels)
    expected = torch_temperature(logits, labels)
    assert abs(analysis.fit.temperature - expected) <= 1e-4 * expected, (analysis.fit.temperature, expected)
    z = torch.as_tensor(logits, dtype=torch.float64) / analysis.fit.temperature
    after = F.cross_entropy(z, torch.from_numpy(labels), reduction="none").numpy()
    counted = labels != inputs.IGNORE_INDEX
    oracle.close(analysis.fit.loss_after, np.float64(after[counted].mean()), "loss after", dtype=np.float32)
    oracle.close(analysis.losses_after, np.where(counted, after, 0), "per-sample after", dtype=np.float32)
    confidence = torch.softmax(z, dim=1).max(dim=1).values.numpy()
    oracle.close(analysis.confidence_after, confidence, "confidence after", dtype=np.float32)
    assert analysis.fit.loss_after <= analysis.fit.loss_before


def test_temperature_fits_over_and_under_confidence_in_the_right_direction():
    assert analysis_of(*CASES["over-confident"]).fit.temperature > 1
    assert analysis_of(*CASES["under-confident"]).fit.temperature < 1


def test_temperature_of_a_perfectly_separated_set_stops_at_the_bound():
    logits, labels = generated(num_samples=200, num_classes=5, sharpness=1.0, seed=3)
    logits[np.arange(200), labels] += 50  # every sample right by a wide margin: sharper is always better
    analysis = analysis_of(logits, labels)
    assert analysis.fit.at_bound
    assert analysis.fit.temperature == pytest.approx(outputs.TEMPERATURE_RANGE[0])


def test_temperature_on_a_large_set_uses_the_warm_start_and_few_full_passes(oracle):
    logits, labels = generated(num_samples=40_000, num_classes=50, sharpness=1.7, seed=4)
    analysis = analysis_of(logits, labels)
    expected = torch_temperature(logits, labels)
    assert abs(analysis.fit.temperature - expected) <= 1e-4 * expected
    assert analysis.fit.passes == 1  # the warm start lands within the quartic model's radius


def exact_temperature(logits, labels):
    """The T where f'(u) = mean_n (E_p[a] - a_y) is 0, solved by bisection-safe root finding in float64
    over the whole range (no Taylor model, no warm start)."""
    from scipy.optimize import brentq

    shifted = logits.astype(np.float64) - logits.max(axis=1, keepdims=True).astype(np.float64)
    target = shifted[np.arange(labels.size), labels]

    def slope(u):
        weights = np.exp(u * shifted)
        return np.mean((weights * shifted).sum(axis=1) / weights.sum(axis=1) - target)

    low, high = outputs.TEMPERATURE_RANGE
    return 1 / brentq(slope, 1 / high, 1 / low, xtol=1e-15, rtol=1e-15)


@pytest.mark.parametrize(
    "num_samples, num_classes, sharpness",
    [(20_000, 1000, 1.5), (20_000, 100, 4.0), (20_000, 10, 0.2), (20_000, 2, 0.5), (3000, 100, 8.0),
     (300, 2, 4.0)],  # fmt: skip
)
def test_temperature_from_the_quartic_model_is_the_exact_minimum_to_1e_6(num_samples, num_classes, sharpness):
    """One pass gives the cumulants k_1..k_4 at u, and the fit minimises the quartic model of f they make:
    that minimum is the exact one (float64 root of f') to float32 precision, for T far below and far
    above 1, with and without the warm start."""
    logits, labels = generated(num_samples, num_classes, sharpness, seed=num_classes)
    scan = outputs.scan_scores(logits, labels=labels)
    fit = outputs.fit_temperature(logits, scan, np.ones(num_samples, dtype=bool))
    expected = exact_temperature(logits, labels)
    assert fit.temperature == pytest.approx(expected, rel=1e-6)
    log_sum = torch.logsumexp(torch.from_numpy(logits).double() / expected, dim=1).numpy()
    np.testing.assert_allclose(fit.log_sum, log_sum - logits.max(axis=1) / expected, atol=2e-6)


def test_quartic_model_of_the_loss_matches_the_loss_near_its_point():
    """log S_0(u + d) from the cumulants at u (taylor_log_sum) against log S_0 computed at u + d."""
    logits, labels = generated(2000, 30, 1.5, seed=7)
    peak = logits.max(axis=1).astype(np.float64)
    log_sum, raw = outputs.exp_moments(logits.astype(np.float64), peak, 0.8, moments=4)
    kappa = outputs.cumulants(raw)
    for step in (-0.024, 0.01, 0.024):
        at_step, _ = outputs.exp_moments(logits.astype(np.float64), peak, 0.8 + step)
        np.testing.assert_allclose(outputs.taylor_log_sum(log_sum, kappa, step), at_step, atol=1e-6)
    assert not outputs._model_trusted(0.5, 0.03, (1.0, 0.0, 0.0))  # beyond the radius
    assert not outputs._model_trusted(0.02, 0.03, (1.0, 0.0, 2500.0))  # the 4th-order term is large
    assert outputs._model_trusted(0.02, 0.03, (1.0, 3.0, 10.0))


@pytest.mark.parametrize("num_bins", [5, 10, 15, 30])
@pytest.mark.parametrize("name", ["over-confident", "digits example"])
def test_ece_matches_torchmetrics(name, num_bins, oracle):
    logits, labels = CASES[name]
    analysis = analysis_of(logits, labels)
    before, after = numbers.reliability_before_after(analysis, num_bins)
    z, y = torch.from_numpy(logits).double(), torch.from_numpy(labels)
    for bins, temperature in ((before, 1.0), (after, analysis.fit.temperature)):
        expected = multiclass_calibration_error(
            torch.softmax(z / temperature, dim=1), y, num_classes=z.shape[1], n_bins=num_bins, norm="l1"
        )
        oracle.close(
            bins.ece,
            np.float64(expected.numpy()),
            f"ECE, {num_bins} bins, T={temperature:g}",
            dtype=np.float32,
        )
    assert before.count.sum() == len(labels)


def test_reliability_bins_hold_their_samples_mean_confidence_and_accuracy():
    confidence = np.array([0.05, 0.1, 0.1000001, 0.55, 0.999, 1.0])
    correct = np.array([0, 1, 1, 0, 1, 1])
    bins = outputs.reliability(confidence, correct, num_bins=10)
    # [0, 0.1) holds 0.05 only, 0.1 opens the next bin and 1.0 closes the last (torchmetrics' bucketize)
    assert bins.count.tolist() == [1, 2, 0, 0, 0, 1, 0, 0, 0, 2]
    assert bins.accuracy[0] == 0 and bins.confidence[9] == pytest.approx(0.9995)
    expected = (abs(0 - 0.05) + 2 * abs(1 - 0.10000005) + abs(0 - 0.55) + 2 * abs(1 - 0.9995)) / 6
    assert bins.ece == pytest.approx(expected)


@pytest.mark.parametrize("name", ["over-confident", "with ignored labels", "digits example"])
def test_class_summary_and_confusion_match_torchmetrics(name):
    logits, labels = CASES[name]
    analysis = analysis_of(logits, labels)
    counted = labels != inputs.IGNORE_INDEX
    preds, y = torch.from_numpy(logits[counted]).argmax(dim=1), torch.from_numpy(labels[counted])
    expected = multiclass_confusion_matrix(preds, y, num_classes=logits.shape[1]).numpy()
    assert np.array_equal(analysis.classes.confusion, expected)
    losses = F.cross_entropy(torch.from_numpy(logits[counted]), y, reduction="none").double()
    for c in range(logits.shape[1]):
        members = y == c
        assert analysis.classes.count[c] == int(members.sum())
        assert analysis.classes.mean_loss[c] == pytest.approx(float(losses[members].mean()), rel=1e-5)
        assert analysis.classes.accuracy[c] == pytest.approx(float((preds[members] == c).double().mean()))


@pytest.mark.parametrize("name", CASES)
def test_worst_shares_and_worst_samples_match_torch_topk(name):
    logits, labels = CASES[name]
    analysis = analysis_of(logits, labels)
    counted = labels != inputs.IGNORE_INDEX
    losses = F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(labels), reduction="none").double()
    kept = losses[torch.from_numpy(counted)]
    for fraction, share in zip(numbers.FRACTIONS, analysis.shares, strict=True):
        k = int(np.ceil(fraction * kept.numel()))
        assert share == pytest.approx(float(kept.topk(k).values.sum() / kept.sum()), rel=1e-5)
    top = losses.topk(10).indices.numpy()
    assert np.allclose(losses[analysis.worst[:10]].numpy(), losses[top].numpy(), rtol=1e-6)
    assert np.all(np.diff(analysis.losses[analysis.worst]) <= 0)


WHAT_IFS = [(0.1, "none", None), (0.0, "inverse", None), (0.2, "sqrt_inverse", None), (0.0, "none", 3),
            (0.15, "inverse", 5), (1.0, "none", None)]  # fmt: skip


@pytest.mark.parametrize(("eps", "rule", "ignored"), WHAT_IFS)
@pytest.mark.parametrize("name", ["over-confident", "with ignored labels", "digits example"])
def test_what_if_matches_torch_cross_entropy_options(name, eps, rule, ignored, oracle):
    logits, labels = CASES[name]
    analysis = analysis_of(logits, labels)
    result = numbers.what_if(analysis, eps, rule, ignored)
    y = torch.from_numpy(labels.copy())
    if ignored is not None:
        y[y == ignored] = inputs.IGNORE_INDEX
    weight = None if rule == "none" else torch.from_numpy(analysis.class_weights[rule]).float()
    expected = F.cross_entropy(torch.from_numpy(logits), y, weight=weight, label_smoothing=eps)
    oracle.close(result.torch_loss, np.float64(expected.numpy()), f"{name} torch {eps} {rule} {ignored}",
                 dtype=np.float32, scale=10)  # fmt: skip


@pytest.mark.parametrize(("eps", "rule", "ignored"), [w for w in WHAT_IFS if w[2] is None or w[0] == 0])
def test_what_if_matches_keras_with_class_weight_as_sample_weight(eps, rule, ignored, oracle):
    logits, labels = CASES["with ignored labels"]
    analysis = analysis_of(logits, labels)
    result = numbers.what_if(analysis, eps, rule, ignored)
    mask = labels != inputs.IGNORE_INDEX
    if ignored is not None:
        mask &= labels != ignored
    safe = np.where(labels == inputs.IGNORE_INDEX, 0, labels)
    weight = None if rule == "none" else analysis.class_weights[rule][safe].astype(np.float32)
    # Keras: categorical cross-entropy with smoothing per sample; a masked sample is a sample weight 0 in
    # SparseCategoricalCrossentropy(ignore_class)'s reduction, which divides by the samples left
    one_hot = np.eye(logits.shape[1], dtype=np.float32)[safe]
    values = keras.losses.categorical_crossentropy(one_hot, logits, from_logits=True, label_smoothing=eps)
    values = values.detach().numpy().astype(np.float64)
    sample_weight = (weight if weight is not None else np.ones(len(labels))) * mask
    expected = (values * sample_weight).sum() / mask.sum()
    oracle.close(
        result.keras_loss, np.float64(expected), f"Keras {eps} {rule} {ignored}", dtype=np.float32, scale=10
    )


def test_keras_sample_weight_mean_matches_a_keras_loss_object_call(oracle):
    logits, labels = CASES["over-confident"]
    analysis = analysis_of(logits, labels)
    result = numbers.what_if(analysis, 0.0, "inverse", None)
    sample_weight = analysis.class_weights["inverse"][labels].astype(np.float32)
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    expected = loss(labels, logits, sample_weight=sample_weight)
    oracle.close(
        result.keras_loss, np.float64(expected.detach().numpy()), "Keras class_weight", dtype=np.float32
    )


def test_class_weights_match_scikit_learn_balanced():
    from sklearn.utils.class_weight import compute_class_weight

    labels = CASES["over-confident"][1]
    counts = np.bincount(labels, minlength=20)
    expected = compute_class_weight("balanced", classes=np.arange(20), y=labels)
    assert np.allclose(outputs.class_weights(counts, "inverse"), expected)
    assert np.allclose(outputs.class_weights(counts, "sqrt_inverse"), np.sqrt(expected))


def test_probabilities_report_torch_nll_of_log_p_and_keras_clipped(oracle):
    logits, labels = generated(num_samples=500, num_classes=7, seed=5)
    probs = torch.softmax(torch.from_numpy(logits), dim=1)
    probs[0] = torch.tensor([1, 0, 0, 0, 0, 0, 0], dtype=torch.float32)  # p = 0 at a class: log p = -inf
    labels[0] = 0
    analysis = analysis_of(probs.numpy(), labels, kind="probs")
    expected_torch = F.nll_loss(probs.log(), torch.from_numpy(labels))
    oracle.close(
        analysis.torch_loss, np.float64(expected_torch.numpy()), "torch nll_loss(log p)", dtype=np.float32
    )
    expected_keras = keras.losses.SparseCategoricalCrossentropy()(labels, probs.numpy())
    oracle.close(
        analysis.keras_loss, np.float64(expected_keras.detach().numpy()), "Keras probs", dtype=np.float32
    )
    # temperature scaling of probabilities works on log p, as of logits
    expected = torch_temperature(np.log(np.maximum(probs.double().numpy(), 1e-300)), labels)
    assert abs(analysis.fit.temperature - expected) <= 1e-4 * expected


def test_log_probabilities_report_torch_nll_loss_and_keras_from_logits(oracle):
    logits, labels = generated(num_samples=500, num_classes=7, seed=6)
    log_probs = torch.log_softmax(torch.from_numpy(logits), dim=1)
    analysis = analysis_of(log_probs.numpy(), labels, kind="log_probs")
    oracle.close(analysis.torch_loss, np.float64(F.nll_loss(log_probs, torch.from_numpy(labels)).numpy()),
                 "torch nll_loss", dtype=np.float32)  # fmt: skip
    keras_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels, log_probs.numpy())
    oracle.close(analysis.keras_loss, np.float64(keras_loss.detach().numpy()), "Keras", dtype=np.float32)


def test_probability_targets_match_torch_and_keras(oracle):
    logits, labels = generated(num_samples=800, num_classes=6, seed=7)
    rng = np.random.default_rng(8)
    noise = rng.dirichlet(np.ones(6) * 0.3, size=800)
    target = (0.7 * np.eye(6)[labels] + 0.3 * noise).astype(np.float32)  # soft labels around the class
    analysis = analysis_of(logits, target)
    z, t = torch.from_numpy(logits), torch.from_numpy(target)
    oracle.close(
        analysis.losses, F.cross_entropy(z, t, reduction="none").double(), "per-sample", dtype=np.float32
    )
    oracle.close(analysis.torch_loss, np.float64(F.cross_entropy(z, t).numpy()), "mean", dtype=np.float32)
    keras_loss = keras.losses.CategoricalCrossentropy(from_logits=True)(target, logits)
    oracle.close(analysis.keras_loss, np.float64(keras_loss.detach().numpy()), "Keras", dtype=np.float32)
    result = numbers.what_if(analysis, 0.1)
    expected = F.cross_entropy(z, t, label_smoothing=0.1)
    oracle.close(result.torch_loss, np.float64(expected.numpy()), "smoothing", dtype=np.float32)
    assert np.array_equal(analysis.labels, target.argmax(axis=1))
    expected = torch_temperature(logits, target)  # LBFGS on -(t * log_softmax(z / T)).sum(1).mean()
    assert abs(analysis.fit.temperature - expected) <= 1e-4 * expected


def test_float64_outputs_stay_float64_and_match_torch_to_float64_precision(oracle):
    logits, labels = generated(num_samples=400, num_classes=9, seed=9, dtype=np.float64)
    analysis = analysis_of(logits, labels)
    assert analysis.dtype == "float64"
    expected = F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(labels), reduction="none")
    oracle.close(analysis.losses, expected, "float64 per-sample")


def test_blocks_cover_every_row_once():
    for num_rows, num_classes in ((1, 2), (1000, 1000), (100_000, 3), (7, 1_000_000)):
        blocks = outputs.row_blocks(num_rows, num_classes)
        covered = np.concatenate([np.arange(num_rows)[rows] for rows in blocks])
        assert np.array_equal(covered, np.arange(num_rows))


def test_log_histogram_counts_every_finite_loss_once():
    losses = np.array([0.0, 0.0, 1e-6, 0.01, 0.5, 3.0, 17.0])
    histogram = outputs.log_histogram(losses, num_bins=10)
    assert histogram.zero == 2 and histogram.count.sum() == 5
    assert histogram.edges[0] == pytest.approx(1e-6) and histogram.edges[-1] == pytest.approx(17.0)
