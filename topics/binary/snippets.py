"""Code that prints the binary page's numbers in PyTorch and in Keras. The snippets are plain text: the
tests execute them and compare what they print with the page.
"""

from topics.binary.numbers import MISTAKE_PROBS, MISTAKE_TARGET, prediction
from topics.shared.formatting import fmt


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
    z, p = prediction(state)
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


def mistake_snippet(written, loss):
    """Seed 001's three samples through nn.BCEWithLogitsLoss (as written) or nn.BCELoss (as meant), with
    the loss it prints."""
    call = "nn.BCEWithLogitsLoss()" if written else "nn.BCELoss()"
    return "\n".join(
        [
            f"y_true = torch.tensor({list(MISTAKE_TARGET)})",
            f"y_pred = torch.tensor({list(MISTAKE_PROBS)})  # probabilities",
            f"loss = {call}(y_pred, y_true)  # {fmt(loss)}",
        ]
    )


def page_snippets(state):
    """{tab: code} for the check panel: the state in PyTorch and in Keras 3."""
    return {"PyTorch": torch_snippet(state), "Keras 3": keras_snippet(state)}
