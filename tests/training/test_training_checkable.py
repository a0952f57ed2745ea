"""What an exercise on the training page can check: the quantities come from core's runs (the same numbers
the page shows), and checks a teacher would write pass on states that meet them and fail on states that
do not."""

from dataclasses import replace

import numpy as np
import pytest

from topics.registry import BY_NAME
from topics.shared.exercises import Exercise, judge, parse_check
from topics.training import checkable, numbers
from topics.training.state import (
    FIELD_OF_KEY,
    TrainingState,
    state_from_values,
    url_specs,
    values_from_state,
)

DEFAULT = TrainingState()
BLOBS = replace(DEFAULT, dataset="blobs", num_classes=3, hidden=False, lr=0.1, batch_size=10, epochs=8)


def checks_pass(texts, training_state):
    exercise = Exercise(checks=tuple(parse_check(text, checkable.QUANTITY_NAMES) for text in texts))
    values = values_from_state(training_state)
    return judge(exercise, checkable.quantities(values), values).done


def test_the_page_knows_its_checkable_quantities():
    assert BY_NAME["training"].checkable is checkable


def test_quantities_are_the_runs_numbers():
    found = checkable.quantities(values_from_state(DEFAULT))
    assert set(found) == set(checkable.QUANTITY_NAMES)
    result = numbers.experiment(DEFAULT)
    curves = result.main.curves
    assert found["final_loss"] == pytest.approx(float(curves.train_loss[-1]), rel=0)
    assert found["final_val_accuracy"] == pytest.approx(float(curves.val_accuracy[-1]), rel=0)
    assert found["steps"] == result.steps == 300
    assert found["classes"] == 3 and found["diverged"] == 0
    assert found["gap_to_cross_entropy"] == 0 and found["accuracy_gap"] == 0  # the run is CrossEntropyLoss
    assert found["nll_ce_difference"] == pytest.approx(result.correct_difference(), rel=0)
    below = np.flatnonzero(curves.train_loss < 0.5)[0]
    assert found["step_below_0_5_nat"] == curves.steps[below]
    assert curves.train_loss[below] < 0.5 <= curves.train_loss[below - 1]  # the first frame below
    assert found["step_below_half"] <= found["step_below_0_5_nat"]  # it starts near log 3 = 1.1


def test_learning_well_passes_and_a_mistake_fails_the_same_checks():
    task = ["below:final_loss:0.3", "above:final_val_accuracy:0.9"]
    assert checks_pass(task, DEFAULT)
    assert not checks_pass(task, replace(DEFAULT, loss="softmax_ce"))  # the same run, crawling
    assert not checks_pass(task, replace(DEFAULT, epochs=2))  # too short to learn the spiral


def test_a_mistake_leaves_a_gap_to_cross_entropy_that_a_check_can_demand():
    task = ["above:gap_to_cross_entropy:0.3"]
    assert checks_pass(task, replace(DEFAULT, loss="mse_softmax"))
    assert not checks_pass(task, replace(DEFAULT, loss="nll_log_softmax"))  # the same function: no gap
    same = values_from_state(replace(DEFAULT, loss="nll_log_softmax"))
    gap = checkable.quantities(same)["gap_to_cross_entropy"]
    assert abs(gap) < 1e-6


def test_the_step_a_loss_falls_below_a_level_moves_with_the_learning_rate():
    slow, fast = (checkable.quantities(values_from_state(replace(BLOBS, lr=lr))) for lr in (0.02, 0.5))
    assert fast["step_below_0_5_nat"] < slow["step_below_0_5_nat"]
    task = ["below:step_below_0_5_nat:40"]
    assert checks_pass(task, replace(BLOBS, lr=0.5))
    assert not checks_pass(task, replace(BLOBS, lr=0.02))


def test_a_level_never_reached_or_a_diverged_run_fails_every_check_on_it():
    stuck = values_from_state(replace(DEFAULT, loss="keras_probs"))  # never below 0.1
    found = checkable.quantities(stuck)
    assert np.isnan(found["step_below_0_1_nat"])
    assert not checks_pass(["below:step_below_0_1_nat:1000"], replace(DEFAULT, loss="keras_probs"))
    diverging = replace(BLOBS, hidden=True, lr=100.0, epochs=10, seed=7)
    found = checkable.quantities(values_from_state(diverging))
    assert found["diverged"] == 1
    assert checks_pass(["near:diverged:1:0"], diverging)
    assert not checks_pass(["near:diverged:1:0"], BLOBS)


def test_every_control_maps_to_one_field_and_back():
    assert set(FIELD_OF_KEY) == {spec.key for spec in url_specs()}
    state = replace(DEFAULT, dataset="moons", lr=0.05, sample=3)
    assert state_from_values(values_from_state(state)) == state
