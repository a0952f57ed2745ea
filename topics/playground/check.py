"""Run the real frameworks on a playground state and put each beside core's numbers (CheckRow).

torch and keras are imported inside the functions, only when a person opens the check panel: importing
torch costs seconds and hundreds of MB, and the app must work without either installed.
"""

import os

import numpy as np

from topics.playground.snippets import criterion_call
from topics.shared.checks import CheckRow
from topics.shared.sample import evaluate, loss_arguments, target_distribution


def torch_rows(state):
    """nn.CrossEntropyLoss on the same tensors (float64), and autograd's gradient w.r.t. the logits."""
    import torch

    target, smoothing = loss_arguments(state)
    logits = torch.tensor(state.logits, dtype=torch.float64, requires_grad=True)
    target_tensor = torch.tensor(target, dtype=torch.float64 if target.ndim else torch.long)
    loss = torch.nn.CrossEntropyLoss(label_smoothing=smoothing)(logits / state.temperature, target_tensor)
    loss.backward()
    return [_row("PyTorch", criterion_call(state, smoothing), loss.item(), logits.grad.numpy().copy(), state)]


def keras_rows(state):
    """keras.losses.CategoricalCrossentropy(from_logits=True) on the target distribution (Keras
    computes in float32), and the gradient through the torch backend's autograd."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    import torch

    smoothing = state.smoothing if state.target_kind == "smoothed" else 0.0
    y_true = (
        target_distribution(state)
        if state.target_kind == "soft"
        else np.eye(state.num_classes)[state.true_class]
    )
    logits = torch.tensor([state.logits], dtype=torch.float32, requires_grad=True)
    loss_fn = keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=smoothing)
    loss = loss_fn(torch.tensor(y_true[None], dtype=torch.float32), logits / state.temperature)
    loss.backward()
    call = f"CategoricalCrossentropy(from_logits=True, label_smoothing={smoothing:g})"
    gradient = logits.grad.numpy()[0].astype(float)
    return [_row("Keras 3", call, float(loss.item()), gradient, state, dtype="float32")]


def _row(framework, call, loss, gradient, state, dtype="float64"):
    """The framework's loss and gradient beside core's for the same state."""
    readout = evaluate(state)
    return CheckRow(framework, call, loss, readout.loss, gradient, readout.gradient, dtype)
