"""core.keras_losses and core.gradients against the real Keras 3 losses on the torch backend.

y_pred goes to Keras as a torch tensor that requires grad, so the reference gradient is torch
autograd through Keras's own code. Function forms return per-sample values: their gradient is that of
the sum. Classes are built with dtype equal to the input's dtype (Keras defaults to float32).

One Keras quirk shapes the tolerances: on a non-TensorFlow backend Keras's type promotion maps float64
to float32 (`dtypes.result_type`, "aligned with JAX"). So
- `ops.mean` computes in float32 and casts back: float64 binary_crossentropy (a mean over `axis`) is
  float64 holding a float32-rounded value;
- `ops.divide_no_nan` returns float32: a float64 loss class with an averaging reduction
  ("sum_over_batch_size", "mean_with_sample_weight", or a mask under "sum_over_batch_size") returns a
  float32 value.
core keeps float64 arithmetic and output, as its spec says. Those values and their gradients are
compared to float32 precision, and core's dtype is checked against the input's dtype instead.
"""

import keras  # KERAS_BACKEND=torch is set by conftest.py, which pytest imports first
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import strategies as S
from core import gradients, keras_losses

pytestmark = [
    pytest.mark.usefixtures("torch_cpu"),
    # Keras warns when the last axis has size 1 (axis=1 on (N, C, 1)); the case is still valid.
    pytest.mark.filterwarnings("ignore:In loss categorical_crossentropy:SyntaxWarning"),
]

assert keras.backend.backend() == "torch", "conftest.py must set KERAS_BACKEND=torch before keras is imported"

KERAS_FUNCTIONS = {
    "binary_crossentropy": keras.losses.binary_crossentropy,
    "categorical_crossentropy": keras.losses.categorical_crossentropy,
    "sparse_categorical_crossentropy": keras.losses.sparse_categorical_crossentropy,
}
KERAS_CLASSES = {
    "binary_crossentropy": keras.losses.BinaryCrossentropy,
    "categorical_crossentropy": keras.losses.CategoricalCrossentropy,
    "sparse_categorical_crossentropy": keras.losses.SparseCategoricalCrossentropy,
}


def _scale(*arrays):
    values = np.concatenate([np.abs(np.asarray(a, dtype=np.float64)).ravel() for a in arrays])
    values = values[np.isfinite(values)]
    return float(values.max()) if values.size else 1.0


def _backward(out, y_pred_tensor):
    (out if out.ndim == 0 else out.sum()).backward()
    return out.detach(), y_pred_tensor.grad


