"""One call through the real framework and through core, compared: the value and the gradient, or the error.

The framework's own test inputs (tests/core/test_pytorch_own_inputs.py, test_keras_own_tests.py) and the
argument edges (tests/core/test_framework_edges.py) all ask the same question of a call: do torch and core
both return, with the same value and gradient, or do both raise the same kind of error? `Outcome` holds
one side's answer, `torch_outcome` and `core_outcome` produce it, `agreement_problem` compares two.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np

from core import gradients, losses


@dataclass
class Outcome:
    """What one call gave: a value and the gradient with respect to the first input, or an error; and
    the warnings it raised (their messages)."""

    value: object = None
    grad: object = None
    error: BaseException | None = None
    warnings: list = field(default_factory=list)


def as_numpy(value):
    """A torch tensor as a NumPy array (other values unchanged), for core's side of a call."""
    if hasattr(value, "detach"):
        return value.detach().cpu().numpy()
    return value


def detached(value):
    """A tensor cut from any graph it belongs to (other values unchanged)."""
    return value.detach() if hasattr(value, "detach") else value


def torch_outcome(function, input, args=(), kwargs=None):
    """`function(input, *args, **kwargs)` in torch, and d(the output, or the sum of outputs)/d(input)."""
    kwargs = kwargs or {}
    leaf = input.detach().clone().requires_grad_(input.is_floating_point())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out = function(leaf, *[detached(a) for a in args], **{k: detached(v) for k, v in kwargs.items()})
            if leaf.requires_grad and out.requires_grad:
                (out if out.ndim == 0 else out.sum()).backward()
        except Exception as error:  # the framework's refusal is an answer too
            return Outcome(error=error, warnings=_messages(caught))
    grad = leaf.grad if leaf.grad is not None else None
    return Outcome(out.detach(), grad, warnings=_messages(caught))


def core_outcome(name, input, args=(), kwargs=None):
    """core.losses.<name> and core.gradients.<name> on the same arguments, tensors turned into arrays;
    the warnings are the loss's (its gradient repeats them)."""
    kwargs = {k: as_numpy(v) for k, v in (kwargs or {}).items()}
    args = [as_numpy(a) for a in args]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            value = getattr(losses, name)(as_numpy(input), *args, **kwargs)
        except Exception as error:
            return Outcome(error=error, warnings=_messages(caught))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        grad = getattr(gradients, name)(as_numpy(input), *args, **kwargs)
    return Outcome(value, grad, warnings=_messages(caught))


def keras_outcome(call, y_true, pred, **keywords):
    """A Keras loss call (a loss object or a function form) on y_pred = `pred` (an array, sent as a torch
    tensor that requires grad): its value and d(value, or the sum of values)/d(y_pred) by autograd; and
    the tensor it returned (detached), or None if it raised."""
    import torch

    leaf = torch.tensor(pred, requires_grad=True)
    try:
        out = call(y_true, leaf, **keywords)
        if out.requires_grad:
            (out if out.ndim == 0 else out.sum()).backward()
    except Exception as error:
        return Outcome(error=error), None
    return Outcome(out.detach(), leaf.grad), out.detach()


def core_keras_outcome(value_call, grad_call):
    """core's side of a Keras call: value_call() and grad_call(), or the error the first raised."""
    try:
        return Outcome(value_call(), grad_call())
    except Exception as error:
        return Outcome(error=error)


def _messages(caught):
    return [str(warning.message) for warning in caught]


def builtin_kind(error):
    """The built-in exception class an error is (torch.OutOfMemoryError -> RuntimeError, ...)."""
    return next(kind for kind in type(error).__mro__ if kind.__module__ == "builtins")


def input_scale(*values):
    """The magnitude of the inputs, for the absolute tolerance of a value (a log-sum-exp of logits of 1e4
    carries a rounding error of order eps * 1e4)."""
    arrays = [np.abs(np.asarray(as_numpy(v), dtype=np.float64)).ravel() for v in values if v is not None]
    finite = np.concatenate(arrays) if arrays else np.zeros(0)
    finite = finite[np.isfinite(finite)]
    return float(finite.max()) if finite.size else 1.0


def gradient_scale(weight=None, pos_weight=None, **_):
    """The size of the terms a gradient is a difference of: w * (((pw - 1) y + 1) sigmoid(z) - pw y)
    for bce_with_logits cancels terms of size w * pw (one float32 ulp of 21 is 2e-6)."""
    weight_size = max(1.0, input_scale(1.0 if weight is None else weight))
    return weight_size * max(1.0, input_scale(1.0 if pos_weight is None else pos_weight))


def agreement_problem(oracle, label, expected, actual, value_scale=1.0, grad_scale=1.0, precision=None):
    """None when core's Outcome agrees with the framework's, else what differs (one line).

    Both raise: core's error must be of the framework's built-in kind (IndexError, RuntimeError,
    ValueError). Both return: values and gradients agree under core.agreement's rule (the oracle
    fixture compares and counts), dtypes included, at the tolerance of `precision` (default: the
    framework's dtype; a float64 result computed from float32 parts is held to float32's)."""
    if expected.error is not None or actual.error is not None:
        if actual.error is None:
            return f"{label}: the framework raised {expected.error!r}; core returned {actual.value!r}"
        if expected.error is None:
            return f"{label}: core raised {actual.error!r}; the framework returned {expected.value!r}"
        kind = builtin_kind(expected.error)
        if not isinstance(actual.error, kind):
            return f"{label}: the framework raised {kind.__name__} ({expected.error}); core {actual.error!r}"
        oracle.count += 1  # both refuse, with the same kind of error: an agreement
        return None
    try:
        scale = max(value_scale, input_scale(expected.value))
        oracle.close(actual.value, expected.value, f"value of {label}", dtype=precision, scale=scale)
        if expected.grad is not None:
            oracle.close(
                actual.grad, expected.grad, f"gradient of {label}", dtype=precision, scale=grad_scale
            )
    except AssertionError as error:
        return str(error).splitlines()[0] + " ... " + " ".join(str(error).splitlines()[1:3])
    return None
