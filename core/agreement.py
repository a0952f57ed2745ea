"""When a number from core agrees with the same number from PyTorch or Keras: one rule for every check
panel, every page and every test.

Element by element, with x from core and e from the framework:

    |x - e| <= rtol * |e| + atol * max(1, scale)

where (rtol, atol) is the tolerance of the dtype the framework computed in (TOLERANCES) and scale is the
largest finite |e| compared, unless the caller knows a better one (the size of the terms that cancel).
Scaling atol keeps a loss of 1e4 from logits of 1e4 to rtol rather than to a fixed atol. NaN agrees
with NaN, and an infinity only with the same infinity.
"""

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Tolerance:
    rtol: float
    atol: float


# float64 is held to what the same formulas in another order give; float32 to what its 24-bit
# mantissa allows after a log-sum-exp and a reduction.
TOLERANCES = {
    "float64": Tolerance(rtol=1e-9, atol=1e-12),
    "float32": Tolerance(rtol=1e-5, atol=1e-6),
}


def tolerance(dtype):
    """The Tolerance of a dtype (a name, a NumPy dtype, or anything np.dtype reads); float16 and
    bfloat16 are not compared."""
    return TOLERANCES[np.dtype(dtype).name]


def agreeing(actual, expected, dtype=None, scale=None):
    """Boolean array: where `actual` (core) agrees with `expected` (the framework) under the rule.

    `dtype` defaults to expected's dtype; `scale` to the largest finite |expected| (a number, or an array
    that broadcasts against `expected`)."""
    expected = np.asarray(expected)
    actual = np.asarray(actual)
    limits = tolerance(dtype if dtype is not None else expected.dtype)
    if scale is None:
        finite = np.abs(expected[np.isfinite(expected)])
        scale = float(finite.max()) if finite.size else 1.0
    atol = limits.atol * np.maximum(1.0, np.asarray(scale, dtype=np.float64))
    return np.isclose(
        actual.astype(np.float64), expected.astype(np.float64), rtol=limits.rtol, atol=atol, equal_nan=True
    )


def agrees(actual, expected, dtype=None, scale=None):
    """True when every element agrees (shapes must match)."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    if actual.shape != expected.shape:
        return False
    return bool(np.all(agreeing(actual, expected, dtype, scale)))


def largest_difference(a, b):
    """max |a - b| over the elements, NaN against NaN counted as 0 and any other NaN as infinite; infinite
    when the shapes differ. What a check panel prints beside its verdict."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape:
        return float("inf")
    both_nan = np.isnan(a) & np.isnan(b)
    with np.errstate(invalid="ignore"):
        diff = np.where(both_nan, 0.0, np.abs(a - b))
    return float(np.nan_to_num(diff, nan=np.inf).max()) if diff.size else 0.0