def gradient_scale(name, y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1, **_):
    """Per element, the size of the terms the gradient is a difference of.

    From probabilities, categorical and sparse cross-entropy give dL/dy_j = -t_j / y_j + sum(t) / S
    (S = the row sum of y_pred, t = smoothed y_true): for tiny y_pred the two terms are huge and
    cancel, so float32 autograd is off by eps * t_j / y_j. Elsewhere the terms are of order 1.
    """
    if from_logits or name == "binary_crossentropy":
        return 1.0
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if name == "sparse_categorical_crossentropy":
        t = np.ones_like(y_pred)  # the one-hot of y_true is at most 1
    else:
        t = np.abs(np.asarray(y_true, dtype=np.float64)) + label_smoothing
    sums = y_pred.sum(axis=axis, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        # Entries below the 1e-7 clip get no gradient, so their own term does not count.
        own = np.where(y_pred >= 1e-7 * sums, t / y_pred, 0.0)
        row = np.where(sums > 0, t.sum(axis=axis, keepdims=True) / sums, 0.0)
    return np.clip(own + row, 1.0, 1e30)  # 1e30: past it float arithmetic says nothing anyway


def check_function(oracle, name, y_true, y_pred, **options):
    """keras.losses.<name>(y_true, y_pred, **options) and d(sum)/d(y_pred) vs core's."""
    yp = torch.tensor(y_pred, requires_grad=True)
    expected, expected_grad = _backward(KERAS_FUNCTIONS[name](torch.tensor(y_true), yp, **options), yp)
    value = getattr(keras_losses, name)(y_true, y_pred, **options)
    grad = getattr(gradients, name)(y_true, y_pred, **options)
    label = f"keras {name}(shape={y_pred.shape}, dtype={y_pred.dtype}, {options})"
    precision = keras_precision(name, y_pred.dtype)
    oracle.close(value, expected, f"value of {label}", dtype=precision, scale=_scale(y_pred, expected))
    scale = gradient_scale(name, y_true, y_pred, **options)
    oracle.close(grad, expected_grad, f"gradient of {label}", dtype=precision, scale=scale)
    return expected, expected_grad


def keras_precision(name, dtype):
    """The dtype whose tolerance applies: float32 for float64 binary_crossentropy, whose `ops.mean`
    Keras computes in float32 on the torch backend (module docstring)."""
    if name == "binary_crossentropy":
        return np.float32
    return np.dtype(dtype)


def check_class(oracle, name, y_true, y_pred, sample_weight=None, reduction="sum_over_batch_size", **options):
    """keras.losses.<Class>(reduction, dtype=input's, **options)(y_true, y_pred, sample_weight) and its
    gradient vs core.keras_losses.call_loss and core.gradients.call_loss."""
    dtype = np.dtype(y_pred.dtype)
    loss = KERAS_CLASSES[name](reduction=reduction, dtype=dtype.name, **options)
    yp = torch.tensor(y_pred, requires_grad=True)
    sw = None if sample_weight is None else torch.tensor(sample_weight)
    expected, expected_grad = _backward(loss(torch.tensor(y_true), yp, sample_weight=sw), yp)
    kwargs = dict(sample_weight=sample_weight, reduction=reduction, **options)
    value = keras_losses.call_loss(name, y_true, y_pred, **kwargs)
    grad = gradients.call_loss(name, y_true, y_pred, **kwargs)
    label = f"keras {KERAS_CLASSES[name].__name__}(shape={y_pred.shape}, dtype={dtype}, {kwargs})"
    # Keras's float64 -> float32 downcast in divide_no_nan (see the module docstring).
    downcast = expected.dtype == torch.float32 and dtype == np.float64
    precision = np.float32 if downcast else keras_precision(name, dtype)
    oracle.close(
        value,
        expected,
        f"value of {label}",
        dtype=precision,
        scale=_scale(y_pred, expected),
        check_dtype=not downcast,
    )
    if downcast:
        oracle.dtype_is(value, dtype, f"value of {label} keeps the input dtype")
    scale = gradient_scale(name, y_true, y_pred, **options)
    if sample_weight is not None:
        scale = scale * max(1.0, float(np.max(np.abs(sample_weight))))
    oracle.close(grad, expected_grad, f"gradient of {label}", dtype=precision, scale=scale)
    return expected, expected_grad


@st.composite
def sparse_labels(draw, shape_without_classes, c, ignore_class=None):
    elements = st.integers(0, c - 1)
    if ignore_class is not None:
        elements = st.one_of(elements, st.just(ignore_class))
    return draw(hnp.arrays(np.int64, shape_without_classes, elements=elements))


def _drop(shape, axis):
    axis %= len(shape)
    return tuple(d for i, d in enumerate(shape) if i != axis)


@st.composite
def axis_and_shape(draw):
    """axis=-1 on (N, C) or (N, d, C), or axis=1 on (N, C, d) (Keras supports both)."""
    if draw(st.booleans()):
        return -1, draw(S.keras_shapes())
    n, c, d = draw(st.integers(1, 4)), draw(st.integers(2, 6)), draw(st.integers(1, 3))
    return 1, (n, c, d)


# --------------------------------------------------------------------------- function forms


@given(data=st.data(), dtype=S.dtypes, from_logits=st.booleans())
def test_binary_crossentropy_function_matches_keras(oracle, data, dtype, from_logits):
    axis, shape = data.draw(axis_and_shape())
    y_true = data.draw(S.binary_targets(shape, dtype))
    y_pred = data.draw(S.logits(shape, dtype) if from_logits else S.probabilities(shape, dtype))
    label_smoothing = data.draw(st.one_of(st.just(0.0), S.label_smoothings))
    check_function(
        oracle,
        "binary_crossentropy",
        y_true,
        y_pred,
        from_logits=from_logits,
        label_smoothing=label_smoothing,
        axis=axis,
    )


@given(data=st.data(), dtype=S.dtypes, from_logits=st.booleans())
def test_categorical_crossentropy_function_matches_keras(oracle, data, dtype, from_logits):
    shape = data.draw(S.keras_shapes())
    y_true = data.draw(S.probability_targets(shape, dtype, -1))
    if from_logits:
        y_pred = data.draw(S.logits(shape, dtype))
    else:
        y_pred = data.draw(S.keras_probability_predictions(shape, dtype, -1))
    label_smoothing = data.draw(st.one_of(st.just(0.0), S.label_smoothings))
    check_function(
        oracle,
        "categorical_crossentropy",
        y_true,
        y_pred,
        from_logits=from_logits,
        label_smoothing=label_smoothing,
    )


@given(data=st.data(), dtype=S.dtypes, from_logits=st.booleans())
def test_categorical_crossentropy_on_axis_1_of_3d_input_matches_keras(oracle, data, dtype, from_logits):
    n, c, d = data.draw(st.integers(1, 4)), data.draw(st.integers(2, 6)), data.draw(st.integers(1, 3))
    shape = (n, c, d)
    y_true = data.draw(S.probability_targets(shape, dtype, 1))
    if from_logits:
        y_pred = data.draw(S.logits(shape, dtype))
    else:
        y_pred = data.draw(S.keras_probability_predictions(shape, dtype, 1))
    check_function(oracle, "categorical_crossentropy", y_true, y_pred, from_logits=from_logits, axis=1)


@given(data=st.data(), dtype=S.dtypes, from_logits=st.booleans(), label_smoothing=st.floats(0.05, 1.0))
def test_categorical_label_smoothing_on_axis_1_divides_by_last_dim_as_keras_does(
    oracle, data, dtype, from_logits, label_smoothing
):
    # Keras smooths by label_smoothing / y_true.shape[-1] whatever the axis: with axis=1 on (N, C, d)
    # that is d, not C.
    n, c, d = data.draw(st.integers(1, 4)), data.draw(st.integers(2, 5)), data.draw(st.integers(1, 3))
    shape = (n, c, d)
    y_true = data.draw(S.probability_targets(shape, dtype, 1))
    if from_logits:
        y_pred = data.draw(S.logits(shape, dtype, extreme=False))
    else:
        y_pred = data.draw(S.keras_probability_predictions(shape, dtype, 1))
    check_function(
        oracle,
        "categorical_crossentropy",
        y_true,
        y_pred,
        from_logits=from_logits,
        label_smoothing=label_smoothing,
        axis=1,
    )


@given(
    data=st.data(),
    dtype=S.dtypes,
    from_logits=st.booleans(),
    ignore_class=st.sampled_from([None, -1, 0, 255]),
)
def test_sparse_categorical_crossentropy_function_matches_keras(
    oracle, data, dtype, from_logits, ignore_class
):
    axis, shape = data.draw(axis_and_shape())
    c = shape[axis]
    y_true = data.draw(sparse_labels(_drop(shape, axis), c, ignore_class))
    if from_logits:
        y_pred = data.draw(S.logits(shape, dtype))
    else:
        y_pred = data.draw(S.keras_probability_predictions(shape, dtype, axis))
    check_function(
        oracle,
        "sparse_categorical_crossentropy",
        y_true,
        y_pred,
        from_logits=from_logits,
        ignore_class=ignore_class,
        axis=axis,
    )


@pytest.mark.parametrize("dtype", S.FLOAT_DTYPES)
@pytest.mark.parametrize(
    "name", ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"]
)
def test_probabilities_exactly_0_and_1_are_clipped_to_1e_7(oracle, dtype, name):
    y_pred = np.array([[0.0, 1.0, 0.0], [0.5, 0.5, 0.0], [1.0, 0.0, 0.0], [0.2, 0.3, 0.5]], dtype=dtype)
    if name == "sparse_categorical_crossentropy":
        y_true = np.array([0, 2, 0, 1])
    else:
        y_true = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], dtype=dtype)
    expected, _ = check_function(oracle, name, y_true, y_pred)
    assert torch.isfinite(expected).all()
    check_class(oracle, name, y_true, y_pred)


