"""Input handling shared by the losses and their gradients: dtypes, the class axis, argument checks.

Every check raises ValueError with a message a student can act on: it names the argument, what it
got and what is allowed. The checks mirror where PyTorch and Keras refuse an input, and where torch
raises RuntimeError or IndexError instead, the error is that kind too (FrameworkRuntimeError,
FrameworkIndexError: both still ValueErrors).
"""

import warnings

import numpy as np

TORCH_REDUCTIONS = ("none", "mean", "sum")
# torch.nn._reduction.legacy_get_string's warning, word for word.
LEGACY_REDUCTION_WARNING = (
    "size_average and reduce args will be deprecated, please use reduction='{}' instead."
)
# torch.nn._reduction.get_enum's warning for the old name of 'mean'.
ELEMENTWISE_MEAN_WARNING = "reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead."


class FrameworkRuntimeError(ValueError, RuntimeError):
    """A refusal where the framework raises RuntimeError (torch's checks in C++: a dtype that differs,
    label_smoothing above 1): catchable as the ValueError every core refusal is, and as the
    RuntimeError the framework raises."""


class FrameworkNotImplementedError(ValueError, NotImplementedError):
    """torch has no kernel for the input's dtype (integer logits): it raises NotImplementedError."""


class FrameworkIndexError(ValueError, IndexError):
    """A class index out of range: torch raises IndexError ("Target 3 is out of bounds.")."""


def as_float_array(x, name="input"):
    """`x` as a floating array: float32 and float64 keep their dtype (as a torch tensor does), float16
    becomes float32, integers, booleans and lists of numbers become float64."""
    try:
        array = np.asarray(x)
    except ValueError as error:  # ragged nested lists
        raise ValueError(f"{name} must be a rectangular array of numbers: {error}") from None
    if array.dtype.kind == "f":
        return array if array.dtype.itemsize >= 4 else array.astype(np.float32)
    if array.dtype.kind in "iub":
        return array.astype(np.float64)
    raise ValueError(f"{name} must hold numbers; got values of type {array.dtype}")


def to_class_last(logits):
    """Move torch's class axis (0 for shape (C,), else 1) to the end: (N, C, d1, ...) -> (N, d1, ..., C)."""
    if logits.ndim == 0:
        raise ValueError(
            "input must have a class dimension: shape (C,), (N, C) or (N, C, d1, ...); got a scalar"
        )
    return logits if logits.ndim == 1 else np.moveaxis(logits, 1, -1)


def from_class_last(values, ndim):
    """Inverse of `to_class_last` for an array whose original input had `ndim` dimensions."""
    return values if ndim == 1 else np.moveaxis(values, -1, 1)


def is_probability_target(logits, target):
    """torch's rule: a target of exactly the input's shape holds class probabilities, any other
    shape holds class indices."""
    return np.shape(target) == logits.shape


def torch_reduction(reduction, size_average=None, reduce=None, allowed=TORCH_REDUCTIONS):
    """The reduction torch applies. When old code passes `size_average` or `reduce`, they replace
    `reduction` as legacy_reduction maps them, with torch's deprecation warning (a UserWarning, as
    torch's); 'elementwise_mean' is read as 'mean', with torch's warning too."""
    if size_average is not None or reduce is not None:
        reduction = legacy_reduction(size_average, reduce)
        warnings.warn(LEGACY_REDUCTION_WARNING.format(reduction), UserWarning, stacklevel=3)
    elif reduction == "elementwise_mean":
        warnings.warn(ELEMENTWISE_MEAN_WARNING, UserWarning, stacklevel=3)
        reduction = "mean"
    check_reduction(reduction, allowed)
    return reduction


def legacy_reduction(size_average=None, reduce=None):
    """torch.nn._reduction.legacy_get_string without its warning: each of the two defaults to True, then

        size_average and reduce -> 'mean';   reduce only -> 'sum';   not reduce -> 'none'

    (`reduce=False` wins whatever `size_average` says; the values are read for truth, as torch does)."""
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if size_average and reduce:
        return "mean"
    return "sum" if reduce else "none"


def check_reduction(reduction, allowed=TORCH_REDUCTIONS):
    if reduction not in allowed:
        choices = ", ".join(repr(r) for r in allowed)
        raise ValueError(f"reduction must be one of {choices}; got {reduction!r}")


def effective_label_smoothing(label_smoothing):
    """The smoothing torch applies: a value above 1 (infinity included) is refused, as torch refuses it;
    any value that is not above 0 (negative, -inf, NaN) silently means no smoothing, because torch
    smooths only when label_smoothing > 0."""
    value = float(label_smoothing)
    if value > 1.0:
        raise FrameworkRuntimeError(f"label_smoothing must be between 0.0 and 1.0; got {label_smoothing}")
    return value if value > 0.0 else 0.0


def check_class_weight(weight, num_classes, dtype):
    """The per-class `weight` as an array of shape (C,) in `dtype`, or None."""
    if weight is None:
        return None
    weight = as_float_array(weight, "weight").astype(dtype, copy=False)
    if weight.shape != (num_classes,):
        raise FrameworkRuntimeError(
            f"weight must hold one value per class, shape ({num_classes},); got shape {weight.shape}"
        )
    return weight


