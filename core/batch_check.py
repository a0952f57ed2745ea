"""Run the real PyTorch and Keras on a batch state, compare with core, and write code that does it.

torch and keras are imported inside the functions, only when a person opens the check panel (importing
torch costs seconds and hundreds of MB). The snippets are plain text: the tests execute them.
"""

import os
from dataclasses import dataclass

import numpy as np

from core import batch, gradients
from core.formatting import code_list, code_matrix

IMPORTS_KERAS = 'os.environ.setdefault("KERAS_BACKEND", "torch")'


@dataclass(frozen=True)
class CheckRow:
    """One framework call on the state next to core's value for the same call."""

    framework: str
    call: str
    loss: object  # float, or an array for reduction='none'
    core_loss: object
    gradient: np.ndarray  # (N, C), of the sum for 'none'
    core_gradient: np.ndarray

    @property
    def loss_diff(self):
        return _max_diff(self.loss, self.core_loss)

    @property
    def gradient_diff(self):
        return _max_diff(self.gradient, self.core_gradient)


def _max_diff(a, b):
    """max |a - b|, with NaN meeting NaN counted as equal (torch and core both give NaN for 0/0)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    if a.shape != b.shape:
        return float("inf")
    both_nan = np.isnan(a) & np.isnan(b)
    diff = np.where(both_nan, 0.0, np.abs(a - b))
    return float(np.nan_to_num(diff, nan=np.inf).max()) if diff.size else 0.0


def agrees(rows, relative=1e-5):
    """True if every row matches core to `relative` (float32 Keras sets the scale)."""
    return all(
        r.loss_diff <= relative * max(1.0, float(np.nanmax(np.abs(np.atleast_1d(r.core_loss)), initial=0)))
        for r in rows
    )


# ---------------------------------------------------------------------------------------------------
# PyTorch
# ---------------------------------------------------------------------------------------------------


def torch_results(state, readout):
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
            "nn.CrossEntropyLoss(" + _call_arguments(state) + ")",
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
    raw = torch.tensor(batch.probability_rows(state), dtype=torch.float64)
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
    return CheckRow("PyTorch", call, value, core_loss, gradient, core_gradient)


def _call_arguments(state, weight_name="weight"):
    """The non-default arguments of nn.CrossEntropyLoss for the state, as code."""
    arguments = []
    if state.weight:
        arguments.append(f"weight={weight_name}")
    if state.target_form == "index" and state.ignore_index != batch.DEFAULT_IGNORE:
        arguments.append(f"ignore_index={state.ignore_index}")
    if state.reduction != "mean":
        arguments.append(f'reduction="{state.reduction}"')
    if state.label_smoothing:
        arguments.append(f"label_smoothing={state.label_smoothing:g}")
    return ", ".join(arguments)


# ---------------------------------------------------------------------------------------------------
# Keras
# ---------------------------------------------------------------------------------------------------


def keras_results(state, readout):
    """Keras 3 (torch backend, float32) with the call core.batch.keras_call describes, one row per
    reduction, each beside core.keras_losses' value and gradient."""
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras
    import torch

    call = batch.keras_call(state)
    if call.y_pred.shape[0] == 0:
        return []
    rows = []
    for route in readout.keras:
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
            )
        )
    return rows


def keras_core_gradient(state, call, reduction):
    """core.gradients.call_loss for the Keras call, as an (N, C) array (zeros for rows left out)."""
    grad = gradients.call_loss(
        call.name,
        call.y_true,
        call.y_pred,
        sample_weight=None if call.sample_weight is None else call.sample_weight.copy(),
        reduction=reduction,
        **call.options,
    )
    return _full_gradient(state, np.asarray(grad, float))


def _full_gradient(state, grad):
    if grad.shape[0] == len(state.logits):
        return grad
    full = np.zeros((len(state.logits), len(state.logits[0])))
    labels = np.asarray(state.labels)
    full[(labels >= 0) & (labels < full.shape[1])] = grad
    return full


# ---------------------------------------------------------------------------------------------------
# Snippets
# ---------------------------------------------------------------------------------------------------


def _print_loss(name, expression):
    return f'print("{name} =", ", ".join(f"{{v:.4f}}" for v in {expression}.reshape(-1).tolist()))'


