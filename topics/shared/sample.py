"""One sample: a vector of K logits, its target and a temperature, and all that follows. The playground
shows it for any K; the gradient page takes three logits (0, z1, z2) and a true class.

Every value comes from core.losses and core.gradients, called as torch would be called on the same
tensors: the logits are divided by the temperature T, then
    true class c          -> cross_entropy(z / T, c)
    label smoothing eps   -> cross_entropy(z / T, c, label_smoothing=eps)
    soft labels y         -> cross_entropy(z / T, y)
and the gradient with respect to z is the gradient with respect to z / T, divided by T: (p - y) / T.
"""

from dataclasses import dataclass

import numpy as np

from core import gradients, losses
from topics.shared.seeds import SEED_000_LOGITS


@dataclass(frozen=True)
class SampleState:
    """What a person sets: the logits, the target (a true class, smoothed, or soft labels) and T."""

    logits: tuple = SEED_000_LOGITS[0]  # seed 000's first sample
    true_class: int = 0
    target_kind: str = "class"
    soft_weights: tuple = ()  # raw weights of the soft labels, normalised by target_distribution
    smoothing: float = 0.1
    temperature: float = 1.0

    @property
    def num_classes(self):
        return len(self.logits)


@dataclass(frozen=True)
class Readout:
    """Everything a page shows for one sample."""

    logits: np.ndarray
    scaled_logits: np.ndarray  # z / T
    target: np.ndarray  # y, a distribution over the K classes
    probs: np.ndarray  # p = softmax(z / T)
    loss: float
    logsumexp: float  # logsumexp(z / T)
    target_logit: float  # sum_k y_k z_k / T  (z_c / T for a true class)
    entropy: float  # H(p)
    target_entropy: float  # H(y): the lowest loss this target allows
    uniform_loss: float  # log K: the loss of a uniform guess
    gradient: np.ndarray  # dL/dz = (p - y) / T


def target_distribution(state):
    """y: one-hot at the true class, smoothed to (1 - eps) onehot + eps / K, or the normalised soft
    weights (uniform if they are all zero)."""
    num_classes = state.num_classes
    if state.target_kind == "soft":
        weights = np.clip(np.asarray(state.soft_weights, dtype=float)[:num_classes], 0, None)
        if weights.size < num_classes:
            weights = np.concatenate([weights, np.zeros(num_classes - weights.size)])
        total = weights.sum()
        return weights / total if total > 0 else np.full(num_classes, 1 / num_classes)
    one_hot = np.eye(num_classes)[state.true_class]
    if state.target_kind == "smoothed":
        return losses.probability_target(one_hot, np.float64, -100, state.smoothing, num_classes)
    return one_hot


def loss_arguments(state):
    """(target, label_smoothing): the arguments torch's cross_entropy gets for this state."""
    if state.target_kind == "soft":
        return target_distribution(state), 0.0
    smoothing = state.smoothing if state.target_kind == "smoothed" else 0.0
    return np.array(state.true_class), smoothing


def evaluate(state):
    """The Readout of a state."""
    logits = np.asarray(state.logits, dtype=float)
    scaled = logits / state.temperature
    target, smoothing = loss_arguments(state)
    distribution = target_distribution(state)
    probs = losses.softmax(scaled)
    return Readout(
        logits=logits,
        scaled_logits=scaled,
        target=distribution,
        probs=probs,
        loss=float(losses.cross_entropy(scaled, target, label_smoothing=smoothing)),
        logsumexp=float(losses.logsumexp(scaled)),
        target_logit=float(distribution @ scaled),
        entropy=float(losses.entropy(probs)),
        target_entropy=float(losses.entropy(distribution)),
        uniform_loss=float(np.log(state.num_classes)),
        gradient=gradients.cross_entropy(scaled, target, label_smoothing=smoothing) / state.temperature,
    )