@pytest.mark.parametrize("dtype", S.FLOAT_DTYPES)
@pytest.mark.parametrize("name", ["categorical_crossentropy", "sparse_categorical_crossentropy"])
def test_unnormalised_categorical_probabilities_are_renormalised(oracle, dtype, name):
    y_pred = np.array([[2.0, 1.0, 1.0], [0.1, 0.1, 0.0], [5.0, 0.0, 3.0]], dtype=dtype)
    if name == "sparse_categorical_crossentropy":
        y_true = np.array([0, 1, 2])
    else:
        y_true = np.array([[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]], dtype=dtype)
    check_function(oracle, name, y_true, y_pred)
    check_class(oracle, name, y_true, y_pred, reduction="sum")


@pytest.mark.parametrize("dtype", S.FLOAT_DTYPES)
def test_binary_label_smoothing_squeezes_toward_half(oracle, dtype):
    y_true = np.array([[0.0, 1.0], [1.0, 1.0], [0.0, 0.0]], dtype=dtype)
    y_pred = np.array([[0.1, 0.9], [0.5, 1.0], [0.0, 0.3]], dtype=dtype)
    for label_smoothing in (0.0, 0.2, 1.0):
        for from_logits in (False, True):
            check_function(
                oracle,
                "binary_crossentropy",
                y_true,
                y_pred,
                from_logits=from_logits,
                label_smoothing=label_smoothing,
            )


