"""topics.outputs.checkable: what an exercise on the outputs page checks, each quantity computed again
here with torch (and torchmetrics) on the digits example for the same control values, and exercises
that pass and fail as the controls move."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torchmetrics.functional.classification import multiclass_calibration_error

from topics.outputs import checkable, example, inputs
from topics.outputs.state import DEFAULTS
from topics.registry import BY_NAME
from topics.shared.exercises import parse_check

pytestmark = pytest.mark.usefixtures("torch_cpu")

ARRAYS = example.example_arrays()
LOGITS = torch.from_numpy(ARRAYS["logits"])
LABELS = torch.from_numpy(ARRAYS["labels"].astype(np.int64))


def quantities(**changes):
    return checkable.quantities({**DEFAULTS, **changes})


def torch_ece(logits, num_bins):
    return float(multiclass_calibration_error(torch.softmax(logits, 1), LABELS, 10, num_bins))


def test_the_registry_knows_the_page_s_checkable_module():
    assert BY_NAME["outputs"].checkable is checkable
    assert set(quantities()) == set(checkable.QUANTITY_NAMES)


@pytest.mark.parametrize("num_bins", [5, 15, 30])
def test_loss_accuracy_temperature_and_ece_before_and_after_match_torch(num_bins, oracle):
    found = quantities(mo_bins=num_bins)
    oracle.close(found["loss"], F.cross_entropy(LOGITS, LABELS).double(), "loss", dtype=np.float32)
    oracle.close(found["keras_loss"], F.cross_entropy(LOGITS, LABELS).double(), "Keras", dtype=np.float32)
    accuracy = (LOGITS.argmax(1) == LABELS).double().mean()
    oracle.close(found["accuracy"], accuracy, "accuracy")
    assert found["classes"] == 10.0
    temperature = found["temperature"]
    # T minimises the loss: torch's loss at T is below its loss a little to either side
    scaled = [F.cross_entropy(LOGITS.double() / (temperature * f), LABELS).item() for f in (0.999, 1, 1.001)]
    assert scaled[1] < scaled[0] and scaled[1] < scaled[2]
    oracle.close(found["loss_after"], np.float64(scaled[1]), "loss after", dtype=np.float32)
    oracle.close(found["ece_before"], np.float64(torch_ece(LOGITS, num_bins)), "ECE", dtype=np.float32)
    ece_after = torch_ece(LOGITS.double() / temperature, num_bins)
    oracle.close(found["ece_after"], np.float64(ece_after), "ECE after", dtype=np.float32)


def test_worst_shares_and_class_numbers_match_torch(oracle):
    found = quantities()
    per_sample = F.cross_entropy(LOGITS, LABELS, reduction="none").double()
    for name, fraction in (("share_worst_1pc", 0.01), ("share_worst_5pc", 0.05), ("share_worst_10pc", 0.1)):
        k = int(np.ceil(fraction * per_sample.numel()))
        oracle.close(found[name], per_sample.topk(k).values.sum() / per_sample.sum(), name, dtype=np.float32)
    predicted = LOGITS.argmax(1)
    for k in range(10):
        members = LABELS == k
        oracle.close(found[f"class_loss{k}"], per_sample[members].mean(), f"class {k}", dtype=np.float32)
        oracle.close(found[f"class_accuracy{k}"], (predicted[members] == k).double().mean(), f"acc {k}")


@pytest.mark.parametrize(("smoothing", "rule", "ignored"), [(0.0, "none", -1), (0.2, "inverse", 3),
                                                            (0.05, "sqrt_inverse", -1)])  # fmt: skip
def test_what_if_loss_matches_torch_cross_entropy_options(smoothing, rule, ignored, oracle):
    found = quantities(mo_ls=smoothing, mo_weight=rule, mo_ignore=ignored)
    labels = LABELS.clone()
    if ignored >= 0:
        labels[labels == ignored] = inputs.IGNORE_INDEX
    weight = None
    if rule != "none":  # sklearn's 'balanced' weights (and their square root) from all the labels
        counts = torch.bincount(LABELS, minlength=10).double()
        weight = torch.where(counts > 0, counts.sum() / (10 * counts), torch.zeros(()))
        weight = (weight.sqrt() if rule == "sqrt_inverse" else weight).float()
    expected = F.cross_entropy(LOGITS, labels, weight=weight, label_smoothing=smoothing).double()
    oracle.close(found["whatif_loss"], expected, "what-if", dtype=np.float32, scale=10)


def test_an_exercise_passes_and_fails_as_the_controls_move():
    """'Raise the loss above 0.5 with label smoothing alone': fails at 0, passes at 0.3; 'find the class
    the model finds hardest' (its mean loss above 0.4): class 6 or 8 of the digits, not class 0."""
    check = parse_check("above:whatif_loss:0.5", checkable.QUANTITY_NAMES)
    assert not check.passes(quantities(mo_ls=0.0))
    assert check.passes(quantities(mo_ls=0.3))
    hardest = parse_check("above:class_loss6:0.4", checkable.QUANTITY_NAMES)
    easiest = parse_check("above:class_loss0:0.4", checkable.QUANTITY_NAMES)
    assert hardest.passes(quantities()) and not easiest.passes(quantities())
    calibrated = parse_check("below:ece_after:0.02", checkable.QUANTITY_NAMES)
    uncalibrated = parse_check("below:ece_before:0.02", checkable.QUANTITY_NAMES)
    assert calibrated.passes(quantities()) and not uncalibrated.passes(quantities())


def test_with_the_visitor_s_own_files_no_check_passes():
    """An exercise's numbers were written for the example: on an upload every check waits."""
    assert quantities(mo_source="upload") == {}
    check = parse_check("above:loss:0", checkable.QUANTITY_NAMES)
    assert not check.passes(quantities(mo_source="upload"))


def test_every_control_has_its_own_label():
    for key in DEFAULTS:
        label_key, _ = checkable.control_label(key)
        assert label_key != "ex.control", key
