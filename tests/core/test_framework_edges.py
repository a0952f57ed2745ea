"""The argument edges where core once disagreed with torch 2.13 or Keras 3, each against the real library.

Every case runs the same call through the framework and through core (tests/framework_calls.py): both
return the same value and gradient, or both raise the same kind of error. Nothing here is a typed
constant: the library is the spec.

- label_smoothing: torch refuses eps > 1 (RuntimeError) and reads eps <= 0, -inf and NaN as no smoothing.
- Keras SparseCategoricalCrossentropy(ignore_class=...): the divisor of every reduction with one ignored
  row, with and without sample_weight and from_logits, lives with the other ignore_class cases in
  test_oracle_keras.py (test_sparse_ignore_class_divides_as_keras_for_every_reduction).
- Keras's rank alignment of y_true and y_pred (one squeezed or expanded axis) for all three classes.
- dtypes: torch refuses a class weight (class indices) or a BCE target of another dtype, class indices
  other than int64/uint8 and integer logits; it promotes probability targets and BCE-with-logits targets.
- The legacy size_average= / reduce= (and 'elementwise_mean'): torch's mapping and its warning.
- Empty batches and inputs without classes, for every reduction.
"""

import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from core import _arrays, gradients, keras_losses
from framework_calls import (
    agreement_problem,
    core_keras_outcome,
    core_outcome,
    gradient_scale,
    input_scale,
    keras_outcome,
    torch_outcome,
)

pytestmark = [
    pytest.mark.usefixtures("torch_cpu"),
    pytest.mark.filterwarnings("ignore:reduction. 'mean' divides the total loss:UserWarning"),
    pytest.mark.filterwarnings("ignore::SyntaxWarning"),  # Keras on a class axis of size 1
]

TORCH_REDUCTIONS = ("mean", "sum", "none")
KERAS_REDUCTIONS = ("sum_over_batch_size", "sum", "none", None, "mean", "mean_with_sample_weight")
RNG = np.random.default_rng(18)
LOGITS = torch.tensor(RNG.normal(size=(4, 3)))
LABELS = torch.tensor([0, 2, 1, 2])
PROBS = torch.softmax(torch.tensor(RNG.normal(size=(4, 3))), dim=1)


def assert_torch_agrees(oracle, name, input, *args, precision=None, **kwargs):
    """torch.nn.functional.<name>(input, *args, **kwargs) and core's: same value and gradient, or the
    same kind of error. Returns both Outcomes."""
    expected = torch_outcome(getattr(F, name), input, args, kwargs)
    actual = core_outcome(name, input, args, kwargs)
    label = f"{name}(shape={tuple(input.shape)}, {input.dtype}, args={len(args)}, {kwargs})"
    problem = agreement_problem(
        oracle,
        label,
        expected,
        actual,
        value_scale=input_scale(input),
        grad_scale=gradient_scale(**kwargs),
        precision=precision,
    )
    assert problem is None, problem
    return expected, actual


# --------------------------------------------------------------------------- label_smoothing

JUST_ABOVE_ONE = float(np.nextafter(1.0, 2.0))
SMOOTHINGS = [-np.inf, -1.0, -0.1, np.nan, 0.0, 0.3, 1.0, 1, True, JUST_ABOVE_ONE, 1.5, 2, np.inf]


@pytest.mark.parametrize("label_smoothing", SMOOTHINGS, ids=repr)
@pytest.mark.parametrize("target", ["indices", "probabilities"])
@pytest.mark.parametrize("weighted", [False, True])
def test_label_smoothing_values_torch_accepts_and_refuses(oracle, label_smoothing, target, weighted):
    target_tensor = LABELS if target == "indices" else PROBS
    weight = torch.tensor([0.5, 2.0, 1.0], dtype=LOGITS.dtype) if weighted else None
    for reduction in TORCH_REDUCTIONS:
        expected, _ = assert_torch_agrees(
            oracle,
            "cross_entropy",
            LOGITS,
            target_tensor,
            weight=weight,
            reduction=reduction,
            label_smoothing=label_smoothing,
        )
    if label_smoothing > 1:
        assert isinstance(expected.error, RuntimeError)


