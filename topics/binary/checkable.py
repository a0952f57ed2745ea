"""What an exercise on the binary page can check (topics.shared.exercises), computed through core for the
control values: the losses of the prediction and label, their floor H(y) and the gap above it, the
gradients, how far the BCE is above the lowest BCE any label gives at this p, and the loss seed 001's
snippet prints; and the label of each control, for the exercise maker."""

import numpy as np

from topics.binary.numbers import bce_curves, evaluate, label_grid, mistake
from topics.binary.state import state_from_values
from topics.shared.exercises import labelled_control

QUANTITY_NAMES = (
    "bce", "bce_probs", "keras", "p", "z", "y", "floor", "kl", "grad_z", "grad_p",
    "bce_above_lowest", "mistake_loss", "mistake_error",
)  # fmt: skip


def quantities(values):
    """{name: value} for the control values (keys as in topics.binary.state.url_specs)."""
    readout = evaluate(state_from_values(values))
    written = mistake()
    shown = written.wrong_mean if values["bin_mistake"] else written.right_mean
    return {
        "bce": readout.bce_logits,
        "bce_probs": readout.bce_probs,
        "keras": readout.keras_logits,
        "p": readout.p,
        "z": readout.z,
        "y": readout.y,
        "floor": readout.floor,
        "kl": readout.kl,
        "grad_z": readout.grad_z,
        "grad_p": readout.grad_p,
        "bce_above_lowest": bce_above_lowest(readout.p, readout.y),
        "mistake_loss": shown,
        "mistake_error": abs(shown - written.right_mean),
    }


def bce_above_lowest(p, y):
    """BCE(p; y) minus the lowest BCE(p; y') over the labels y' = 0, 0.01, ..., 1 (float64). BCE is
    linear in y, so the lowest is at y' = 1 (p > 1/2) or y' = 0 (p < 1/2), not at y' = p."""
    with np.errstate(divide="ignore", invalid="ignore"):
        now = bce_curves([p], [y])[0, 0]
        lowest = np.min(bce_curves([p], label_grid()))
    return float(now - lowest)


def control_label(key):
    return labelled_control(CONTROL_LABELS, key)


CONTROL_LABELS = {
    "bin_form": ("bin.form", {}),
    "bin_z": ("bin.z", {}),
    "bin_p": ("bin.p", {}),
    "bin_y": ("bin.y", {}),
    "bin_pw": ("bin.pw", {}),
    "bin_ls": ("bin.ls", {}),
    "bin_far": ("bin.ends.far", {}),
    "bin_mistake": ("bin.mistake.toggle", {}),
    "bin_ml_z": ("bin.ml.title", {}),
    "bin_ml_y": ("bin.ml.title", {}),
}
