"""The p90 rule's reference (bench/load/p90_rule.py): one student's latencies, weighted to a class's mix
of pages."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench" / "load"))
from p90_rule import matched_reference_p90, percentile, weighted_percentile  # noqa: E402


@pytest.mark.parametrize("fraction", [0.0, 0.5, 0.9, 1.0])
def test_percentile_is_numpys_linear_quantile(fraction):
    values = [5.0, 1.0, 9.0, 3.0, 7.0, 2.0]
    assert percentile(values, fraction) == pytest.approx(np.quantile(values, fraction))


def test_equal_weights_give_numpys_inverted_cdf_quantile():
    values = list(range(1, 21))
    got = weighted_percentile([(value, 1.0) for value in values], 0.9)
    assert got == np.quantile(values, 0.9, method="inverted_cdf")


def test_a_heavy_value_moves_the_percentile():
    assert weighted_percentile([(10, 1), (20, 1), (30, 1)], 0.9) == 30
    assert weighted_percentile([(10, 98), (20, 1), (30, 1)], 0.9) == 10


def test_the_reference_follows_the_class_mix_of_pages():
    alone = {"fast": [10.0] * 20, "slow": [100.0] * 5}
    # A class that made 1 slow change in 100: its reference is the fast page's latency.
    assert matched_reference_p90(alone, {"fast": 99, "slow": 1}) == (10.0, [])
    # One that made 30 in 100: the slow page's, whatever share of the lone student's changes it had.
    assert matched_reference_p90(alone, {"fast": 70, "slow": 30}) == (100.0, [])


def test_pages_the_lone_student_never_reached_are_named_and_left_out():
    p90, missing = matched_reference_p90({"fast": [10.0, 12.0]}, {"fast": 50, "training": 5})
    assert missing == ["training"]
    assert p90 == 12.0
