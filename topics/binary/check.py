"""Run the real PyTorch and Keras on a binary-page state and put each beside core's numbers.

torch and keras are imported inside the functions, only when a person opens the check panel. Everything
runs in float32, the dtype a training script uses, so the page's float32 numbers are what is checked.
"""

import os

import numpy as np

from core import gradients
from topics.binary.numbers import prediction
from topics.shared.checks import CheckRow


def torch_rows(state, readout):
    """nn.BCEWithLogitsLoss(pos_weight) on z and nn.BCELoss on p, with autograd's gradients."""
    import torch

    z, p = prediction(state)
    y = torch.tensor([state.y], dtype=torch.float32)
    logits = torch.tensor(z, requires_grad=True)
    pos_weight = torch.tensor([state.pos_weight], dtype=torch.float32)
    with_logits = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)(logits, y)
    with_logits.backward()
    probs = torch.tensor(p, requires_grad=True)
    on_probs = torch.nn.BCELoss()(probs, y)
    on_probs.backward()
    return [
        CheckRow(
            "PyTorch",
            f"nn.BCEWithLogitsLoss(pos_weight=torch.tensor([{state.pos_weight:g}]))(z, y)",
            with_logits.item(),
            readout.bce_logits,
            logits.grad.numpy().copy(),
            np.array([readout.grad_z], np.float32),
            "float32",
        ),
        CheckRow(
            "PyTorch",
            "nn.BCELoss()(p, y)",
            on_probs.item(),
            readout.bce_probs,
            probs.grad.numpy().copy(),
            np.array([readout.grad_p], np.float32),
            "float32",
        ),
    ]


def keras_rows(state, readout):
    """keras.losses.BinaryCrossentropy(from_logits=True/False, label_smoothing) on z and on p, with the
    gradient through the torch backend's autograd."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    import torch

    z, p = prediction(state)
    y_true = np.array([[state.y]], np.float32)
    rows = []
    for from_logits, pred, core_loss in ((True, z, readout.keras_logits), (False, p, readout.keras_probs)):
        y_pred = torch.tensor(pred.reshape(1, 1), requires_grad=True)
        loss_fn = keras.losses.BinaryCrossentropy(from_logits=from_logits, label_smoothing=state.smoothing)
        loss = loss_fn(torch.tensor(y_true), y_pred)
        loss.backward()
        core_grad = gradients.binary_crossentropy(y_true, pred.reshape(1, 1), from_logits, state.smoothing)
        call = f"BinaryCrossentropy(from_logits={from_logits}, label_smoothing={state.smoothing:g})"
        rows.append(
            CheckRow(
                "Keras 3",
                call,
                float(loss.item()),
                core_loss,
                y_pred.grad.numpy()[0],
                core_grad[0],
                "float32",
            )
        )
    return rows
