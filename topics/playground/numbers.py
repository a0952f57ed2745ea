"""The playground's numbers beyond the sample's readout (topics.shared.sample.evaluate): one gradient step,
a gradient-descent path, and the facts behind the sentence about the gradient.
"""

from dataclasses import dataclass, replace

import numpy as np

from core import gradients, losses
from topics.playground.state import LOGIT_RANGE, rounded_logits, values_for_logits
from topics.shared.changes import Change
from topics.shared.formatting import fmt
from topics.shared.sample import evaluate, loss_arguments


def gradient_step(state, learning_rate):
    """The state after one step z <- z - lr * dL/dz, logits kept inside LOGIT_RANGE."""
    new_logits = np.asarray(state.logits) - learning_rate * evaluate(state).gradient
    return replace(state, logits=rounded_logits(new_logits))


@dataclass(frozen=True)
class DescentPath:
    logits: np.ndarray  # (steps + 1, K)
    probs: np.ndarray  # (steps + 1, K)
    losses: np.ndarray  # (steps + 1,)


def descent_path(state, learning_rate, steps):
    """Plain gradient descent from the state for `steps` steps (not rounded, not clipped)."""
    target, smoothing = loss_arguments(state)
    logits = gradients.cross_entropy_descent(
        state.logits, target, learning_rate, steps, state.temperature, smoothing
    )
    scaled = logits / state.temperature
    targets = np.broadcast_to(target, (steps + 1, *np.shape(target)))  # the same target for every row
    path_losses = losses.cross_entropy(scaled, targets, label_smoothing=smoothing, reduction="none")
    return DescentPath(logits=logits, probs=losses.softmax(scaled, axis=1), losses=path_losses)


def values_after_step(state, learning_rate):
    """Control values after one gradient step, and (loss before, loss after, whether a logit was clipped)."""
    raw = np.asarray(state.logits) - learning_rate * evaluate(state).gradient
    stepped = gradient_step(state, learning_rate)
    clipped = bool(np.any(np.abs(raw) > LOGIT_RANGE[1]))
    return values_for_logits(stepped.logits), (evaluate(state).loss, evaluate(stepped).loss, clipped)


def step(state, learning_rate):
    """The Change one gradient step asks for, saying the loss before and after."""
    values, (before, after, clipped) = values_after_step(state, learning_rate)
    fields = {"lr": fmt(learning_rate, 2), "before": fmt(before), "after": fmt(after)}
    return Change(values, "info", "pg.step_result", fields, ("pg.clipped",) if clipped else ())


@dataclass(frozen=True)
class GradientStory:
    """The facts behind the page's one-sentence reading of the gradient."""

    rising_class: int  # the logit a gradient step raises most (most negative gradient)
    falling_class: int  # the logit a gradient step lowers most
    largest_step: float  # max |dL/dz|
    at_minimum: bool  # the gradient is (almost) zero: p already equals y


def gradient_story(readout, tolerance=1e-3):
    grad = readout.gradient
    return GradientStory(
        rising_class=int(np.argmin(grad)),
        falling_class=int(np.argmax(grad)),
        largest_step=float(np.max(np.abs(grad))),
        at_minimum=bool(np.max(np.abs(grad)) < tolerance),
    )
