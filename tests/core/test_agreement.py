"""core.agreement: the one rule every check panel, page and oracle test uses to say "agrees"."""

import math

import numpy as np
import pytest

from core import agreement


def test_float64_is_held_to_1e9_relative_and_float32_to_1e5():
    assert agreement.agrees(1.0 + 5e-10, 1.0, "float64")
    assert not agreement.agrees(1.0 + 5e-9, 1.0, "float64")
    assert agreement.agrees(1.0 + 5e-6, 1.0, "float32")
    assert not agreement.agrees(1.0 + 5e-5, 1.0, "float32")


def test_the_absolute_part_grows_with_the_largest_value_compared():
    # 1e4 + tiny cancellation error: held to rtol, not to a fixed atol
    expected = np.array([1e4, 0.0])
    assert agreement.agrees(np.array([1e4, 5e-9]), expected, "float64")  # atol 1e-12 x 1e4
    assert not agreement.agrees(np.array([1e4, 5e-9]), expected, "float64", scale=1.0)


def test_nan_meets_nan_and_an_infinity_only_the_same_infinity():
    assert agreement.agrees([math.nan, math.inf], [math.nan, math.inf], "float64")
    assert not agreement.agrees([math.inf], [-math.inf], "float64")
    assert not agreement.agrees([math.nan], [1.0], "float64")
    assert not agreement.agrees([math.inf], [math.nan], "float64")


def test_shapes_must_match_and_the_dtype_defaults_to_the_frameworks():
    assert not agreement.agrees([1.0, 1.0], [1.0], "float64")
    assert agreement.agrees(np.float64(1 + 5e-6), np.float32(1.0))  # float32 expected: its tolerance
    assert not agreement.agrees(np.float64(1 + 5e-6), np.float64(1.0))


def test_a_dtype_without_a_tolerance_is_refused():
    with pytest.raises(KeyError):
        agreement.tolerance("float16")


def test_largest_difference_counts_nan_against_nan_as_zero_and_other_nans_as_infinite():
    assert agreement.largest_difference([1.0, math.nan], [1.5, math.nan]) == 0.5
    assert agreement.largest_difference([1.0], [math.nan]) == math.inf
    assert agreement.largest_difference([1.0, 2.0], [1.0]) == math.inf
    assert agreement.largest_difference([], []) == 0.0
