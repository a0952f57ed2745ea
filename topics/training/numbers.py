"""The training page's numbers: one experiment per setting, every objective (the right losses and the
classic mistakes) trained side by side by core.training from the same initial weights over the same
batches, evaluated with the true cross-entropy at up to MAX_FRAMES steps, and the playback frames of the
chosen objective (decision regions, each training point's own cross-entropy, one sample's logits).

float32 throughout, as torch's default dtype trains. Each objective's run is trained only when asked for
(the page trains the chosen one; the side-by-side view, when opened, the others) and kept in a bounded
cache shared by every session (topics.shared.cache), keyed by the settings that change it.
"""

import math
from dataclasses import dataclass, replace

import numpy as np

from core import agreement, losses, training
from topics.shared.cache import cached_by
from topics.training.data import make_dataset
from topics.training.state import CORRECT_LOSSES, HIDDEN_UNITS, LOSSES, MAX_STEPS

MAX_FRAMES = 100  # snapshots sent to the browser for playback
GRID_POINTS = 48  # the decision regions' grid, per side
GRID_MARGIN = 0.4
DTYPE = np.float32


@dataclass(frozen=True)
class Curves:
    """At each frame step: the true cross-entropy and accuracy on the training and validation sets."""

    steps: np.ndarray
    train_loss: np.ndarray
    train_accuracy: np.ndarray
    val_loss: np.ndarray
    val_accuracy: np.ndarray


@dataclass(frozen=True)
class ObjectiveRun:
    objective: str
    run: training.Run  # per-step batch loss (of the objective itself) and gradient norm
    curves: Curves


@dataclass(frozen=True)
class Playback:
    """The chosen objective's frames: the grid's predicted class, each training point's cross-entropy, and
    the followed sample's logits and softmax."""

    grid_x: np.ndarray
    grid_y: np.ndarray
    regions: np.ndarray | None  # (frames, G, G) class indices; None for data that is not 2-D
    point_losses: np.ndarray  # (frames, training samples)
    sample_logits: np.ndarray  # (frames, C)
    sample_probs: np.ndarray


@dataclass(frozen=True)
class Experiment:
    state: object
    data: object  # topics.training.data.Dataset
    steps_per_epoch: int
    epochs: int  # run: the setting, or fewer when MAX_STEPS shortened it
    frame_steps: tuple
    main: ObjectiveRun  # the chosen objective's run
    playback: Playback

    @property
    def steps(self):
        return self.steps_per_epoch * self.epochs

    @property
    def shortened(self):
        return self.epochs < self.state.epochs

    def run_of(self, objective):
        """Another objective's run from the same start over the same batches (trained on first use)."""
        return objective_run(run_settings(self.state), objective)

    @property
    def runs(self):
        """{objective: ObjectiveRun} for every objective, the right losses first: trains what is missing."""
        return {objective: self.run_of(objective) for objective in LOSSES}

    def correct_difference(self):
        """The largest |difference| between the nll_loss(log_softmax) and CrossEntropyLoss batch losses."""
        first, second = (self.run_of(name).run.batch_losses for name in CORRECT_LOSSES)
        return agreement.largest_difference(first, second)

    def sample_label(self):
        return int(self.data.train_labels[self.state.sample])


