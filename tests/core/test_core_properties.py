"""Properties of core's losses and finite-difference checks of every gradient (no framework needed)."""

import ast
import subprocess
import sys
import warnings

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from core import gradients, keras_losses, losses
from topics.shared.formatting import code_list, code_matrix

finite_logits = st.floats(-30, 30, allow_nan=False, width=64)


def logit_rows(max_rows=4, max_classes=6):
    shapes = st.tuples(st.integers(1, max_rows), st.integers(2, max_classes))
    return shapes.flatmap(lambda shape: hnp.arrays(np.float64, shape, elements=finite_logits))


def numerical_gradient(f, x, step=1e-6):
    """Central differences of the scalar f at x, one coordinate at a time."""
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        bumped_up, bumped_down = x.copy(), x.copy()
        bumped_up[index] += step
        bumped_down[index] -= step
        grad[index] = (np.sum(f(bumped_up)) - np.sum(f(bumped_down))) / (2 * step)
    return grad


def assert_matches_finite_differences(loss, gradient, x, step=1e-6, tolerance=1e-6):
    numerical = numerical_gradient(loss, x, step)
    np.testing.assert_allclose(gradient(x), numerical, rtol=tolerance, atol=tolerance)


# Properties


@given(logit_rows(), st.floats(0.1, 10))
def test_softmax_sums_to_one_and_is_shift_invariant(logits, temperature):
    probs = losses.softmax(logits, axis=1, temperature=temperature)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, rtol=1e-12)
    shifted = losses.softmax(logits + 7.5, axis=1, temperature=temperature)
    np.testing.assert_allclose(shifted, probs, rtol=1e-9, atol=1e-15)


@given(logit_rows(), st.floats(0.1, 10))
def test_temperature_divides_the_logits(logits, temperature):
    np.testing.assert_allclose(
        losses.softmax(logits, axis=1, temperature=temperature),
        losses.softmax(logits / temperature, axis=1),
        rtol=1e-12,
        atol=1e-300,
    )
    np.testing.assert_allclose(
        losses.log_softmax(logits, axis=1, temperature=temperature),
        logits / temperature - losses.logsumexp(logits / temperature, axis=1, keepdims=True),
        rtol=1e-9,
        atol=1e-9,
    )


@given(logit_rows(), st.data())
def test_cross_entropy_is_entropy_plus_kl(logits, data):
    """CE(y, p) = H(y) + KL(y || p) for any probability target y."""
    raw = data.draw(hnp.arrays(np.float64, logits.shape, elements=st.floats(0, 1)))
    target = (raw + 1e-3) / (raw + 1e-3).sum(axis=1, keepdims=True)
    log_probs = losses.log_softmax(logits, axis=1)
    ce = losses.cross_entropy(logits, target, reduction="none")
    kl = losses.kl_div(log_probs, target, reduction="none").sum(axis=1)
    np.testing.assert_allclose(ce, losses.entropy(target, axis=1) + kl, rtol=1e-9, atol=1e-9)
    assert np.all(kl >= -1e-12)


@given(logit_rows(), st.data())
def test_losses_are_non_negative_for_valid_targets(logits, data):
    labels = data.draw(hnp.arrays(np.int64, logits.shape[:1], elements=st.integers(0, logits.shape[1] - 1)))
    assert np.all(losses.cross_entropy(logits, labels, reduction="none") >= 0)
    probs = losses.sigmoid(logits)
    soft = data.draw(hnp.arrays(np.float64, logits.shape, elements=st.floats(0, 1)))
    assert np.all(losses.binary_cross_entropy(probs, soft, reduction="none") >= 0)
    assert np.all(losses.binary_cross_entropy_with_logits(logits, soft, reduction="none") >= -1e-12)


@given(logit_rows(), st.data(), st.floats(0, 1), st.floats(0.1, 10))
def test_gradient_rows_sum_to_zero_for_normalised_targets(logits, data, smoothing, temperature):
    labels = data.draw(hnp.arrays(np.int64, logits.shape[:1], elements=st.integers(0, logits.shape[1] - 1)))
    grad = gradients.cross_entropy(logits, labels, label_smoothing=smoothing)
    np.testing.assert_allclose(grad.sum(axis=1), 0, atol=1e-12)
    onehot = np.eye(logits.shape[1])[labels]
    np.testing.assert_allclose(
        gradients.cross_entropy(logits, onehot, reduction="sum"),
        losses.softmax(logits, axis=1) - onehot,
        atol=1e-12,
    )


