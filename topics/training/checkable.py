"""What an exercise on the training page can check (topics.shared.exercises), computed through core for the
control values: how the chosen run ended (its true cross-entropy and accuracy, on the training and the
validation set), how fast it learnt (the first step whose training cross-entropy falls below a level),
whether it diverged, and how it compares with CrossEntropyLoss trained from the same start over the same
batches (the gap a mistake leaves, and the largest difference between nll_loss(log_softmax) and
CrossEntropyLoss); and the label of each control, for the exercise maker.

Steps are SGD steps measured at the playback's frames (up to topics.training.numbers.MAX_FRAMES of them):
"the first step below 0.5" is the first frame whose loss is below 0.5. A level never reached, or a run
that diverged, gives NaN, and a check on NaN never passes.
"""

import numpy as np

from topics.shared.exercises import labelled_control
from topics.training.numbers import experiment
from topics.training.state import state_from_values

LEVELS = {"1": 1.0, "0_5": 0.5, "0_2": 0.2, "0_1": 0.1}  # name suffix: the training cross-entropy level

QUANTITY_NAMES = (
    "final_loss", "final_val_loss", "final_accuracy", "final_val_accuracy", "first_loss", "loss_drop",
    "steps", "classes", "diverged", *(f"step_below_{name}_nat" for name in LEVELS), "step_below_half",
    "gap_to_cross_entropy", "accuracy_gap", "nll_ce_difference", "final_grad_norm",
)  # fmt: skip


def quantities(values):
    """{name: value} for the control values (keys as in topics.training.state.url_specs). The comparison
    with CrossEntropyLoss trains that run too when another loss is chosen (cached like the page's)."""
    result = experiment(state_from_values(values))
    curves, run = result.main.curves, result.main.run
    reference = result.run_of("cross_entropy").curves
    finite_norms = run.gradient_norms[np.isfinite(run.gradient_norms)]
    with np.errstate(invalid="ignore"):  # a diverged run's NaN loss: its differences are NaN, not warnings
        found = differences_and_ends(curves, reference, result, run, finite_norms)
    for name, level in LEVELS.items():
        found[f"step_below_{name}_nat"] = first_step_below(curves, level)
    return found


def differences_and_ends(curves, reference, result, run, finite_norms):
    """The quantities read off the end of the chosen run and its difference from CrossEntropyLoss's."""
    return {
        "final_loss": float(curves.train_loss[-1]),
        "final_val_loss": float(curves.val_loss[-1]),
        "final_accuracy": float(curves.train_accuracy[-1]),
        "final_val_accuracy": float(curves.val_accuracy[-1]),
        "first_loss": float(curves.train_loss[0]),
        "loss_drop": float(curves.train_loss[0] - curves.train_loss[-1]),
        "steps": float(result.steps),
        "classes": float(result.data.num_classes),
        "diverged": 0.0 if run.diverged_at is None else 1.0,
        "step_below_half": first_step_below(curves, curves.train_loss[0] / 2),
        "gap_to_cross_entropy": float(curves.train_loss[-1] - reference.train_loss[-1]),
        "accuracy_gap": float(reference.val_accuracy[-1] - curves.val_accuracy[-1]),
        "nll_ce_difference": float(result.correct_difference()),
        "final_grad_norm": float(finite_norms[-1]) if finite_norms.size else float("nan"),
    }


def first_step_below(curves, level):
    """The first frame step whose training cross-entropy is below `level`; NaN if none is."""
    below = np.flatnonzero(curves.train_loss < level)
    return float(curves.steps[below[0]]) if below.size else float("nan")


def control_label(key):
    return labelled_control(CONTROL_LABELS, key)


CONTROL_LABELS = {
    "trn_data": ("trn.dataset", {}),
    "trn_classes": ("trn.classes", {}),
    "trn_noise": ("trn.noise", {}),
    "trn_size": ("trn.size", {}),
    "trn_seed": ("trn.seed", {}),
    "trn_hidden": ("trn.hidden", {}),
    "trn_lr": ("trn.lr", {}),
    "trn_momentum": ("trn.momentum", {}),
    "trn_wd": ("trn.wd", {}),
    "trn_batch": ("trn.batch", {}),
    "trn_epochs": ("trn.epochs", {}),
    "trn_loss": ("trn.loss", {}),
    "trn_ls": ("trn.ls", {}),
    "trn_sample": ("trn.sample", {}),
    "trn_speed": ("trn.speed", {}),
}