def check_same_dtype(value, input, name):
    """torch refuses a tensor whose dtype differs from the input's where it needs the two equal (a class
    weight with class-index targets, binary_cross_entropy's target): so does core when both are NumPy
    arrays (or scalars). A list or a Python number carries no dtype and is read in the input's."""
    value_dtype, input_dtype = getattr(value, "dtype", None), getattr(input, "dtype", None)
    if value_dtype is None or input_dtype is None or np.dtype(value_dtype) == np.dtype(input_dtype):
        return
    raise FrameworkRuntimeError(
        f"{name} has dtype {np.dtype(value_dtype)}, but the input has dtype {np.dtype(input_dtype)}: "
        f"torch needs them equal here (cast {name} with .astype({np.dtype(input_dtype).name!r}))"
    )


def check_probability_target(target, dtype, name="target"):
    """Class-probability targets must be floating point (torch refuses integer ones)."""
    target = np.asarray(target)
    if target.dtype.kind != "f":
        raise FrameworkRuntimeError(
            f"{name} has the input's shape, so it is read as class probabilities and must hold floats; "
            f"got {target.dtype}. Pass class indices with one value per sample instead, or floats."
        )
    return target.astype(dtype, copy=False)


def check_class_indices(target, logits_shape, num_classes, ignore_index=None):
    """Integer class indices of shape `logits_shape` without the class axis, each in 0..C-1 or equal to
    `ignore_index`. Returned as int64. As in torch, a NumPy target must be int64 or uint8 (torch's Long
    or Byte: it refuses int32 and bool); a list of Python ints is int64."""
    check_index_dtype(target)
    target = np.asarray(target)
    expected_shape = _shape_without_class_axis(logits_shape)
    if target.dtype.kind not in "iu":
        raise FrameworkRuntimeError(
            f"target holds class indices here (its shape {target.shape} is not the input's shape "
            f"{tuple(logits_shape)}), so it must hold integers; got {target.dtype}. "
            "Pass integer labels, or probabilities of the input's shape."
        )
    if target.shape != expected_shape:
        raise FrameworkRuntimeError(
            f"target has shape {target.shape}, but an input of shape {tuple(logits_shape)} needs class "
            f"indices of shape {expected_shape} (or class probabilities of shape {tuple(logits_shape)})"
        )
    return check_label_range(target.astype(np.int64), num_classes, ignore_index)


TORCH_INDEX_DTYPES = (np.dtype(np.int64), np.dtype(np.uint8))


def check_index_dtype(target):
    """torch's class-index targets are Long or Byte: a NumPy array of another integer dtype (int32, bool)
    is refused as torch refuses it. Floats are left to check_class_indices' own message."""
    dtype = getattr(target, "dtype", None)
    if dtype is None or np.dtype(dtype).kind == "f" or np.dtype(dtype) in TORCH_INDEX_DTYPES:
        return
    raise FrameworkRuntimeError(
        f"target holds class indices of dtype {np.dtype(dtype)}; torch takes int64 (Long) or uint8 (Byte) "
        "class indices: cast with .astype('int64')"
    )


def check_label_range(labels, num_classes, ignore_index=None):
    """Raise for any label outside 0..C-1 that is not `ignore_index`."""
    out_of_range = (labels < 0) | (labels >= num_classes)
    if ignore_index is not None:
        out_of_range &= labels != ignore_index
    if out_of_range.any():
        first = int(labels[out_of_range].flat[0])
        allowed = f"0..{num_classes - 1}"
        if ignore_index is not None:
            allowed += f" (or ignore_index={ignore_index})"
        raise FrameworkIndexError(f"target class {first} is out of range: class indices must be in {allowed}")
    return labels


def check_same_shape(a, b, name_a, name_b):
    if np.shape(a) != np.shape(b):
        raise ValueError(
            f"{name_a} and {name_b} must have the same shape; got {np.shape(a)} and {np.shape(b)}"
        )


def check_unit_interval(values, name):
    """torch's binary_cross_entropy refuses values outside [0, 1] (NaN included)."""
    inside = (values >= 0) & (values <= 1)
    if not np.all(inside):
        first = values[~inside].flat[0]
        raise FrameworkRuntimeError(f"all elements of {name} must be between 0 and 1; got {first}")


def _shape_without_class_axis(logits_shape):
    return () if len(logits_shape) == 1 else tuple(logits_shape[:1]) + tuple(logits_shape[2:])


def quiet_nan():
    """Silence NumPy's warnings where a NaN or infinity is the intended answer (0/0 when every target
    is ignored, log(0) before the -100 clamp), as torch returns them silently. A context manager (NumPy's
    own errstate: entered on every loss call, so no generator around it)."""
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")


def at_labels(values, labels):
    """values[..., labels] along the last axis, one label per position: labels' shape. For a C-contiguous
    array the positions are indexed directly (much cheaper than take_along_axis on a small batch)."""
    if values.flags.c_contiguous and values.size:  # (reshape cannot infer rows of 0 classes)
        rows = values.reshape(-1, values.shape[-1])
        return rows[np.arange(rows.shape[0]), labels.reshape(-1)].reshape(labels.shape)
    return np.take_along_axis(values, labels[..., None], axis=-1)[..., 0]


def add_at_labels(values, labels, amounts):
    """values[..., labels] += amounts along the last axis (one label per position), in place."""
    if values.flags.c_contiguous and values.size:  # (reshape cannot infer rows of 0 classes)
        rows = values.reshape(-1, values.shape[-1])
        rows[np.arange(rows.shape[0]), labels.reshape(-1)] += amounts.reshape(-1)
        return
    index = labels[..., None]
    current = np.take_along_axis(values, index, axis=-1)
    np.put_along_axis(values, index, current + amounts[..., None], axis=-1)