def test_index_and_one_hot_targets_agree_without_weights():
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]])
    labels = np.array([0, 2])
    assert losses.cross_entropy(logits, labels) == pytest.approx(
        losses.cross_entropy(logits, np.eye(3)[labels])
    )


def test_mean_with_weights_divides_by_sum_of_target_weights_but_probability_targets_by_n():
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]])
    labels, weight = np.array([0, 2]), np.array([1.0, 1.0, 3.0])
    per_sample = losses.cross_entropy(logits, labels, weight=weight, reduction="none")
    assert losses.cross_entropy(logits, labels, weight=weight) == pytest.approx(per_sample.sum() / 4.0)
    one_hot = losses.cross_entropy(logits, np.eye(3)[labels], weight=weight)
    assert one_hot == pytest.approx(per_sample.sum() / 2.0)


def test_every_target_ignored_gives_nan_loss_and_zero_gradient():
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]])
    labels = np.array([-100, -100])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isnan(losses.cross_entropy(logits, labels))
        assert np.isnan(losses.cross_entropy(logits, labels, label_smoothing=0.1))
        assert np.all(gradients.cross_entropy(logits, labels) == 0)
        assert np.all(gradients.cross_entropy(logits, labels, label_smoothing=0.1) == 0)


# Numerics: stability and dtypes


