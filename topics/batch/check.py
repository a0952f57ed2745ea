"""Run the real PyTorch and Keras on a batch state and put each beside core's value for the same call.

torch and keras are imported inside the functions, only when a person opens the check panel (importing
torch costs seconds and hundreds of MB).
"""

import os

import numpy as np

from core import gradients
from topics.batch.keras_route import keras_call, keras_routes
from topics.batch.snippets import criterion_arguments
from topics.batch.state import probability_rows
from topics.shared.checks import CheckRow


def torch_rows(state, readout):
    """nn.CrossEntropyLoss and the two-step log_softmax + nll_loss in float64, with autograd's gradient."""
    import torch
    import torch.nn.functional as F

    logits = torch.tensor(state.logits, dtype=torch.float64, requires_grad=True)
    x, target, keep = _torch_inputs(state, logits, torch)
    weight = torch.tensor(state.weight, dtype=torch.float64) if state.weight else None
    options = _torch_options(state)
    criterion = torch.nn.CrossEntropyLoss(weight=weight, **options)
    rows = [
        _torch_row(
            "nn.CrossEntropyLoss(" + criterion_arguments(state) + ")",
            criterion(x, target),
            logits,
            readout.loss,
            readout.gradient,
        )
    ]
    logits.grad = None
    x, target, keep = _torch_inputs(state, logits, torch)
    log_probs = F.log_softmax(x, dim=1)
    eps, num_classes = state.label_smoothing, len(state.logits[0])
    class_weight = weight if weight is not None else torch.ones(num_classes, dtype=torch.float64)
    if state.target_form == "index":
        nll_options = {k: v for k, v in options.items() if k != "label_smoothing"}
        two_step = F.nll_loss(log_probs, target, weight=weight, **nll_options)
        call = "F.nll_loss(F.log_softmax(z, dim=1), y)"
        if eps > 0:
            counted = target != state.ignore_index
            spread = torch.where(counted, -(log_probs * class_weight).sum(dim=1), 0.0)
            safe = torch.where(counted, target, 0)
            smooth = _torch_reduce(spread, state.reduction, class_weight[safe][counted].sum())
            two_step = (1 - eps) * two_step + eps / num_classes * smooth
            call = "(1-ε)·F.nll_loss(F.log_softmax(z), y) + ε/C·Σ w_c(−log p_c)"
    else:
        smoothed = target * (1 - eps) + eps / num_classes
        per_row = -(class_weight * smoothed * log_probs).sum(dim=1)
        two_step = _torch_reduce(per_row, state.reduction, per_row.shape[0])
        call = "−(w · t · F.log_softmax(z, dim=1)).sum(dim=1)"
    nll_route = readout.routes[1].value
    rows.append(_torch_row(call, two_step, logits, nll_route, readout.gradient))
    return rows


def _torch_inputs(state, logits, torch):
    """(input, target, kept rows) as the state's target form hands them to torch."""
    labels = torch.tensor(state.labels)
    num_classes = len(state.logits[0])
    if state.target_form == "index":
        return logits, labels, None
    if state.target_form == "onehot":
        keep = (labels >= 0) & (labels < num_classes)
        target = torch.nn.functional.one_hot(labels[keep], num_classes).to(torch.float64)
        return logits[keep], target, keep
    raw = torch.tensor(probability_rows(state), dtype=torch.float64)
    return logits, raw / raw.sum(dim=1, keepdim=True), None


def _torch_options(state):
    options = {"reduction": state.reduction, "label_smoothing": state.label_smoothing}
    if state.target_form == "index":
        options["ignore_index"] = state.ignore_index
    return options


def _torch_reduce(per_row, reduction, denominator):
    if reduction == "none":
        return per_row
    return per_row.sum() if reduction == "sum" else per_row.sum() / denominator


def _torch_row(call, loss, logits, core_loss, core_gradient):
    (loss.sum() if loss.ndim else loss).backward()
    gradient = logits.grad.detach().numpy().copy()
    value = loss.detach().numpy()
    value = float(value) if value.ndim == 0 else value.copy()
    return CheckRow("PyTorch", call, value, core_loss, gradient, core_gradient, "float64")


def keras_rows(state, readout):
    """Keras 3 (torch backend, float32) with the call keras_route.keras_call describes, one row per
    reduction, each beside core.keras_losses' value and gradient."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    import torch

    call = keras_call(state)
    if call.y_pred.shape[0] == 0:
        return []
    rows = []
    for route in keras_routes(state, readout):
        logits = torch.tensor(call.y_pred, requires_grad=True)
        options = {k: v for k, v in call.options.items() if v is not None}
        loss_fn = getattr(keras.losses, call.loss_class)(reduction=route.reduction, **options)
        # Fresh tensors every call: with ignore_class, Keras multiplies sample_weight in place.
        sample_weight = None if call.sample_weight is None else torch.tensor(call.sample_weight.copy())
        loss = loss_fn(torch.tensor(call.y_true.copy()), logits, sample_weight=sample_weight)
        (loss.sum() if loss.ndim else loss).backward()
        value = loss.detach().numpy().astype(float)
        rows.append(
            CheckRow(
                "Keras 3",
                f"{call.loss_class}({call.option_code}, reduction={route.reduction!r})"
                + (", sample_weight" if call.sample_weight is not None else ""),
                float(value) if value.ndim == 0 else value,
                route.value,
                _full_gradient(state, logits.grad.numpy().astype(float)),
                keras_core_gradient(state, call, route.reduction),
                "float32",
            )
        )
    return rows


def keras_core_gradient(state, call, reduction):
    """core.gradients.call_loss for the Keras call, as an (N, C) array (zeros for rows left out)."""
    grad = call.through(gradients.call_loss, reduction)
    return _full_gradient(state, np.asarray(grad, float))


def _full_gradient(state, grad):
    if grad.shape[0] == len(state.logits):
        return grad
    full = np.zeros((len(state.logits), len(state.logits[0])))
    labels = np.asarray(state.labels)
    full[(labels >= 0) & (labels < full.shape[1])] = grad
    return full
