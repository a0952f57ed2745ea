"""Code that reproduces a playground state's numbers in PyTorch: the page shows it, the tests run it."""

from topics.shared.formatting import code_list
from topics.shared.sample import loss_arguments


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
            f"loss = {criterion_call(state, smoothing)}(logits / T, target)",
            "loss.backward()",
            'print(f"loss = {loss.item():.4f}")',
            'print("probabilities =", [round(p, 4) for p in torch.softmax(logits / T, dim=0).tolist()])',
            'print("gradient =", [round(g, 4) for g in logits.grad.tolist()])',
        ]
    )


def criterion_call(state, smoothing):
    return (
        "nn.CrossEntropyLoss()" if smoothing == 0 else f"nn.CrossEntropyLoss(label_smoothing={smoothing:g})"
    )
