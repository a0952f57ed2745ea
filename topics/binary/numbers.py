"""The binary page's numbers: the losses, their floor and gradients for one prediction and label, the
curves, the float32 ends, seed 002's puzzle and multi-label table, seed 001's mistake and the bridge to
softmax cross-entropy.

Every loss comes from core.losses / core.keras_losses and every gradient from core.gradients, called as
torch and Keras are called on the same tensors. The page's own numbers are float32, torch's and Keras's
default dtype, so the float32 effects (sigmoid(17) == 1.0, Keras's clip at 1 - 1e-7 = 0.99999988) show
here exactly as they do in a training script. The curves are float64: they are pictures, not readouts.
"""

from dataclasses import dataclass

import numpy as np

from core import gradients, keras_losses, losses
from core.losses import logit
from topics.binary.state import LABEL_STEP

FAMILY_LABELS = (0.0, 0.25, 0.5, 0.75, 1.0)
FLOAT32 = np.float32


# Seed 002: the puzzle, the softmax-then-BCE example and the 3x3 multi-label example.
PUZZLE_PRED = 0.91276
PUZZLE_LABELS = (1.0, 0.92)
SEED_PAIR_LOGITS = (0.2939, 0.939)
SEED_PAIR_TARGET = (0.0, 1.0)


# Seed 001: probabilities handed to BCEWithLogitsLoss as if they were logits.
MISTAKE_PROBS = (0.9, 0.2, 0.8)
MISTAKE_TARGET = (1.0, 0.0, 1.0)


def binary_entropy(y):
    """H(y) = -(y log y + (1 - y) log(1 - y)), 0 at y = 0 and 1: the lowest BCE the label y allows."""
    y = losses.as_float_array(y)
    return losses.entropy(np.stack([y, 1 - y], axis=-1))


def prediction(state):
    """(z, p) as float32 arrays of shape (1,): the control's value and the other through the sigmoid."""
    if state.form == "logit":
        z = np.array([state.z], FLOAT32)
        return z, losses.sigmoid(z)
    p = np.array([state.p], FLOAT32)
    return logit(p), p


@dataclass(frozen=True)
class Readout:
    """Everything the page shows for one state (float32 numbers, as torch and Keras compute them)."""

    z: float
    p: float
    y: float
    bce_logits: float  # nn.BCEWithLogitsLoss(pos_weight=w)(z, y)
    bce_probs: float  # nn.BCELoss()(p, y)
    keras_logits: float  # keras BinaryCrossentropy(from_logits=True, label_smoothing=eps)(y, z)
    keras_probs: float  # keras BinaryCrossentropy(label_smoothing=eps)(y, p)
    floor: float  # H(y): the lowest BCE this label allows
    kl: float  # BCE(p; y) - H(y): the part of the loss that measures how far p is from y
    grad_z: float  # dL/dz of BCEWithLogitsLoss: (1 + (w - 1) y) sigmoid(z) - w y
    grad_p: float  # dL/dp of BCELoss: (p - y) / (p (1 - p))


def evaluate(state):
    """The Readout of a state."""
    with np.errstate(invalid="ignore", divide="ignore"):  # z = +-inf at p = 0 or 1 gives NaN, as in torch
        return _evaluate(state)


def _evaluate(state):
    z, p = prediction(state)
    y = np.array([state.y], FLOAT32)
    pos_weight = np.array([state.pos_weight], FLOAT32)
    bce_probs = losses.binary_cross_entropy(p, y)
    floor = binary_entropy(y)[0]
    return Readout(
        z=float(z[0]),
        p=float(p[0]),
        y=float(y[0]),
        bce_logits=float(losses.binary_cross_entropy_with_logits(z, y, pos_weight=pos_weight)),
        bce_probs=float(bce_probs),
        keras_logits=keras_value(y, z, True, state.smoothing),
        keras_probs=keras_value(y, p, False, state.smoothing),
        floor=float(floor),
        kl=float(bce_probs - floor),
        grad_z=float(gradients.binary_cross_entropy_with_logits(z, y, pos_weight=pos_weight)[0]),
        grad_p=float(gradients.binary_cross_entropy(p, y)[0]),
    )


def unweighted_logit_loss(readout):
    """BCEWithLogitsLoss at the readout's z and y without pos_weight (float32): what pos_weight changes."""
    z, y = np.array([readout.z], FLOAT32), np.array([readout.y], FLOAT32)
    with np.errstate(invalid="ignore"):
        return float(losses.binary_cross_entropy_with_logits(z, y))


def keras_value(y, pred, from_logits, smoothing=0.0):
    """keras.losses.BinaryCrossentropy(from_logits, label_smoothing)(y, pred) on one float32 value."""
    y_true, y_pred = np.asarray(y, FLOAT32).reshape(1, 1), np.asarray(pred, FLOAT32).reshape(1, 1)
    return float(keras_losses.binary_crossentropy(y_true, y_pred, from_logits, smoothing)[0])