@pytest.mark.parametrize("label_smoothing", [-0.5, np.nan, -np.inf])
def test_smoothing_torch_ignores_is_no_smoothing_at_all(label_smoothing):
    """Negative or NaN smoothing is not an error and not a smoothing: the loss of eps = 0."""
    plain = F.cross_entropy(LOGITS, LABELS)
    assert torch.equal(F.cross_entropy(LOGITS, LABELS, label_smoothing=label_smoothing), plain)
    assert _arrays.effective_label_smoothing(label_smoothing) == 0.0


# --------------------------------------------------------------------------- Keras ignore_class


def keras_class(name, **config):
    import keras

    classes = {
        "binary_crossentropy": keras.losses.BinaryCrossentropy,
        "categorical_crossentropy": keras.losses.CategoricalCrossentropy,
        "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
    }
    return classes[name](**config)


def assert_keras_class_agrees(
    oracle, name, y_true, y_pred, sample_weight=None, reduction="sum_over_batch_size", **options
):
    """keras.losses.<Class>(reduction, **options)(y_true, y_pred, sample_weight) and its gradient against
    core.keras_losses.call_loss and core.gradients.call_loss (float32, Keras's default dtype)."""
    loss = keras_class(name, reduction=reduction, **options)
    expected, _ = keras_outcome(loss, y_true, y_pred, sample_weight=sample_weight)
    kwargs = dict(sample_weight=sample_weight, reduction=reduction, **options)
    actual = core_keras_outcome(
        lambda: keras_losses.call_loss(name, y_true, y_pred, **kwargs),
        lambda: gradients.call_loss(name, y_true, y_pred, **kwargs),
    )
    label = f"keras {name}(y_true {np.shape(y_true)}, y_pred {np.shape(y_pred)}, {kwargs})"
    scale = input_scale(expected.grad) if expected.grad is not None else 1.0
    problem = agreement_problem(oracle, label, expected, actual, grad_scale=max(1.0, scale))
    assert problem is None, problem
    return expected


# --------------------------------------------------------------------------- Keras rank alignment

RANK_CASES = {  # (y_true shape, y_pred shape): the ones Keras aligns, and ones it refuses
    "binary_crossentropy": [
        ((4,), (4, 1)), ((4, 1), (4,)), ((4, 3), (4, 3, 1)), ((4, 3, 1), (4, 3)),
        ((4,), (4,)), ((), ()), ((2, 1), (2, 3)), ((3,), (2, 3)),
    ],
    "categorical_crossentropy": [
        ((4, 3), (4, 3, 1)), ((4, 3, 1), (4, 3)), ((4,), (4, 1)), ((4, 1), (4,)),
        ((3,), (3,)), ((4, 1), (4, 3)),
    ],
    "sparse_categorical_crossentropy": [
        ((4,), (4, 3)), ((4, 1), (4, 3)), ((4, 1, 1), (4, 3)), ((4,), (4, 1)),
        ((4, 2, 1), (4, 2, 3)), ((), (3,)), ((4, 3), (4, 3)), ((4,), (4, 2, 3)),
    ],
}  # fmt: skip


def rank_inputs(name, true_shape, pred_shape):
    if name == "sparse_categorical_crossentropy":
        classes = pred_shape[-1]
        return RNG.integers(0, classes, true_shape), RNG.uniform(0.05, 0.95, pred_shape).astype(np.float32)
    return RNG.integers(0, 2, true_shape).astype(np.float32), RNG.uniform(0.05, 0.95, pred_shape).astype(
        np.float32
    )


@pytest.mark.parametrize(
    "name, true_shape, pred_shape",
    [(name, *shapes) for name, cases in RANK_CASES.items() for shapes in cases],
    ids=lambda value: str(value),
)
@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "none", "sum"])
def test_keras_classes_align_ranks_of_y_true_and_y_pred(oracle, name, true_shape, pred_shape, reduction):
    y_true, y_pred = rank_inputs(name, true_shape, pred_shape)
    for from_logits in (False, True):
        assert_keras_class_agrees(oracle, name, y_true, y_pred, reduction=reduction, from_logits=from_logits)
    if len(pred_shape) >= 1 and pred_shape[0] == 4:
        weight = np.array([0.5, 2.0, 1.0, 3.0], dtype=np.float32)
        assert_keras_class_agrees(oracle, name, y_true, y_pred, sample_weight=weight, reduction=reduction)