def torch_snippet(state):
    """PyTorch code that reproduces the page's numbers: softmax, the loss two ways, the gradient."""
    num_classes = len(state.logits[0])
    head = "logits = torch.tensor("
    lines = [
        "import torch",
        "import torch.nn as nn",
        "import torch.nn.functional as F",
        "",
        f"{head}{code_matrix(state.logits, len(head) + 1)}, dtype=torch.float64, requires_grad=True)",
        f"labels = torch.tensor({code_list(state.labels, integer=True)})",
    ]
    if state.weight:
        lines.append(f"weight = torch.tensor({code_list(state.weight)}, dtype=torch.float64)")
    x = "logits"
    if state.target_form == "index":
        target = "labels"
    elif state.target_form == "onehot":
        labels = np.asarray(state.labels)
        if np.all((labels >= 0) & (labels < num_classes)):
            lines.append(f"target = F.one_hot(labels, num_classes={num_classes}).to(torch.float64)")
        else:
            lines += [
                f"keep = labels != {state.ignore_index}  # one-hot targets cannot skip rows: leave them out",
                f"target = F.one_hot(labels[keep], num_classes={num_classes}).to(torch.float64)",
            ]
            x = "logits[keep]"
        target = "target"
    else:
        head = "target = torch.tensor("
        rows = batch.probability_rows(state)
        lines += [
            f"{head}{code_matrix(rows, len(head) + 1)}, dtype=torch.float64)",
            "target = target / target.sum(dim=1, keepdim=True)  # each row sums to 1",
        ]
        target = "target"
    lines += [
        "",
        'print("softmax =", torch.softmax(logits, dim=1).detach().numpy().round(4).tolist())',
        f"criterion = nn.CrossEntropyLoss({_call_arguments(state)})",
        f"loss = criterion({x}, {target})",
    ]
    if state.target_form == "index" and state.label_smoothing == 0:
        nll_arguments = [a for a in _call_arguments(state).split(", ") if a]
        lines += [
            "# The same number in two steps (seed 004): log_softmax, then nll_loss",
            "nll = F.nll_loss(F.log_softmax(logits, dim=1), labels"
            + "".join(", " + a for a in nll_arguments)
            + ")",
        ]
    lines += [
        "(loss.sum() if loss.dim() else loss).backward()" if state.reduction == "none" else "loss.backward()",
        _print_loss("loss", "loss.detach()"),
    ]
    if state.target_form == "index" and state.label_smoothing == 0:
        lines.append(_print_loss("log_softmax + nll_loss", "nll.detach()"))
    lines.append('print("gradient =", logits.grad.numpy().round(4).tolist())')
    return "\n".join(lines)


def keras_snippet(state):
    """Keras 3 code for the same batch, class weights passed as sample_weight = w[y] per row, printing
    the loss for each reduction the page compares."""
    call = batch.keras_call(state)
    labels = np.asarray(state.labels)
    num_classes = len(state.logits[0])
    in_range = (labels >= 0) & (labels < num_classes)
    rows = [
        row for row, keep in zip(state.logits, in_range, strict=True) if keep or state.target_form != "onehot"
    ]
    head = "logits = np.array("
    lines = [
        "import os",
        "",
        IMPORTS_KERAS + "  # or jax / tensorflow",
        "import keras",
        "import numpy as np",
        "",
        f'{head}{code_matrix(rows, len(head) + 1)}, dtype="float32")',
    ]
    ignore_class = call.options.get("ignore_class")
    if call.name == "sparse_categorical_crossentropy":
        lines.append(f"labels = np.array({code_list(state.labels, integer=True)})")
        y_true = "labels"
        if state.weight:
            lines.append(f'weight = np.array({code_list(state.weight)}, dtype="float32")')
            if ignore_class is None:
                lines.append("sample_weight = weight[labels]  # class weights become per-row sample weights")
            else:
                lines += [
                    f"keep = labels != {ignore_class}  # ignored rows: sample weight 0",
                    'sample_weight = np.where(keep, weight[np.where(keep, labels, 0)], 0).astype("float32")',
                ]
    else:
        y_true = "y_true"
        if state.target_form == "probs":
            head = "y_true = np.array("
            raw = batch.probability_rows(state)
            lines += [
                f'{head}{code_matrix(raw, len(head) + 1)}, dtype="float32")',
                "y_true = y_true / y_true.sum(axis=1, keepdims=True)  # each row sums to 1",
            ]
        else:
            counted = in_range if state.target_form == "onehot" else labels != state.ignore_index
            kept = labels[in_range] if state.target_form == "onehot" else np.where(counted, labels, 0)
            lines.append(f"labels = np.array({code_list(kept, integer=True)})")
            lines.append(f'y_true = np.eye({num_classes}, dtype="float32")[labels]  # one-hot rows')
            if state.target_form == "index" and not counted.all():
                ignored = code_list(np.flatnonzero(~counted), integer=True)
                lines.append(f"y_true[{ignored}] = 0  # ignored rows")
        if call.sample_weight is not None:
            if state.weight:
                lines.append(f'weight = np.array({code_list(state.weight)}, dtype="float32")')
            if state.target_form == "probs":
                lines.append(
                    "sample_weight = (y_true * weight).sum(axis=1)  # Keras has no weight inside the sum"
                )
            elif state.target_form == "onehot":
                lines.append("sample_weight = weight[labels]  # class weights become per-row sample weights")
            else:
                keep = code_list(counted.astype(float))
                factor = "weight[labels] * " if state.weight else ""
                lines.append(
                    f'sample_weight = {factor}np.array({keep}, dtype="float32")  # 0 for ignored rows'
                )
    weighted = call.sample_weight is not None
    reductions = [route.reduction for route in batch.keras_routes(state, batch.evaluate(state))]
    lines += [
        "",
        f"for reduction in {reductions!r}:",
        f"    loss_fn = keras.losses.{call.loss_class}({call.option_code}, reduction=reduction)",
    ]
    if weighted and ignore_class is not None:
        lines += [
            "    # A fresh copy each call: with ignore_class, Keras scales sample_weight in place.",
            f"    loss = loss_fn({y_true}, logits, sample_weight=sample_weight.copy())",
        ]
    elif weighted:
        lines.append(f"    loss = loss_fn({y_true}, logits, sample_weight=sample_weight)")
    else:
        lines.append(f"    loss = loss_fn({y_true}, logits)")
    lines += [
        "    value = np.atleast_1d(keras.ops.convert_to_numpy(loss))",
        '    print(f"{reduction} =", ", ".join(f"{v:.4f}" for v in value))',
    ]
    return "\n".join(lines)