def probability_grid(points=161, reach=8.0):
    """p = sigmoid(t) for t evenly spaced in [-reach, reach]: dense near 0 and 1, where BCE bends."""
    return losses.sigmoid(np.linspace(-reach, reach, points))


def label_grid():
    """The soft labels the figure's own slider steps through: 0, 0.01, ..., 1."""
    return np.round(np.arange(0, 1 + LABEL_STEP / 2, LABEL_STEP), 2)


def bce_curves(probs, labels):
    """BCE(p; y) = -(y log p + (1 - y) log(1 - p)) for each label (rows) at each p (columns)."""
    p, y = np.broadcast_arrays(np.asarray(probs, float)[None, :], np.asarray(labels, float)[:, None])
    return losses.binary_cross_entropy(p, y, reduction="none")


def kl_curves(probs, labels):
    """KL(y || p) = BCE(p; y) - H(y), zero exactly at p = y: rows per label, columns per p."""
    return bce_curves(probs, labels) - binary_entropy(np.asarray(labels, float))[:, None]


def logit_gradient_curve(probs, y, pos_weight):
    """dL/dz of BCEWithLogitsLoss at z = logit(p) for each p: (1 + (w - 1) y) p - w y (a straight line)."""
    z = logit(np.asarray(probs, float))
    return gradients.binary_cross_entropy_with_logits(
        z, np.full_like(z, y), pos_weight=np.float64(pos_weight), reduction="none"
    )


def probability_gradient_curve(probs, y):
    """dL/dp of BCELoss for each p: (p - y) / (p (1 - p)), unbounded near 0 and 1."""
    probs = np.asarray(probs, float)
    return gradients.binary_cross_entropy(probs, np.full_like(probs, y), reduction="none")


@dataclass(frozen=True)
class EndCase:
    """One extreme input and what each call returns (None where the call does not take this input)."""

    kind: str  # "p0", "p1", "z_pos", "z_neg" ("z_neg_zero" when even float32 sigmoid(z) is 0)
    z: float | None
    p: float  # the float32 probability BCELoss sees (sigmoid(z) for the logit cases)
    y: float
    exact: float  # the loss in exact arithmetic (float64, through log sigmoid)
    torch_logits: float | None  # BCEWithLogitsLoss(z, y)
    torch_probs: float  # BCELoss(p, y)
    keras_logits: float | None  # BinaryCrossentropy(from_logits=True)(y, z)
    keras_probs: float  # BinaryCrossentropy()(y, p)
    grad_logits: float | None  # dL/dz through BCEWithLogitsLoss: sigmoid(z) - y
    grad_probs: float | None  # dL/dz through BCELoss(sigmoid(z)) in float32, as autograd computes it


def ends(far):
    """p = 0 against y = 1, p = 1 against y = 0, z = far against 0 and z = -far against 1 (float32)."""
    return [
        _probability_end("p0", 0.0, 1.0),
        _probability_end("p1", 1.0, 0.0),
        _logit_end("z_pos", float(far), 0.0),
        _logit_end("z_neg", -float(far), 1.0),
    ]


def _probability_end(kind, p, y):
    p32, y32 = np.array([p], FLOAT32), np.array([y], FLOAT32)
    return EndCase(
        kind=kind,
        z=None,
        p=p,
        y=y,
        exact=float("inf"),
        torch_logits=None,
        torch_probs=float(losses.binary_cross_entropy(p32, y32)),
        keras_logits=None,
        keras_probs=keras_value(y32, p32, False),
        grad_logits=None,
        grad_probs=None,
    )


def _logit_end(kind, z, y):
    z32, y32 = np.array([z], FLOAT32), np.array([y], FLOAT32)
    p32 = torch_sigmoid(z32)
    return EndCase(
        kind="z_neg_zero" if kind == "z_neg" and p32[0] == 0 else kind,
        z=z,
        p=float(p32[0]),
        y=y,
        exact=float(losses.binary_cross_entropy_with_logits(np.array([z]), np.array([y]))),
        torch_logits=float(losses.binary_cross_entropy_with_logits(z32, y32)),
        torch_probs=float(losses.binary_cross_entropy(p32, y32)),
        keras_logits=keras_value(y32, z32, True),
        keras_probs=keras_value(y32, p32, False),
        grad_logits=float(gradients.binary_cross_entropy_with_logits(z32, y32)[0]),
        grad_probs=float(sigmoid_chain_gradient(z32, y32)[0]),
    )


def torch_sigmoid(z):
    """sigmoid(z) = 1 / (1 + exp(-z)) as torch.sigmoid evaluates it on the CPU (within an ulp): exp(-z)
    overflows to inf below z = -88.72 in float32, so the result is exactly 0 there, where the stable
    losses.sigmoid gives a tiny subnormal. Only the far ends of float32 tell the two apart."""
    z = losses.as_float_array(z)
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-z))