# --------------------------------------------------------------------------- dtypes

FLOATS = (torch.float16, torch.float32, torch.float64)


def _narrowest(*dtypes):
    """The tolerance of a result computed from parts of several dtypes: the narrowest one's."""
    sizes = {torch.float32: np.float32, torch.float64: np.float64}
    return min((sizes[d] for d in dtypes if d in sizes), key=lambda d: np.dtype(d).itemsize)


@pytest.mark.parametrize("input_dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("other_dtype", FLOATS)
def test_class_weight_of_another_dtype_is_refused_with_class_indices(oracle, input_dtype, other_dtype):
    x = LOGITS.to(input_dtype)
    weight = torch.tensor([0.5, 2.0, 1.0], dtype=other_dtype)
    precision = _narrowest(input_dtype, other_dtype)
    for name in ("cross_entropy", "nll_loss"):
        expected, actual = assert_torch_agrees(oracle, name, x, LABELS, weight=weight, precision=precision)
        assert (expected.error is None) == (input_dtype == other_dtype)
    # With probability targets torch promotes instead (the result takes the wider dtype).
    assert_torch_agrees(oracle, "cross_entropy", x, PROBS.to(input_dtype), weight=weight, precision=precision)


@pytest.mark.parametrize("input_dtype", [torch.float32, torch.float64])
@pytest.mark.parametrize("target_dtype", FLOATS)
def test_probability_and_binary_targets_of_another_dtype(oracle, input_dtype, target_dtype):
    """cross_entropy and BCE-with-logits promote (the latter into the target's dtype); BCE refuses."""
    if target_dtype == torch.float16:
        pytest.skip("core computes float16 in float32 (as_float_array): float16 results are not compared")
    precision = _narrowest(input_dtype, target_dtype)
    x = LOGITS.to(input_dtype)
    assert_torch_agrees(oracle, "cross_entropy", x, PROBS.to(target_dtype), precision=precision)
    soft = PROBS.to(target_dtype)
    for options in ({}, {"pos_weight": torch.tensor([1.0, 3.0, 0.5], dtype=input_dtype)}):
        assert_torch_agrees(
            oracle, "binary_cross_entropy_with_logits", x, soft, precision=precision, **options
        )
    expected, _ = assert_torch_agrees(
        oracle, "binary_cross_entropy", torch.sigmoid(x), soft, precision=precision
    )
    assert (expected.error is None) == (input_dtype == target_dtype)
    assert_torch_agrees(
        oracle, "kl_div", torch.log_softmax(x, 1), soft, reduction="batchmean", precision=precision
    )


@pytest.mark.parametrize(
    "index_dtype", [torch.int64, torch.uint8, torch.int32, torch.int16, torch.int8, torch.bool]
)
def test_class_indices_must_be_long_or_byte(oracle, index_dtype):
    for name in ("cross_entropy", "nll_loss"):
        assert_torch_agrees(oracle, name, LOGITS, torch.tensor([0, 1, 1, 0]).to(index_dtype))


def test_integer_logits_are_refused_as_torch_refuses_them(oracle):
    ints = torch.tensor([[2, 1, 0], [0, 3, 1]])
    assert_torch_agrees(oracle, "cross_entropy", ints, torch.tensor([0, 1]))
    assert_torch_agrees(oracle, "nll_loss", ints, torch.tensor([0, 1]))
    assert_torch_agrees(oracle, "binary_cross_entropy_with_logits", ints[0], torch.tensor([0.0, 1.0, 1.0]))
    assert_torch_agrees(oracle, "binary_cross_entropy", ints[0], torch.tensor([0.0, 1.0, 1.0]))


# --------------------------------------------------------------------------- legacy size_average / reduce

LEGACY_VALUES = (None, True, False, 0, 1)


@pytest.mark.parametrize("size_average, reduce", itertools.product(LEGACY_VALUES, LEGACY_VALUES))
def test_legacy_mapping_is_torchs(size_average, reduce):
    from torch.nn import _reduction

    expected = _reduction.legacy_get_string(size_average, reduce, emit_warning=False)
    assert _arrays.legacy_reduction(size_average, reduce) == expected


LEGACY_CALLS = {
    "cross_entropy": (LOGITS, LABELS),
    "nll_loss": (torch.log_softmax(LOGITS, 1), LABELS),
    "binary_cross_entropy": (torch.sigmoid(LOGITS), PROBS),
    "binary_cross_entropy_with_logits": (LOGITS, PROBS),
    "kl_div": (torch.log_softmax(LOGITS, 1), PROBS),
}


@pytest.mark.parametrize("name", LEGACY_CALLS)
@pytest.mark.parametrize("size_average, reduce", [(None, None), (True, None), (False, None), (None, False),
                                                  (False, True), (True, False), (0, 1)])  # fmt: skip
@pytest.mark.parametrize("reduction", ["mean", "sum", "none", "elementwise_mean"])
def test_legacy_size_average_and_reduce_map_and_warn_as_torch(oracle, name, size_average, reduce, reduction):
    input, target = LEGACY_CALLS[name]
    keywords = dict(size_average=size_average, reduce=reduce, reduction=reduction)
    expected, actual = assert_torch_agrees(oracle, name, input, target, **keywords)
    torch_warnings = [w for w in expected.warnings if "deprecated" in w]
    assert [w for w in actual.warnings if "deprecated" in w] == torch_warnings


def test_legacy_positional_order_is_torchs(oracle):
    """Old code passes them by position: F.cross_entropy(x, y, weight, size_average, ignore_index, reduce)."""
    weight = torch.tensor([0.5, 2.0, 1.0], dtype=LOGITS.dtype)
    assert_torch_agrees(oracle, "cross_entropy", LOGITS, LABELS, weight, False, 2, None)
    assert_torch_agrees(oracle, "nll_loss", LOGITS, LABELS, weight, None, 1, False)
    assert_torch_agrees(oracle, "binary_cross_entropy", torch.sigmoid(LOGITS), PROBS, None, False, True)
    assert_torch_agrees(
        oracle, "binary_cross_entropy_with_logits", LOGITS, PROBS, None, None, None, "sum", weight
    )
    assert_torch_agrees(oracle, "kl_div", torch.log_softmax(LOGITS, 1), PROBS, False, None, "batchmean")


# --------------------------------------------------------------------------- empty batches


@pytest.mark.parametrize("reduction", TORCH_REDUCTIONS)
@pytest.mark.parametrize("classes", [3, 0])
def test_empty_batches_and_inputs_without_classes(oracle, reduction, classes):
    empty = torch.zeros(0, classes)
    no_labels = torch.zeros(0, dtype=torch.long)
    for options in ({}, {"label_smoothing": 0.2}, {"weight": torch.ones(classes), "label_smoothing": 0.2}):
        assert_torch_agrees(oracle, "cross_entropy", empty, no_labels, reduction=reduction, **options)
        assert_torch_agrees(
            oracle, "cross_entropy", empty, torch.zeros(0, classes), reduction=reduction, **options
        )
    assert_torch_agrees(oracle, "nll_loss", empty, no_labels, reduction=reduction)
    assert_torch_agrees(oracle, "cross_entropy", torch.zeros(2, 0), torch.zeros(2, 0), reduction=reduction)
    assert_torch_agrees(oracle, "binary_cross_entropy", torch.zeros(0), torch.zeros(0), reduction=reduction)
    assert_torch_agrees(
        oracle, "binary_cross_entropy_with_logits", empty, torch.zeros(0, classes), reduction=reduction
    )
    for kl_reduction in (reduction, "batchmean"):
        assert_torch_agrees(oracle, "kl_div", empty, torch.zeros(0, classes), reduction=kl_reduction)


@pytest.mark.parametrize("reduction", KERAS_REDUCTIONS)
@pytest.mark.parametrize("name", list(RANK_CASES))
def test_keras_empty_batch(oracle, reduction, name):
    y_pred = np.zeros((0, 3), dtype=np.float32)
    y_true = (
        np.zeros((0,), dtype=np.int64) if name.startswith("sparse") else np.zeros((0, 3), dtype=np.float32)
    )
    assert_keras_class_agrees(oracle, name, y_true, y_pred, reduction=reduction)
