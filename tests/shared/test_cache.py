"""topics.shared.cache.cached_by, and the two page computations it keeps: the gradient landscape's loss
field (by class, T and smoothing, not the point) and the binary page's label frames (by p)."""

import threading

import numpy as np
import pytest

from topics.binary import figures as binary_figures
from topics.gradient import numbers as gradient_numbers
from topics.gradient import state as gradient_state
from topics.shared.cache import cached_by


def counting(maxsize=2):
    calls = []

    @cached_by(lambda x, scale=1: (x, scale), maxsize=maxsize)
    def compute(x, scale=1):
        calls.append((x, scale))
        return np.arange(3) * x * scale

    return compute, calls


def test_a_result_is_computed_once_per_key_and_shared_read_only():
    compute, calls = counting()
    first, again = compute(2), compute(2)
    assert again is first and calls == [(2, 1)]
    np.testing.assert_array_equal(first, [0, 2, 4])
    with pytest.raises(ValueError):
        first[0] = 7  # a shared result cannot be changed by one caller for the others
    assert compute.cache_info() == (1, 1, 1)


def test_the_least_recently_used_result_goes_first_and_the_size_stays_bounded():
    compute, calls = counting(maxsize=2)
    compute(1), compute(2), compute(1), compute(3)  # 2 is the least recently used when 3 arrives
    compute(1)
    assert calls == [(1, 1), (2, 1), (3, 1)]
    compute(2)
    assert calls[-1] == (2, 1) and compute.cache_info()[2] == 2
    compute.cache_clear()
    assert compute.cache_info() == (0, 0, 0)


def test_keyword_arguments_reach_the_key_and_threads_get_correct_results():
    compute, _ = counting(maxsize=8)
    assert compute(2, scale=3)[1] == 6 and compute(2)[1] == 2
    results = {}
    threads = [threading.Thread(target=lambda n=n: results.update({n: compute(n % 3)})) for n in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(results[n][1] == n % 3 for n in range(12))


def gradient_state_with(**values):
    defaults = {spec.key: spec.default for spec in gradient_state.url_specs()}
    return gradient_state.state_from_values(defaults | values)


def test_the_landscape_field_is_shared_between_points_but_not_between_temperatures():
    gradient_numbers.loss_field.cache_clear()
    here = gradient_numbers.landscape(gradient_state_with(), 1.0, 20)
    moved_state = gradient_state_with(gr_z1=2.5, gr_z2=-1.0)
    moved = gradient_numbers.landscape(moved_state, 0.5, 5)
    assert moved.loss is here.loss and moved.point != here.point
    hotter = gradient_numbers.landscape(gradient_state_with(gr_t=2.0), 1.0, 20)
    assert hotter.loss is not here.loss and not np.allclose(hotter.loss, here.loss)
    # What the cache gives is what a fresh computation gives.
    fresh = gradient_numbers.batch_loss(gradient_numbers.plane_rows(here.axis, here.axis), moved_state)
    np.testing.assert_array_equal(moved.loss.ravel(), fresh)


def test_the_label_frames_are_kept_by_p_only():
    binary_figures.label_frames.cache_clear()
    frames = binary_figures.label_frames(0.3)
    assert binary_figures.label_frames(0.3) is frames and binary_figures.label_frames(0.4) is not frames
    assert len(frames) == 101 and isinstance(frames, tuple)
