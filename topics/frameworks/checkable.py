"""What an exercise on the frameworks page can check (topics.shared.exercises), computed through core for
the control values: the batch's CrossEntropyLoss (the first API row, the page's reference), the largest
difference between the API rows, the accuracy; and the label of each control, for the exercise maker."""

import numpy as np

from topics.frameworks.apis import api_rows, reference_value
from topics.frameworks.state import state_from_values
from topics.shared.exercises import labelled_control

QUANTITY_NAMES = ("loss", "api_spread", "accuracy", "classes")


def quantities(values):
    """{name: value} for the control values (keys as in topics.frameworks.state.url_specs)."""
    state = state_from_values(values)
    rows = api_rows(state)
    found = np.array([float(row.value) for row in rows])
    return {
        "loss": float(reference_value(rows)),
        "api_spread": float(np.max(found) - np.min(found)),
        "accuracy": float(np.mean(np.argmax(state.z, axis=1) == state.y)),
        "classes": float(state.num_classes),
    }


def control_label(key):
    return labelled_control(CONTROL_LABELS, key)


CONTROL_LABELS = {
    "fw_logits": ("ex.control.logits", {}),
    "fw_labels": ("ex.control.labels", {}),
    "fw_weight": ("ex.control.weights", {}),
    "fw_big": ("fw.big_logit", {}),
    "fw_symptom": ("fw.symptom", {}),
}
