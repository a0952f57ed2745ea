"""The frameworks page's state: one small batch (logits z, labels y, class weights w) that every API call,
every simulated mistake and every PyTorch-against-Keras row is computed on, and its URL parameters.

Defaults are seed 000's batch, z = [[2, 1, 0.1], [0.5, 2, 0.3]], y = [0, 2], with class weights
w = [1, 1, 2] for the weighted cards.
"""

from dataclasses import dataclass

import numpy as np

from topics.frameworks.mistakes import BIG_LOGIT_RANGE
from topics.shared.changes import Change
from topics.shared.inputs import CLASS_RANGE, LOGIT_LIMIT, MAX_CLASSES, WEIGHT_LIMIT
from topics.shared.seeds import SEED_000_LABELS, SEED_000_LOGITS
from topics.shared.url_params import ChoiceParam, FloatParam, MatrixParam, VectorParam

SEED_LOGITS = SEED_000_LOGITS
SEED_LABELS = SEED_000_LABELS
SEED_WEIGHT = (1.0, 1.0, 2.0)
DEFAULT_BIG_LOGIT = 20.0
SYMPTOMS = ("all", "floor", "negative", "tiny_grad", "spikes", "scale", "framework", "wrong_answer")
MAX_ROWS, MAX_CLASSES = 8, MAX_CLASSES


@dataclass(frozen=True)
class FrameworkState:
    """The batch every number on the page is computed on."""

    logits: tuple = SEED_LOGITS
    labels: tuple = SEED_LABELS
    weight: tuple = SEED_WEIGHT
    big_logit: float = DEFAULT_BIG_LOGIT

    @property
    def z(self):
        return np.array(self.logits, dtype=np.float64)

    @property
    def y(self):
        return np.array(self.labels, dtype=np.int64)

    @property
    def w(self):
        return np.array(self.weight, dtype=np.float64)

    @property
    def num_rows(self):
        return len(self.logits)

    @property
    def num_classes(self):
        return len(self.logits[0])

    @property
    def onehot(self):
        """The labels as one-hot rows (what F.one_hot(labels).float() gives)."""
        return np.eye(self.num_classes)[self.y]


def url_specs():
    """The page's controls as URL parameters (all prefixed fw_)."""
    return [
        MatrixParam(
            "fw_logits",
            SEED_LOGITS,
            max_rows=MAX_ROWS,
            max_cols=MAX_CLASSES,
            min_cols=CLASS_RANGE[0],
            max_abs=LOGIT_LIMIT,
        ),
        VectorParam("fw_labels", SEED_LABELS, max_length=MAX_ROWS, integer=True, low=0, max_abs=MAX_CLASSES),
        VectorParam("fw_weight", SEED_WEIGHT, max_length=MAX_CLASSES, low=0, max_abs=WEIGHT_LIMIT),
        FloatParam("fw_big", *BIG_LOGIT_RANGE, default=DEFAULT_BIG_LOGIT, step=0.5),
        ChoiceParam("fw_symptom", SYMPTOMS, default="all"),
    ]


def state_from_values(values):
    return FrameworkState(
        logits=tuple(tuple(row) for row in values["fw_logits"]),
        labels=tuple(values["fw_labels"]),
        weight=tuple(values["fw_weight"]),
        big_logit=values["fw_big"],
    )


def inconsistent_values(values):
    """Keys whose values do not fit together: one label per row, each a class 0..C-1, and one class
    weight per class. The whole batch is reset, since the defaults fit only each other."""
    logits, labels, weight = values["fw_logits"], values["fw_labels"], values["fw_weight"]
    num_classes = len(logits[0])
    fits = (
        len(labels) == len(logits)
        and all(0 <= y < num_classes for y in labels)
        and len(weight) == num_classes
        and sum(weight) > 0
    )
    return [] if fits else ["fw_logits", "fw_labels", "fw_weight"]


def default_weight(num_classes):
    """Class weights for a new batch: 1 for every class and 2 for the last, so weighting shows."""
    return tuple([1.0] * (num_classes - 1) + [2.0])


def reset_batch():
    """The Change back to seed 000's batch and the default big logit (the symptom stays as it is)."""
    return Change({spec.key: spec.default for spec in url_specs() if spec.key != "fw_symptom"})