def sigmoid_chain_gradient(z, y):
    """dL/dz of BCELoss(sigmoid(z), y) by the chain rule, in z's dtype as autograd does it:
    dL/dp * sigmoid'(z) = (p - y) / max(p (1 - p), 1e-12) * (1 - p) p. In float32 a saturated p = 1.0
    makes it 0 whatever y is (and so does p = 0 below z = -88.72)."""
    p = torch_sigmoid(z)
    return gradients.binary_cross_entropy(p, y, reduction="none") * ((1 - p) * p)


@dataclass(frozen=True)
class PuzzleRow:
    label: float
    bce: float  # BCELoss(0.91276, y)
    floor: float  # H(y)
    kl: float  # bce - floor


def puzzle():
    """Seed 002's pred 0.91276 against y = 1.0 and y = 0.92, in float32 as the seed ran it."""
    pred = np.array([PUZZLE_PRED], FLOAT32)
    rows = []
    for label in PUZZLE_LABELS:
        y = np.array([label], FLOAT32)
        bce, floor = float(losses.binary_cross_entropy(pred, y)), float(binary_entropy(y)[0])
        rows.append(PuzzleRow(label=label, bce=bce, floor=floor, kl=bce - floor))
    return rows


@dataclass(frozen=True)
class Mistake:
    """Seed 001: probabilities given to BCEWithLogitsLoss, which applies the sigmoid a second time."""

    probs: np.ndarray  # what the seed meant: p
    used_probs: np.ndarray  # what BCEWithLogitsLoss used: sigmoid(p)
    wrong: np.ndarray  # per element, BCEWithLogitsLoss(p, y)
    right: np.ndarray  # per element, BCELoss(p, y)
    wrong_mean: float
    right_mean: float


def mistake(probs=MISTAKE_PROBS, target=MISTAKE_TARGET):
    p, y = np.array(probs, FLOAT32), np.array(target, FLOAT32)
    wrong = losses.binary_cross_entropy_with_logits(p, y, reduction="none")
    right = losses.binary_cross_entropy(p, y, reduction="none")
    return Mistake(p, losses.sigmoid(p), wrong, right, float(wrong.mean()), float(right.mean()))


@dataclass(frozen=True)
class Bridge:
    """BCEWithLogits(z, y) = softmax cross-entropy over the two logits [0, z] with target [1 - y, y]."""

    z: float
    y: float
    bce: float
    cross_entropy: float

    @property
    def difference(self):
        """|BCE - CE|: float32 rounding only."""
        return abs(self.bce - self.cross_entropy)


def bridge(z, y):
    """Both sides of the bridge at (z, y), float32. Why: softmax([0, z]) = [1 - sigmoid(z), sigmoid(z)]."""
    z32, y32 = np.array([z], FLOAT32), np.array([y], FLOAT32)
    two_logits = np.array([0.0, z], FLOAT32)
    target = np.array([1 - y, y], FLOAT32)
    return Bridge(
        z=float(z32[0]),
        y=float(y32[0]),
        bce=float(losses.binary_cross_entropy_with_logits(z32, y32)),
        cross_entropy=float(losses.cross_entropy(two_logits, target)),
    )


@dataclass(frozen=True)
class SeedPair:
    """Seed 002's first example: BCELoss(softmax([0.2939, 0.939]), [0, 1]), and why it is 0.4217."""

    probs: np.ndarray
    bce: float  # BCELoss(softmax(z), [0, 1])
    cross_entropy: float  # CrossEntropyLoss(z, class 1)
    bce_logits: float  # BCEWithLogitsLoss(z1 - z0, 1)


def seed_pair():
    """With two classes p0 = 1 - p1, so both BCE terms are -log p1: the mean is the cross-entropy."""
    z = np.array(SEED_PAIR_LOGITS, FLOAT32)
    probs = losses.softmax(z)
    return SeedPair(
        probs=probs,
        bce=float(losses.binary_cross_entropy(probs, np.array(SEED_PAIR_TARGET, FLOAT32))),
        cross_entropy=float(losses.cross_entropy(z, np.array(1))),
        bce_logits=float(losses.binary_cross_entropy_with_logits(z[1:] - z[:1], np.ones(1, FLOAT32))),
    )


@dataclass(frozen=True)
class MultiLabel:
    losses: np.ndarray  # (3, 3) per-element BCEWithLogitsLoss(reduction="none")
    mean: float  # what reduction="mean" returns
    probs: np.ndarray  # sigmoid of the logits


def multilabel(logits, labels, pos_weight=1.0):
    """Per-element BCE with logits of a multi-label batch (pos_weight shared by every class), and the mean."""
    z, y = np.array(logits, FLOAT32), np.array(labels, FLOAT32)
    weight = np.array(pos_weight, FLOAT32)
    per_element = losses.binary_cross_entropy_with_logits(z, y, pos_weight=weight, reduction="none")
    return MultiLabel(losses=per_element, mean=float(per_element.mean()), probs=losses.sigmoid(z))
