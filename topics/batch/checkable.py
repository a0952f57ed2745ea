"""What an exercise on the batch page can check (topics.shared.exercises), computed through core for the
control values: the reduced loss (the sum of the rows for reduction='none') and whether it is NaN, how many
rows count, how far
apart the three routes (formula, log_softmax + nll_loss, cross_entropy) are, the accuracy of the counted
rows; and the label of each control, for the exercise maker."""

import numpy as np

from topics.batch.numbers import evaluate
from topics.batch.state import state_from_values
from topics.shared.exercises import labelled_control
from topics.shared.inputs import InputError

QUANTITY_NAMES = ("loss", "loss_is_nan", "counted_rows", "route_spread", "accuracy", "classes")


def quantities(values):
    """{name: value} for the control values (keys as in topics.batch.state.url_specs); {} when the
    labels do not fit the batch (the page then shows the last good batch and says why)."""
    state = state_from_values(values)
    try:
        readout = evaluate(state)
    except InputError:
        return {}
    routes = [np.sum(route.value) for route in readout.routes]
    with np.errstate(invalid="ignore"):
        spread = float(np.max(routes) - np.min(routes)) if np.all(np.isfinite(routes)) else float("nan")
    predicted = np.argmax(readout.logits, axis=1)
    labels = np.asarray(state.labels)
    counted = readout.counted & (labels >= 0) & (labels < state.num_classes)
    accuracy = float(np.mean(predicted[counted] == labels[counted])) if counted.any() else float("nan")
    return {
        "loss": float(np.sum(readout.loss)),
        "loss_is_nan": float(np.isnan(np.sum(readout.loss))),  # 1 or 0: a check can ask for a NaN loss
        "counted_rows": float(readout.num_counted),
        "route_spread": spread,
        "accuracy": accuracy,
        "classes": float(state.num_classes),
    }


def control_label(key):
    return labelled_control(CONTROL_LABELS, key)


CONTROL_LABELS = {
    "bt_logits": ("ex.control.logits", {}),
    "bt_labels": ("ex.control.labels", {}),
    "bt_reduction": ("bt.reduction", {}),
    "bt_weight": ("bt.weight", {}),
    "bt_ignore": ("bt.ignore", {}),
    "bt_ls": ("bt.smoothing", {}),
    "bt_target": ("bt.target_form", {}),
    "bt_probs": ("ex.control.probs", {}),
}