def test_extreme_logits_are_finite_and_silent():
    logits = np.array([[1e4, -1e4, 0.0], [-1e4, -1e4, -1e4]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert losses.cross_entropy(logits, np.array([1, 0])) == pytest.approx((2e4 + np.log(3)) / 2)
        assert np.all(np.isfinite(gradients.cross_entropy(logits, np.array([1, 0]))))
        z = np.array([1e4, -1e4, 1e4, -1e4])
        y = np.array([0.0, 1.0, 1.0, 0.0])
        np.testing.assert_allclose(
            losses.binary_cross_entropy_with_logits(z, y, reduction="none"), [1e4, 1e4, 0, 0]
        )
        np.testing.assert_allclose(
            gradients.binary_cross_entropy_with_logits(z, y, reduction="sum"), [1, -1, 0, 0]
        )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_dtype_is_kept(dtype):
    logits = np.array([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]], dtype=dtype)
    labels = np.array([0, 2])
    for value in (
        losses.softmax(logits),
        losses.cross_entropy(logits, labels),
        losses.cross_entropy(logits, labels, reduction="none"),
        gradients.cross_entropy(logits, labels, weight=[1, 2, 3], label_smoothing=0.1),
        losses.binary_cross_entropy_with_logits(logits, np.ones_like(logits)),
        gradients.binary_cross_entropy(losses.sigmoid(logits), np.ones_like(logits)),
        keras_losses.call_loss("sparse_categorical_crossentropy", labels, logits, from_logits=True),
    ):
        assert np.asarray(value).dtype == dtype


def test_float32_sigmoid_of_20_is_one_so_bce_hits_the_clamp():
    z = np.float32(20.0)
    assert losses.sigmoid(z) == np.float32(1.0)
    assert losses.binary_cross_entropy(losses.sigmoid(np.array([z])), np.array([0.0], np.float32)) == 100
    assert losses.binary_cross_entropy_with_logits(
        np.array([z]), np.array([0.0], np.float32)
    ) == pytest.approx(20)


def test_core_imports_neither_torch_nor_streamlit():
    code = (
        "import sys, core.losses, core.gradients, core.keras_losses; "
        "bad = [m for m in ('torch', 'keras', 'streamlit') if m in sys.modules]; "
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# Finite differences of every gradient

RNG = np.random.default_rng(0)
LOGITS = RNG.normal(size=(3, 4)) * 2
LABELS = np.array([0, 3, -100])
SOFT = losses.softmax(RNG.normal(size=(3, 4)), axis=1)
WEIGHT = np.array([0.5, 1.0, 2.0, 1.5])


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize(
    "options", [{}, {"weight": WEIGHT}, {"label_smoothing": 0.2}, {"weight": WEIGHT, "label_smoothing": 0.3}]
)
@pytest.mark.parametrize("target", [LABELS, SOFT], ids=["indices", "probabilities"])
def test_cross_entropy_gradient_matches_finite_differences(reduction, options, target):
    assert_matches_finite_differences(
        lambda z: losses.cross_entropy(z, target, reduction=reduction, **options),
        lambda z: gradients.cross_entropy(z, target, reduction=reduction, **options),
        LOGITS,
    )


def test_cross_entropy_gradient_on_spatial_input_matches_finite_differences():
    logits = RNG.normal(size=(2, 3, 2, 2))
    labels = np.array([[[0, 1], [2, -100]], [[1, 1], [0, 2]]])
    assert_matches_finite_differences(
        lambda z: losses.cross_entropy(z, labels, weight=[1, 2, 3], label_smoothing=0.1),
        lambda z: gradients.cross_entropy(z, labels, weight=[1, 2, 3], label_smoothing=0.1),
        logits,
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss_gradient_matches_finite_differences(reduction):
    log_probs = losses.log_softmax(LOGITS, axis=1)
    assert_matches_finite_differences(
        lambda x: losses.nll_loss(x, LABELS, weight=WEIGHT, reduction=reduction),
        lambda x: gradients.nll_loss(x, LABELS, weight=WEIGHT, reduction=reduction),
        log_probs,
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_binary_cross_entropy_gradient_matches_finite_differences(reduction):
    probs = RNG.uniform(0.05, 0.95, size=(3, 4))
    target = RNG.uniform(0, 1, size=(3, 4))
    assert_matches_finite_differences(
        lambda p: losses.binary_cross_entropy(p, target, weight=WEIGHT, reduction=reduction),
        lambda p: gradients.binary_cross_entropy(p, target, weight=WEIGHT, reduction=reduction),
        probs,
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("pos_weight", [None, WEIGHT])
def test_bce_with_logits_gradient_matches_finite_differences(reduction, pos_weight):
    target = RNG.uniform(0, 1, size=(3, 4))
    assert_matches_finite_differences(
        lambda z: losses.binary_cross_entropy_with_logits(
            z, target, WEIGHT, reduction=reduction, pos_weight=pos_weight
        ),
        lambda z: gradients.binary_cross_entropy_with_logits(
            z, target, WEIGHT, reduction=reduction, pos_weight=pos_weight
        ),
        LOGITS,
    )


@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "batchmean"])
@pytest.mark.parametrize("log_target", [False, True])
def test_kl_div_gradient_matches_finite_differences(reduction, log_target):
    target = np.log(SOFT) if log_target else SOFT
    assert_matches_finite_differences(
        lambda x: losses.kl_div(x, target, reduction=reduction, log_target=log_target),
        lambda x: gradients.kl_div(x, target, reduction=reduction, log_target=log_target),
        losses.log_softmax(LOGITS, axis=1),
    )


KERAS_CASES = [
    ("binary_crossentropy", SOFT, {"from_logits": True, "label_smoothing": 0.1}),
    ("binary_crossentropy", SOFT, {"from_logits": False, "label_smoothing": 0.2}),
    ("categorical_crossentropy", SOFT, {"from_logits": True, "label_smoothing": 0.1}),
    ("categorical_crossentropy", SOFT, {"from_logits": False}),
    ("sparse_categorical_crossentropy", np.array([0, 3, 1]), {"from_logits": True, "ignore_class": 1}),
    ("sparse_categorical_crossentropy", np.array([0, 3, 1]), {"from_logits": False}),
]


@pytest.mark.parametrize("name, y_true, options", KERAS_CASES)
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none", "mean_with_sample_weight"])
def test_keras_gradients_match_finite_differences(name, y_true, options, reduction):
    y_pred = LOGITS if options["from_logits"] else RNG.uniform(0.05, 0.95, size=(3, 4))
    sample_weight = np.array([0.5, 2.0, 1.0])
    assert_matches_finite_differences(
        lambda p: keras_losses.call_loss(name, y_true, p, sample_weight, reduction, **options),
        lambda p: gradients.call_loss(name, y_true, p, sample_weight, reduction, **options),
        y_pred,
    )


finite_floats = st.floats(allow_nan=False, allow_infinity=False)


@given(st.lists(st.lists(finite_floats, min_size=1, max_size=5), min_size=1, max_size=4))
def test_numbers_written_as_code_read_back_exactly(rows):
    """The generated snippets carry the page's numbers bit for bit (tests execute them against torch)."""
    assert ast.literal_eval(code_list(rows[0])) == [v + 0.0 for v in rows[0]]
    assert ast.literal_eval(code_matrix(rows, indent=8)) == [[v + 0.0 for v in row] for row in rows]
    assert "-0.0," not in code_list(rows[0]) + ","
    assert ast.literal_eval(code_list([3.0, 0.0], integer=True)) == [3, 0]