def run_length(num_train, batch_size, epochs):
    """(steps per epoch, epochs run): epochs cut so that the steps stay within MAX_STEPS (at least one)."""
    per_epoch = math.ceil(num_train / min(batch_size, num_train))
    return per_epoch, max(1, min(epochs, MAX_STEPS // per_epoch))


def frame_steps(steps):
    """Up to MAX_FRAMES step numbers from 0 (the initial weights) to `steps`, evenly spread."""
    return tuple(int(s) for s in np.unique(np.round(np.linspace(0, steps, min(steps + 1, MAX_FRAMES)))))


VIEW_ONLY = {"loss": "cross_entropy", "sample": 0, "speed": "1"}  # settings that do not change the runs


def run_settings(state):
    """The state with the view-only settings at their defaults: what a run depends on (its cache key)."""
    return replace(state, **VIEW_ONLY)


@cached_by(lambda state: state, maxsize=16)
def experiment(state):
    """The chosen objective trained under `state`'s settings (topics.training.state.TrainingState) and its
    playback frames. Choosing another sample or speed reuses the run."""
    data, per_epoch, epochs, frames, _, _ = setup(run_settings(state))
    main = objective_run(run_settings(state), state.loss)
    playback = playback_frames(main.run, data, state.sample)
    return Experiment(state, data, per_epoch, epochs, frames, main, playback)


@cached_by(lambda state: state, maxsize=16)
def setup(state):
    """(data, steps per epoch, epochs, frame steps, initial layers, batches) of a run's settings."""
    data, layers, batches = initial_setup(state)
    per_epoch, epochs = run_length(len(data.train_labels), state.batch_size, state.epochs)
    return data, per_epoch, epochs, frame_steps(len(batches)), layers, batches


@cached_by(lambda state, objective: (state, objective), maxsize=7 * 16)
def objective_run(state, objective):
    """One objective trained from the state's initial layers over its batches, and its curves."""
    data, _, _, frames, layers, batches = setup(state)
    sgd = training.SGD(state.lr, state.momentum, state.weight_decay)
    options = training.LossOptions(label_smoothing=state.label_smoothing)
    inputs, labels = data.train_inputs, data.train_labels
    run = training.train(layers, inputs, labels, batches, objective, sgd, options, frames)
    return ObjectiveRun(objective, run, curves(run, data))


def clear_caches():
    """Forget every experiment, setup and run (benchmarks and tests time or count fresh computations)."""
    for cached in (experiment, setup, objective_run):
        cached.cache_clear()


def initial_setup(state):
    """(data, initial layers, batches) of a state: what the reproducing snippets rebuild."""
    data = make_dataset(state.dataset, state.num_classes, state.size, state.noise, state.seed, DTYPE)
    num_train, features = data.train_inputs.shape
    _, epochs = run_length(num_train, state.batch_size, state.epochs)
    rng = np.random.default_rng(state.seed + 1)
    sizes = (features, HIDDEN_UNITS, state.num_classes) if state.hidden else (features, state.num_classes)
    layers = training.init_layers(sizes, rng, DTYPE)
    return data, layers, training.epoch_batches(num_train, min(state.batch_size, num_train), epochs, rng)


def curves(run, data):
    train = training.evaluate(run.snapshots, data.train_inputs, data.train_labels)
    val = training.evaluate(run.snapshots, data.val_inputs, data.val_labels)
    return Curves(np.array(run.snapshot_steps), train.loss, train.accuracy, val.loss, val.accuracy)


def grid_axes(inputs):
    """The regions' x and y: GRID_POINTS values spanning the data with a margin."""
    low, high = inputs.min(axis=0) - GRID_MARGIN, inputs.max(axis=0) + GRID_MARGIN
    return np.linspace(low[0], high[0], GRID_POINTS), np.linspace(low[1], high[1], GRID_POINTS)


def playback_frames(run, data, sample):
    inputs, labels = data.train_inputs, data.train_labels
    grid_x, grid_y = grid_axes(np.vstack([inputs, data.val_inputs])) if data.is_planar else (None, None)
    regions = None
    if data.is_planar:
        mesh = np.stack(np.meshgrid(grid_x, grid_y), axis=-1).reshape(-1, 2).astype(DTYPE)
        shape = (GRID_POINTS, GRID_POINTS)
        regions = np.array(
            [training.predict(layers, mesh).reshape(shape) for layers in run.snapshots], np.uint8
        )
    evaluation = training.evaluate(run.snapshots, inputs, labels)
    logits = evaluation.logits[:, sample]
    return Playback(grid_x, grid_y, regions, evaluation.sample_losses, logits, losses.softmax(logits, axis=1))


def largest_batch_loss_drop(run):
    """How far an objective's own batch loss fell: first minus the lowest finite one."""
    finite = run.batch_losses[np.isfinite(run.batch_losses)]
    return float(finite[0] - finite.min()) if finite.size else float("nan")