@pytest.mark.parametrize("dtype", S.FLOAT_DTYPES)
def test_function_forms_keep_the_input_dtype(oracle, dtype):
    y_pred = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], dtype=dtype)
    y_onehot = np.array([[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]], dtype=dtype)
    cases = [
        ("binary_crossentropy", y_onehot),
        ("categorical_crossentropy", y_onehot),
        ("sparse_categorical_crossentropy", np.array([2, 0])),
    ]
    for name, y_true in cases:
        check_function(oracle, name, y_true, y_pred)  # compares dtypes with Keras's
        oracle.dtype_is(getattr(keras_losses, name)(y_true, y_pred), dtype, name)
        oracle.dtype_is(getattr(gradients, name)(y_true, y_pred), dtype, f"gradient of {name}")


# --------------------------------------------------------------------------- classes via call_loss


@given(data=st.data(), dtype=S.dtypes, reduction=S.keras_reductions, from_logits=st.booleans())
def test_call_loss_binary_crossentropy_matches_keras_class(oracle, data, dtype, reduction, from_logits):
    shape = data.draw(S.keras_shapes(rank3=False))
    y_true = data.draw(S.binary_targets(shape, dtype))
    y_pred = data.draw(S.logits(shape, dtype) if from_logits else S.probabilities(shape, dtype))
    sample_weight = data.draw(S.sample_weights(shape[0], dtype))
    label_smoothing = data.draw(st.one_of(st.just(0.0), S.label_smoothings))
    check_class(
        oracle,
        "binary_crossentropy",
        y_true,
        y_pred,
        sample_weight=sample_weight,
        reduction=reduction,
        from_logits=from_logits,
        label_smoothing=label_smoothing,
    )


@given(data=st.data(), dtype=S.dtypes, reduction=S.keras_reductions, from_logits=st.booleans())
def test_call_loss_categorical_crossentropy_matches_keras_class(oracle, data, dtype, reduction, from_logits):
    shape = data.draw(S.keras_shapes(rank3=False))
    y_true = data.draw(S.probability_targets(shape, dtype, -1))
    if from_logits:
        y_pred = data.draw(S.logits(shape, dtype))
    else:
        y_pred = data.draw(S.keras_probability_predictions(shape, dtype, -1))
    sample_weight = data.draw(S.sample_weights(shape[0], dtype))
    label_smoothing = data.draw(st.one_of(st.just(0.0), S.label_smoothings))
    check_class(
        oracle,
        "categorical_crossentropy",
        y_true,
        y_pred,
        sample_weight=sample_weight,
        reduction=reduction,
        from_logits=from_logits,
        label_smoothing=label_smoothing,
    )


@given(
    data=st.data(),
    dtype=S.dtypes,
    reduction=S.keras_reductions,
    from_logits=st.booleans(),
    ignore_class=st.sampled_from([None, -1, 0, 255]),
)
def test_call_loss_sparse_categorical_crossentropy_matches_keras_class(
    oracle, data, dtype, reduction, from_logits, ignore_class
):
    shape = data.draw(S.keras_shapes(rank3=False))
    c = shape[-1]
    y_true = data.draw(sparse_labels(shape[:-1], c, ignore_class))
    if from_logits:
        y_pred = data.draw(S.logits(shape, dtype))
    else:
        y_pred = data.draw(S.keras_probability_predictions(shape, dtype, -1))
    sample_weight = data.draw(S.sample_weights(shape[0], dtype))
    check_class(
        oracle,
        "sparse_categorical_crossentropy",
        y_true,
        y_pred,
        sample_weight=sample_weight,
        reduction=reduction,
        from_logits=from_logits,
        ignore_class=ignore_class,
    )


