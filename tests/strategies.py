"""Hypothesis strategies shared by the oracle tests.

Shapes come in torch's layout (class axis 1; (C,) for one unbatched sample) or Keras's (class axis
last). Values cover the edges the losses have to get right: logits of +-1e4 and +-100, probabilities
of exactly 0 and 1, one-hot and zero-holding targets, ignored targets, smoothing of 0 and 1.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

FLOAT_DTYPES = (np.float32, np.float64)
EXTREME_LOGITS = (1e4, -1e4, 100.0, -100.0)
TORCH_REDUCTIONS = ("none", "sum", "mean")
KERAS_REDUCTIONS = ("sum_over_batch_size", "sum", "none", "mean_with_sample_weight")

dtypes = st.sampled_from(FLOAT_DTYPES)
reductions = st.sampled_from(TORCH_REDUCTIONS)
keras_reductions = st.sampled_from(KERAS_REDUCTIONS)
label_smoothings = st.one_of(st.just(0.0), st.just(1.0), st.floats(0.0, 1.0))
temperatures = st.one_of(st.just(1.0), st.sampled_from([0.5, 2.0]), st.floats(0.1, 10.0))


def _width(dtype):
    return 32 if np.dtype(dtype) == np.float32 else 64


def _floats(low, high, dtype):
    return st.floats(low, high, width=_width(dtype), allow_subnormal=False)


def class_axis(shape):
    """torch's class axis: 0 for (C,), else 1."""
    return 0 if len(shape) == 1 else 1


def num_classes(shape, axis=None):
    return shape[class_axis(shape) if axis is None else axis]


def shape_without_class_axis(shape):
    """The shape of torch's index target (and of a per-sample loss) for an input of `shape`."""
    return () if len(shape) == 1 else (shape[0], *shape[2:])


@st.composite
def torch_shapes(draw, unbatched=True, spatial=True):
    """(C,), (N, C) or (N, C, d1[, d2]) with C in 2..6, N in 1..5, d in 1..3."""
    kinds = ["batched"] + (["unbatched"] if unbatched else []) + (["spatial"] if spatial else [])
    kind = draw(st.sampled_from(kinds))
    c = draw(st.integers(2, 6))
    if kind == "unbatched":
        return (c,)
    n = draw(st.integers(1, 5))
    if kind == "batched":
        return (n, c)
    extra = draw(st.lists(st.integers(1, 3), min_size=1, max_size=2))
    return (n, c, *extra)


@st.composite
def keras_shapes(draw, rank3=True):
    """(N, C) or (N, d, C): Keras's layout, classes last."""
    c = draw(st.integers(2, 6))
    n = draw(st.integers(1, 5))
    if rank3 and draw(st.booleans()):
        return (n, draw(st.integers(1, 3)), c)
    return (n, c)


@st.composite
def logits(draw, shape, dtype, extreme=None, bound=8.0):
    """Bounded floats; when `extreme` (drawn if None) some entries are +-1e4 or +-100."""
    if extreme is None:
        extreme = draw(st.booleans())
    elements = _floats(-bound, bound, dtype)
    if extreme:
        elements = st.one_of(elements, st.sampled_from(EXTREME_LOGITS))
    return draw(hnp.arrays(dtype, shape, elements=elements))


@st.composite
def ignore_indices(draw, c):
    """torch's default -100, a valid class (0 or C-1), or another negative / out-of-range value."""
    return draw(st.sampled_from([-100, 0, c - 1, -1, 255]))


@st.composite
def index_targets(draw, shape, ignore_index=None, num=None):
    """Integer class indices for an input of torch `shape`; some equal `ignore_index` if given."""
    c = num_classes(shape) if num is None else num
    elements = st.integers(0, c - 1)
    if ignore_index is not None:
        elements = st.one_of(elements, st.just(ignore_index))
    return draw(hnp.arrays(np.int64, shape_without_class_axis(shape), elements=elements))


@st.composite
def probability_targets(draw, shape, dtype, axis):
    """Rows along `axis` that sum to 1: dense, one-hot, or dense with exact zeros."""
    kind = draw(st.sampled_from(["dense", "onehot", "zeros"]))
    c = shape[axis]
    if kind == "onehot":
        rest = tuple(d for i, d in enumerate(shape) if i != axis % len(shape))
        idx = draw(hnp.arrays(np.int64, rest, elements=st.integers(0, c - 1)))
        return np.moveaxis(np.eye(c, dtype=dtype)[idx], -1, axis)
    raw = draw(hnp.arrays(np.float64, shape, elements=st.floats(0.0, 1.0)))
    if kind == "zeros":
        raw = np.where(draw(hnp.arrays(np.bool_, shape)), 0.0, raw)
    empty = raw.sum(axis=axis, keepdims=True) == 0
    raw = np.where(empty, 1.0, raw)
    return (raw / raw.sum(axis=axis, keepdims=True)).astype(dtype)


@st.composite
def class_weights(draw, c, dtype):
    """One positive weight per class."""
    return draw(hnp.arrays(dtype, (c,), elements=_floats(0.125, 5.0, dtype)))


@st.composite
def optional_class_weights(draw, c, dtype):
    return draw(st.one_of(st.none(), class_weights(c, dtype)))


@st.composite
def probabilities(draw, shape, dtype, edges=True):
    """Values in [0, 1], including exact 0 and 1 when `edges`."""
    elements = _floats(0.0, 1.0, dtype)
    if edges:
        elements = st.one_of(elements, st.sampled_from([0.0, 1.0]))
    return draw(hnp.arrays(dtype, shape, elements=elements))


@st.composite
def binary_targets(draw, shape, dtype):
    """Hard 0/1 labels or soft labels in [0, 1]."""
    if draw(st.booleans()):
        return draw(hnp.arrays(dtype, shape, elements=st.sampled_from([0.0, 1.0])))
    return draw(probabilities(shape, dtype))


@st.composite
def broadcast_weights(draw, shape, dtype, low=0.125, high=5.0):
    """Positive weights whose shape broadcasts to `shape` without enlarging it (e.g. (C,) for (N, C))."""
    suffix = shape[len(shape) - draw(st.integers(0, len(shape))) :]
    wshape = tuple(d if draw(st.booleans()) else 1 for d in suffix)
    return draw(hnp.arrays(dtype, wshape, elements=_floats(low, high, dtype)))


@st.composite
def positive_rows(draw, shape, dtype, axis=-1):
    """Unnormalised non-negative rows along `axis` (exact zeros allowed), no row all zero."""
    raw = draw(
        hnp.arrays(dtype, shape, elements=st.one_of(_floats(0.0, 3.0, dtype), st.sampled_from([0.0, 1.0])))
    )
    empty = raw.sum(axis=axis, keepdims=True) == 0
    return np.where(empty, np.asarray(1.0, dtype), raw).astype(dtype)


@st.composite
def keras_probability_predictions(draw, shape, dtype, axis=-1):
    """Keras categorical y_pred: normalised rows (maybe one-hot: exact 0 and 1) or unnormalised ones."""
    if draw(st.booleans()):
        return draw(probability_targets(shape, dtype, axis))
    return draw(positive_rows(shape, dtype, axis))


@st.composite
def sample_weights(draw, n, dtype, shapes=("n", "n1")):
    """None, or non-negative weights of shape (N,) or (N, 1)."""
    kind = draw(st.sampled_from(["none", *shapes]))
    if kind == "none":
        return None
    shape = (n,) if kind == "n" else (n, 1)
    elements = st.one_of(_floats(0.0, 3.0, dtype), st.just(0.0), st.just(1.0))
    return draw(hnp.arrays(dtype, shape, elements=elements))
