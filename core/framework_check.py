"""Run the real frameworks on a playground state and compare with core.

torch and keras are imported inside the functions, only when a person opens the check panel: importing
torch costs seconds and hundreds of MB, and the app must work without either installed.
"""

import importlib.util
import os
from dataclasses import dataclass

import numpy as np

from core.formatting import code_list
from core.playground import loss_arguments, target_distribution

TOLERANCE = 1e-6
# What the check panels promise: torch runs in float64, Keras computes in float32.
TOLERANCE_TEXT = "1e-6 (torch, float64) / 1e-5 (Keras, float32)"


@dataclass(frozen=True)
class FrameworkResult:
    framework: str
    call: str
    loss: float
    gradient: np.ndarray


# What a check panel tells someone to run when a framework is missing. The CPU index for torch: a plain
# `pip install torch==2.13.0` fetches the CUDA build (gigabytes) on Linux.
PIP_INSTALL = {
    "torch": "torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu",
    "keras": "keras==3.15.1",
}


def is_installed(module):
    return importlib.util.find_spec(module) is not None


def torch_result(state):
    """nn.CrossEntropyLoss on the same tensors (float64), and autograd's gradient w.r.t. the logits."""
    import torch

    target, smoothing = loss_arguments(state)
    logits = torch.tensor(state.logits, dtype=torch.float64, requires_grad=True)
    target_tensor = torch.tensor(target, dtype=torch.float64 if target.ndim else torch.long)
    loss = torch.nn.CrossEntropyLoss(label_smoothing=smoothing)(logits / state.temperature, target_tensor)
    loss.backward()
    return FrameworkResult("PyTorch", _torch_call(state, smoothing), loss.item(), logits.grad.numpy().copy())


def keras_result(state):
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
    return FrameworkResult("Keras 3", call, float(loss.item()), logits.grad.numpy()[0].astype(float))


def torch_snippet(state):
    """Python code that reproduces the state's loss and gradient in PyTorch and prints them."""
    target, smoothing = loss_arguments(state)
    target_code = (
        f"torch.tensor({int(target)})"
        if target.ndim == 0
        else f"torch.tensor({code_list(target)}, dtype=torch.float64)"
    )
    return "\n".join(
        [
            "import torch",
            "import torch.nn as nn",
            "",
            f"logits = torch.tensor({code_list(state.logits)}, dtype=torch.float64, requires_grad=True)",
            f"target = {target_code}",
            f"T = {state.temperature:g}  # temperature",
            "",
            f"loss = {_torch_call(state, smoothing)}(logits / T, target)",
            "loss.backward()",
            'print(f"loss = {loss.item():.4f}")',
            'print("probabilities =", [round(p, 4) for p in torch.softmax(logits / T, dim=0).tolist()])',
            'print("gradient =", [round(g, 4) for g in logits.grad.tolist()])',
        ]
    )


def _torch_call(state, smoothing):
    return (
        "nn.CrossEntropyLoss()" if smoothing == 0 else f"nn.CrossEntropyLoss(label_smoothing={smoothing:g})"
    )
