"""Code that reproduces a batch state's numbers in PyTorch and in Keras. The snippets are plain text: the
tests execute them and compare what they print with the page.
"""

import numpy as np

from topics.batch.keras_route import keras_call, keras_reductions
from topics.batch.state import DEFAULT_IGNORE, probability_rows
from topics.shared.formatting import code_list, code_matrix
from topics.shared.snippets import KERAS_IMPORTS


def criterion_arguments(state, weight_name="weight"):
    """The non-default arguments of nn.CrossEntropyLoss for the state, as code."""
    arguments = []
    if state.weight:
        arguments.append(f"weight={weight_name}")
    if state.target_form == "index" and state.ignore_index != DEFAULT_IGNORE:
        arguments.append(f"ignore_index={state.ignore_index}")
    if state.reduction != "mean":
        arguments.append(f'reduction="{state.reduction}"')
    if state.label_smoothing:
        arguments.append(f"label_smoothing={state.label_smoothing:g}")
    return ", ".join(arguments)


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
        rows = probability_rows(state)
        lines += [
            f"{head}{code_matrix(rows, len(head) + 1)}, dtype=torch.float64)",
            "target = target / target.sum(dim=1, keepdim=True)  # each row sums to 1",
        ]
        target = "target"
    lines += [
        "",
        'print("softmax =", torch.softmax(logits, dim=1).detach().numpy().round(4).tolist())',
        f"criterion = nn.CrossEntropyLoss({criterion_arguments(state)})",
        f"loss = criterion({x}, {target})",
    ]
    if state.target_form == "index" and state.label_smoothing == 0:
        nll_arguments = [a for a in criterion_arguments(state).split(", ") if a]
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
    call = keras_call(state)
    labels = np.asarray(state.labels)
    num_classes = len(state.logits[0])
    in_range = (labels >= 0) & (labels < num_classes)
    rows = [
        row for row, keep in zip(state.logits, in_range, strict=True) if keep or state.target_form != "onehot"
    ]
    head = "logits = np.array("
    lines = [
        *KERAS_IMPORTS,
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
            raw = probability_rows(state)
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
    reductions = keras_reductions(state, call)
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