@given(data=st.data(), dtype=S.dtypes, reduction=S.keras_reductions)
def test_call_loss_on_3d_inputs_with_per_position_sample_weight(oracle, data, dtype, reduction):
    name = data.draw(st.sampled_from(sorted(KERAS_CLASSES)))
    n, d, c = data.draw(st.integers(1, 4)), data.draw(st.integers(1, 3)), data.draw(st.integers(2, 5))
    shape = (n, d, c)
    options = {"from_logits": data.draw(st.booleans())}
    if options["from_logits"]:
        y_pred = data.draw(S.logits(shape, dtype))
    elif name == "binary_crossentropy":
        y_pred = data.draw(S.probabilities(shape, dtype))
    else:
        y_pred = data.draw(S.keras_probability_predictions(shape, dtype, -1))
    if name == "binary_crossentropy":
        y_true = data.draw(S.binary_targets(shape, dtype))
    elif name == "categorical_crossentropy":
        y_true = data.draw(S.probability_targets(shape, dtype, -1))
    else:
        options["ignore_class"] = data.draw(st.sampled_from([None, -1]))
        y_true = data.draw(sparse_labels((n, d), c, options["ignore_class"]))
    sample_weight = data.draw(
        st.one_of(st.none(), hnp.arrays(dtype, (n, d), elements=st.floats(0.0, 3.0, width=32)))
    )
    check_class(oracle, name, y_true, y_pred, sample_weight=sample_weight, reduction=reduction, **options)


@pytest.mark.parametrize("dtype", S.FLOAT_DTYPES)
@pytest.mark.parametrize("reduction", (*S.KERAS_REDUCTIONS, "mean", None))
@pytest.mark.parametrize("sample_weight_shape", [None, (4,), (4, 1)])
@pytest.mark.parametrize("y_true", [[0, -1, 2, -1], [[0], [1], [-1], [2]]], ids=str)
def test_sparse_ignore_class_divides_as_keras_for_every_reduction(
    oracle, dtype, reduction, sample_weight_shape, y_true
):
    """Two ignored rows, and one ignored row (issue 18's plain batch) in labels of shape (N, 1)."""
    y_pred = np.array([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3], [0.1, 0.2, 3.0], [1.0, 1.0, 1.0]], dtype=dtype)
    y_true = np.array(y_true)
    sample_weight = None
    if sample_weight_shape is not None:
        sample_weight = np.array([0.5, 2.0, 1.5, 3.0], dtype=dtype).reshape(sample_weight_shape)
    for from_logits in (True, False):
        check_class(
            oracle,
            "sparse_categorical_crossentropy",
            y_true,
            y_pred,
            sample_weight=sample_weight,
            reduction=reduction,
            from_logits=from_logits,
            ignore_class=-1,
        )


@pytest.mark.parametrize("dtype", S.FLOAT_DTYPES)
@pytest.mark.parametrize("reduction", S.KERAS_REDUCTIONS)
def test_sparse_all_entries_ignored_matches_keras(oracle, dtype, reduction):
    y_pred = np.array([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]], dtype=dtype)
    y_true = np.array([1, 1])
    for from_logits in (True, False):
        check_function(
            oracle, "sparse_categorical_crossentropy", y_true, y_pred, from_logits=from_logits, ignore_class=1
        )
        check_class(
            oracle,
            "sparse_categorical_crossentropy",
            y_true,
            y_pred,
            reduction=reduction,
            from_logits=from_logits,
            ignore_class=1,
        )


@pytest.mark.parametrize(
    "name", ["binary_crossentropy", "categorical_crossentropy", "sparse_categorical_crossentropy"]
)
@pytest.mark.parametrize("reduction", S.KERAS_REDUCTIONS)
def test_call_loss_float32_in_float32_out(oracle, name, reduction):
    y_pred = np.array([[0.2, 0.3, 0.5], [0.6, 0.3, 0.1]], dtype=np.float32)
    y_true = np.array([2, 0]) if name.startswith("sparse") else np.eye(3, dtype=np.float32)[[2, 0]]
    sample_weight = np.array([0.25, 2.0], dtype=np.float32)
    check_class(oracle, name, y_true, y_pred, sample_weight=sample_weight, reduction=reduction)
    kwargs = dict(sample_weight=sample_weight, reduction=reduction)
    oracle.dtype_is(keras_losses.call_loss(name, y_true, y_pred, **kwargs), np.float32, name)
    oracle.dtype_is(gradients.call_loss(name, y_true, y_pred, **kwargs), np.float32, f"gradient of {name}")


def test_call_loss_defaults_are_sum_over_batch_size_without_weights(oracle):
    y_pred = np.array([[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]], dtype=np.float32)
    y_true = np.array([1, 2])
    check_class(oracle, "sparse_categorical_crossentropy", y_true, y_pred)
    expected = keras.losses.SparseCategoricalCrossentropy()(y_true, y_pred)
    oracle.close(
        keras_losses.call_loss("sparse_categorical_crossentropy", y_true, y_pred), expected, "defaults"
    )
