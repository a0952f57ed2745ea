"""The training page's settings and their URL parameters: the data set, the model, SGD, the loss (or a
mistake), the run's length, the sample followed and the playback speed.

A run is bounded (MAX_STEPS steps of every objective side by side) so a settings change recomputes in
well under a second; longer settings are shortened to whole epochs and the page says so.
"""

from dataclasses import dataclass

from topics.shared.url_params import BoolParam, ChoiceParam, FloatParam, IntParam
from topics.training.data import DATASETS, validation_count

# The right losses first, then the classic mistakes (core.training.OBJECTIVES' keys).
CORRECT_LOSSES = ("cross_entropy", "nll_log_softmax")
MISTAKES = ("softmax_ce", "mse_softmax", "nll_probs", "keras_probs", "sigmoid_bce")
LOSSES = CORRECT_LOSSES + MISTAKES
CLASS_RANGE = (2, 5)
SIZE_RANGE = (20, 500)
LR_RANGE = (0.001, 100.0)
BATCH_RANGE = (1, 128)
EPOCH_RANGE = (1, 200)
HIDDEN_UNITS = 16
MAX_STEPS = 450  # per objective; seven objectives run on every change (bench/bench_training.py)
SPEEDS = ("0.5", "1", "2", "4")  # playback speed, times FRAMES_PER_SECOND
FRAMES_PER_SECOND = 30


def url_specs():
    """The training page's controls as URL parameters: key, allowed values, default."""
    return [
        ChoiceParam("trn_data", DATASETS, default="spiral"),
        IntParam("trn_classes", *CLASS_RANGE, default=3),
        FloatParam("trn_noise", 0.0, 1.0, default=0.3, step=0.05),
        IntParam("trn_size", *SIZE_RANGE, default=200),
        IntParam("trn_seed", 0, 9999, default=4),
        BoolParam("trn_hidden", default=True),
        FloatParam("trn_lr", *LR_RANGE, default=0.5, step=0.001),
        FloatParam("trn_momentum", 0.0, 0.99, default=0.0, step=0.01),
        FloatParam("trn_wd", 0.0, 0.1, default=0.0, step=0.001),
        IntParam("trn_batch", *BATCH_RANGE, default=16),
        IntParam("trn_epochs", *EPOCH_RANGE, default=30),
        ChoiceParam("trn_loss", LOSSES, default="cross_entropy"),
        FloatParam("trn_ls", 0.0, 0.5, default=0.0, step=0.05),
        IntParam("trn_sample", 0, SIZE_RANGE[1] - 1, default=0),
        ChoiceParam("trn_speed", SPEEDS, default="1"),
    ]


def inconsistent_values(values):
    """Keys whose values do not fit together: a followed sample past the training set."""
    return ["trn_sample"] if values["trn_sample"] >= training_size(values["trn_size"]) else []


def training_size(size):
    """How many of `size` samples train (the rest validate): topics.training.data's split."""
    return size - validation_count(size)


@dataclass(frozen=True)
class TrainingState:
    """What a person sets on the training page (hashable: runs are cached by it)."""

    dataset: str = "spiral"
    num_classes: int = 3
    noise: float = 0.3
    size: int = 200
    seed: int = 4
    hidden: bool = True
    lr: float = 0.5
    momentum: float = 0.0
    weight_decay: float = 0.0
    batch_size: int = 16
    epochs: int = 30
    loss: str = "cross_entropy"
    label_smoothing: float = 0.0
    sample: int = 0
    speed: str = "1"


# Each control's URL key and the TrainingState field it sets.
FIELD_OF_KEY = {
    "trn_data": "dataset", "trn_classes": "num_classes", "trn_noise": "noise", "trn_size": "size",
    "trn_seed": "seed", "trn_hidden": "hidden", "trn_lr": "lr", "trn_momentum": "momentum",
    "trn_wd": "weight_decay", "trn_batch": "batch_size", "trn_epochs": "epochs", "trn_loss": "loss",
    "trn_ls": "label_smoothing", "trn_sample": "sample", "trn_speed": "speed",
}  # fmt: skip


def state_from_values(values):
    """The TrainingState of the control values (the followed sample kept inside the training set)."""
    fields = {field: values[key] for key, field in FIELD_OF_KEY.items()}
    fields["sample"] = min(fields["sample"], training_size(fields["size"]) - 1)
    return TrainingState(**fields)


def values_from_state(training_state):
    """The control values that give `training_state` (the inverse of state_from_values)."""
    return {key: getattr(training_state, field) for key, field in FIELD_OF_KEY.items()}
