"""Pieces of the runnable code the pages show: import headers, tensors and arrays written as code, and
report lines. A snippet built from them prints each number its page shows as a line
`<name>: loss = <x>` (and `<name>: gradient = [...]`); the tests run the snippets and compare those lines
with core's values (`parse_report`).
"""

import re

import numpy as np

from topics.shared.formatting import code_list, code_matrix

IMPORTS_KERAS = 'os.environ.setdefault("KERAS_BACKEND", "torch")'
TORCH_IMPORTS = ("import torch", "import torch.nn as nn", "import torch.nn.functional as F", "")
KERAS_IMPORTS = (
    "import os",
    "",
    IMPORTS_KERAS + "  # or jax / tensorflow",
    "import keras",
    "import numpy as np",
    "",
)
REPORT_LINE = re.compile(r"^(?P<name>[^:]+): (?P<what>loss|gradient|value) = (?P<numbers>.+)$")
NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?|-?inf|nan")


def torch_tensor(name, values, grad=False, integer=False):
    """`name = torch.tensor([...])`: float32 (torch's default, what people write) unless integer."""
    values = np.asarray(values)
    head = f"{name} = torch.tensor("
    body = code_matrix(values, len(head) + 1) if values.ndim == 2 else code_list(values, integer)
    return head + body + (", requires_grad=True)" if grad else ")")


def numpy_array(name, values, integer=False):
    """`name = np.array([...], dtype="float32")` (Keras computes in float32) or an integer array."""
    values = np.asarray(values)
    head = f"{name} = np.array("
    body = code_matrix(values, len(head) + 1) if values.ndim == 2 else code_list(values, integer)
    return head + body + (")" if integer else ', dtype="float32")')


def torch_report(pairs, leaf):
    """Lines printing each (name, loss variable) pair's loss and its gradient with respect to `leaf`."""
    listing = ", ".join(f'("{name}", {variable})' for name, variable in pairs)
    return [
        "",
        f"for name, loss in [{listing}]:",
        f"    (grad,) = torch.autograd.grad(loss, {leaf}, retain_graph=True)",
        '    print(f"{name}: loss = {loss.item():.6f}")',
        '    print(f"{name}: gradient = {grad.double().numpy().round(6).tolist()}")',
    ]


def value_report(pairs, keras=False):
    """Lines printing each (name, expression) pair's value (a scalar tensor or Keras output)."""
    convert = "float(keras.ops.convert_to_numpy({}))" if keras else "float({})"
    return [f'print(f"{name}: loss = {{{convert.format(expression)}:.6f}}")' for name, expression in pairs]


def parse_report(output):
    """{(name, what): np.ndarray of the printed numbers} from a snippet's output."""
    report = {}
    for line in output.splitlines():
        match = REPORT_LINE.match(line.strip())
        if match:
            numbers = [float(n) for n in NUMBER.findall(match["numbers"])]
            report[(match["name"], match["what"])] = np.array(numbers)
    return report
