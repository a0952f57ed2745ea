"""Run the real PyTorch and Keras on a binary-page state, compare with core, and write code that does it.

torch and keras are imported inside the functions, only when a person opens the check panel. Everything
runs in float32, the dtype a training script uses, so the page's float32 numbers are what is checked.
The snippets are plain text: the tests execute them and compare what they print with the page.
"""

import os

import numpy as np

from core import binary, gradients
from core.batch_check import CheckRow


def torch_results(state, readout):
    """nn.BCEWithLogitsLoss(pos_weight) on z and nn.BCELoss on p, with autograd's gradients."""
    import torch

    z, p = binary.prediction(state)
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
        ),
        CheckRow(
            "PyTorch",
            "nn.BCELoss()(p, y)",
            on_probs.item(),
            readout.bce_probs,
            probs.grad.numpy().copy(),
            np.array([readout.grad_p], np.float32),
        ),
    ]


def keras_results(state, readout):
    """keras.losses.BinaryCrossentropy(from_logits=True/False, label_smoothing) on z and on p, with the
    gradient through the torch backend's autograd."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    import torch

    z, p = binary.prediction(state)
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
            CheckRow("Keras 3", call, float(loss.item()), core_loss, y_pred.grad.numpy()[0], core_grad[0])
        )
    return rows


def torch_snippet(state):
    """PyTorch code that prints the page's two losses and two gradients for the state."""
    if state.form == "logit":
        leaves = [
            f"z = torch.tensor([{state.z!r}], requires_grad=True)  # the logit",
            "p = torch.sigmoid(z).detach().requires_grad_()  # p = sigmoid(z), its own leaf for dL/dp",
        ]
    else:
        leaves = [
            f"p = torch.tensor([{state.p!r}], requires_grad=True)  # the probability",
            "z = torch.logit(p).detach().requires_grad_()  # z = log(p / (1 - p)), its own leaf for dL/dz",
        ]
    return "\n".join(
        [
            "import torch",
            "import torch.nn as nn",
            "",
            *leaves,
            f"y = torch.tensor([{state.y!r}])  # the target (soft when between 0 and 1)",
            f"pos_weight = torch.tensor([{state.pos_weight!r}])",
            "",
            "with_logits = nn.BCEWithLogitsLoss(pos_weight=pos_weight)(z, y)",
            "on_probs = nn.BCELoss()(p, y)",
            "with_logits.backward()",
            "on_probs.backward()",
            'print(f"BCEWithLogitsLoss = {with_logits.item():.4f}")',
            'print(f"BCELoss = {on_probs.item():.4f}")',
            'print(f"dL/dz = {z.grad.item():.4f}")',
            'print(f"dL/dp = {p.grad.item():.4f}")',
        ]
    )


def keras_snippet(state):
    """Keras 3 code (torch backend) that prints the page's two Keras losses for the state."""
    z, p = binary.prediction(state)
    return "\n".join(
        [
            "import os",
            'os.environ.setdefault("KERAS_BACKEND", "torch")',
            "import keras",
            "import numpy as np",
            "",
            f"y_true = np.array([[{state.y!r}]], dtype=np.float32)",
            f"z = np.array([[{float(z[0])!r}]], dtype=np.float32)  # the logit",
            f"p = np.array([[{float(p[0])!r}]], dtype=np.float32)  # sigmoid(z)",
            f"eps = {state.smoothing!r}  # label_smoothing",
            "",
            "on_logits = keras.losses.BinaryCrossentropy(from_logits=True, label_smoothing=eps)(y_true, z)",
            "on_probs = keras.losses.BinaryCrossentropy(from_logits=False, label_smoothing=eps)(y_true, p)",
            'print(f"from_logits=True: {float(on_logits):.4f}")',
            'print(f"from_logits=False: {float(on_probs):.4f}")',
        ]
    )
