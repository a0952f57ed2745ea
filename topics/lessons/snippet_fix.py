"""The "fix the snippet" lesson: the student edits seed 001's code, which passes probabilities to
nn.BCEWithLogitsLoss, and the fix is checked WITHOUT running it.

The code is parsed with Python's `ast` (never eval, exec or compile to bytecode) and followed statement by
statement, in order, over a small part of PyTorch: imports of torch / torch.nn / torch.nn.functional,
tensors written as literals, torch.sigmoid / torch.logit / torch.log / torch.exp (as functions or
methods), + - * / and unary minus, nn.BCELoss / nn.BCEWithLogitsLoss (built, then called) and
F.binary_cross_entropy / F.binary_cross_entropy_with_logits. Every tensor carries its numbers (float32, as
torch's default), so the loss the fixed code would print is computed through core, and the fix is right
when that loss equals what seed 001 meant: BCELoss of the probabilities against the labels (with the same
reduction), i.e. probabilities reach BCELoss or logits reach BCEWithLogitsLoss. Anything else the code does
(a loop, a function, another call) is named in the verdict as something the checker does not follow.

Verdicts are (i18n key under "ls.code.", fields); the page shows them with st.markdown of our own words
and the student's text only inside code spans of at most 60 characters, never as HTML.
"""

import ast
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from core import losses
from topics.shared.seeds import SEED_001_LABELS, SEED_001_PROBS

MAX_CODE_LENGTH = 4000  # characters
MAX_TENSOR_SIZE = 64  # numbers in one literal tensor
MAX_STATEMENTS = 60
MAX_DEPTH = 40  # nested expressions (an absurd nesting is refused before ast.parse recurses deeply)
FLOAT32 = np.float32
TOLERANCE = 1e-5  # float32 agreement of the loss with the intended one

STARTING_CODE = f"""import torch
from torch import nn

y_true = torch.tensor({list(SEED_001_LABELS)})
y_pred = torch.tensor({list(SEED_001_PROBS)})  # probabilities: already through a sigmoid

loss_fn = nn.BCEWithLogitsLoss()
loss = loss_fn(y_pred, y_true)
print(loss)
"""

MODULES = {"torch", "torch.nn", "torch.nn.functional", "torch.special"}
TENSOR_MAKERS = {"torch.tensor", "torch.as_tensor", "torch.Tensor", "torch.FloatTensor"}
UNARY = {
    "sigmoid": losses.sigmoid,
    "expit": losses.sigmoid,
    "logit": losses.logit,
    "log": np.log,
    "exp": np.exp,
    "log1p": np.log1p,
}
UNARY_FUNCTIONS = {f"{module}.{name}" for module in ("torch", "torch.special") for name in UNARY} | {
    "torch.nn.functional.sigmoid"
}
KEEP_METHODS = {"float", "clone", "detach", "contiguous"}
LOSS_CLASSES = {"torch.nn.BCELoss": "bce", "torch.nn.BCEWithLogitsLoss": "bce_logits"}
LOSS_FUNCTIONS = {
    "torch.nn.functional.binary_cross_entropy": "bce",
    "torch.nn.functional.binary_cross_entropy_with_logits": "bce_logits",
}
REDUCTIONS = ("mean", "sum", "none")


class NotFollowed(Exception):
    """Something in the code the checker does not follow: (i18n key, fields) of why."""

    def __init__(self, key, **fields):
        super().__init__(key)
        self.key, self.fields = key, fields


@dataclass(frozen=True)
class Module:
    name: str  # dotted: "torch.nn"


@dataclass(frozen=True)
class Function:
    name: str  # dotted: "torch.sigmoid"


@dataclass(frozen=True)
class Method:
    tensor: np.ndarray = field(compare=False)
    name: str


@dataclass(frozen=True)
class LossModule:
    kind: str  # "bce" or "bce_logits"
    reduction: str


@dataclass(frozen=True)
class LossCall:
    """The last loss the code computes: which loss, on which numbers, with which reduction, and where."""

    kind: str
    input: np.ndarray
    target: np.ndarray
    reduction: str
    line: int


@dataclass(frozen=True)
class Verdict:
    right: bool
    key: str  # i18n key under "ls.code."
    fields: dict
    loss: float | None = None  # the loss the code computes (through core), when it computes one
    intended: float | None = None  # the loss seed 001 meant, with the same reduction


@lru_cache(maxsize=128)
def check_fix(code):
    """The Verdict on the student's code (a str): parsed, followed, its last loss computed through core.
    Cached: the panel and its rerun check ask for the same answer several times in a run."""
    if not isinstance(code, str) or len(code) > MAX_CODE_LENGTH:
        return Verdict(False, "too_long", {"limit": MAX_CODE_LENGTH})
    if "\x00" in code:
        return Verdict(False, "syntax", {"line": 1, "message": "null character"})
    if _nesting(code) > MAX_DEPTH:
        return Verdict(False, "too_deep", {})
    try:
        tree = ast.parse(code, mode="exec")
    except SyntaxError as error:
        return Verdict(False, "syntax", {"line": error.lineno or 1, "message": short(error.msg)})
    except (ValueError, RecursionError, MemoryError):
        return Verdict(False, "too_deep", {})
    try:
        call = last_loss_call(tree)
    except NotFollowed as reason:
        return Verdict(False, reason.key, reason.fields)
    if call is None:
        return Verdict(False, "no_loss", {})
    return judge_call(call)


def judge_call(call):
    """Right when the code's loss is the loss seed 001 meant; else say which mistake it is."""
    probs = np.array(SEED_001_PROBS, FLOAT32)
    labels = np.array(SEED_001_LABELS, FLOAT32)
    intended = float(np.sum(losses.binary_cross_entropy(probs, labels, reduction=call.reduction)))
    fields = {"line": call.line}
    try:
        loss = float(np.sum(compute(call)))
    except ValueError as error:  # what torch would raise (core mirrors it), e.g. logits given to BCELoss
        return Verdict(False, "raises", fields | {"message": short(str(error))}, None, intended)
    if not math.isfinite(loss):
        return Verdict(False, "not_finite", fields, loss, intended)
    if abs(loss - intended) <= TOLERANCE * max(1.0, abs(intended)):
        return Verdict(True, "right", fields, loss, intended)
    return Verdict(False, mistake_key(call, probs, labels), fields, loss, intended)


def compute(call):
    if call.kind == "bce":
        return losses.binary_cross_entropy(call.input, call.target, reduction=call.reduction)
    return losses.binary_cross_entropy_with_logits(call.input, call.target, reduction=call.reduction)


def mistake_key(call, probs, labels):
    """Which wrong fix: the arguments swapped, probabilities still given as logits, a sigmoid applied
    twice, or other numbers than the seed's."""
    same = lambda a, b: a.shape == b.shape and np.allclose(a, b, atol=1e-6)  # noqa: E731
    if same(call.input, labels) and same(call.target, probs):
        return "swapped"
    if call.kind == "bce_logits" and same(call.input, probs):
        return "still_probs"
    if call.kind == "bce_logits" and same(call.input, losses.sigmoid(probs)):
        return "double_sigmoid"
    if call.kind == "bce" and same(call.input, losses.sigmoid(probs)):
        return "double_sigmoid"
    if not same(call.target, labels):
        return "other_labels"
    return "other_numbers"


# Following the code


def last_loss_call(tree):
    """The last binary cross-entropy the module computes (a LossCall), or None; NotFollowed for a
    statement or an expression outside what the checker follows."""
    if len(tree.body) > MAX_STATEMENTS:
        raise NotFollowed("too_long_code", limit=MAX_STATEMENTS)
    names = {}
    found = [None]
    for statement in tree.body:
        run_statement(statement, names, found)
    return found[0]


def run_statement(statement, names, found):
    if isinstance(statement, ast.Import):
        for alias in statement.names:
            module = alias.name if alias.name in MODULES else None
            if module is None:
                raise NotFollowed("import", line=statement.lineno, name=short(alias.name))
            names[alias.asname or alias.name.split(".")[0]] = Module(module if alias.asname else "torch")
        return
    if isinstance(statement, ast.ImportFrom):
        for alias in statement.names:
            names[alias.asname or alias.name] = imported(statement, alias.name)
        return
    if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
        target = statement.targets[0]
        if not isinstance(target, ast.Name):
            raise NotFollowed("statement", line=statement.lineno)
        names[target.id] = evaluate(statement.value, names, found)
        return
    if isinstance(statement, ast.Expr):
        evaluate(statement.value, names, found)
        return
    if isinstance(statement, ast.Pass):
        return
    raise NotFollowed("statement", line=statement.lineno)


def imported(statement, name):
    module = statement.module or ""
    dotted = f"{module}.{name}"
    if statement.level or module not in MODULES:
        raise NotFollowed("import", line=statement.lineno, name=short(dotted))
    if dotted in MODULES:
        return Module(dotted)
    return Function(dotted)


def evaluate(node, names, found):
    """What an expression gives: a Module, a Function, a Method, a LossModule, a float32 array, a number
    or a string (an option's value)."""
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, (int, float, str))
        and not isinstance(node.value, bool)
    ):
        return node.value
    if isinstance(node, ast.Name):
        if node.id not in names:
            raise NotFollowed("unknown_name", line=node.lineno, name=short(node.id))
        return names[node.id]
    if isinstance(node, ast.Attribute):
        return attribute(evaluate(node.value, names, found), node)
    if isinstance(node, ast.Call):
        return call(node, names, found)
    if isinstance(node, ast.BinOp):
        return arithmetic(node, evaluate(node.left, names, found), evaluate(node.right, names, found))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        value = number_or_tensor(evaluate(node.operand, names, found), node)
        return -value if isinstance(node.op, ast.USub) else value
    raise NotFollowed("expression", line=node.lineno, code=short(ast.unparse(node)))


def attribute(owner, node):
    if isinstance(owner, Module):
        dotted = f"{owner.name}.{node.attr}"
        return Module(dotted) if dotted in MODULES else Function(dotted)
    if isinstance(owner, np.ndarray):
        return Method(owner, node.attr)
    raise NotFollowed("expression", line=node.lineno, code=short(ast.unparse(node)))


def call(node, names, found):
    if _is_print(node, names):
        for argument in node.args:
            evaluate(argument, names, found)
        return None
    function = evaluate(node.func, names, found)
    if isinstance(function, Function) and function.name in TENSOR_MAKERS:
        return literal_tensor(node)
    arguments = [evaluate(argument, names, found) for argument in node.args]
    options = {keyword.arg: evaluate(keyword.value, names, found) for keyword in node.keywords}
    if isinstance(function, Function) and function.name in UNARY_FUNCTIONS and len(arguments) == 1:
        return unary(function.name.rsplit(".", 1)[1], number_or_tensor(arguments[0], node))
    if isinstance(function, Method):
        if function.name in UNARY and not arguments:
            return unary(function.name, function.tensor)
        if function.name in KEEP_METHODS and not arguments:
            return function.tensor
    if isinstance(function, Function) and function.name in LOSS_CLASSES:
        return LossModule(LOSS_CLASSES[function.name], reduction(options, node, allowed=()))
    if isinstance(function, LossModule):
        input, target = loss_arguments(arguments, options, node, allowed=())
        found[0] = LossCall(function.kind, input, target, function.reduction, node.lineno)
        return loss_value(found[0])
    if isinstance(function, Function) and function.name in LOSS_FUNCTIONS:
        input, target = loss_arguments(arguments, options, node, allowed=("reduction",))
        kind = LOSS_FUNCTIONS[function.name]
        chosen = reduction(options, node, allowed=("input", "target"))
        found[0] = LossCall(kind, input, target, chosen, node.lineno)
        return loss_value(found[0])
    name = function.name if isinstance(function, (Function, Method)) else "?"
    raise NotFollowed("call", line=node.lineno, name=short(name))


def _is_print(node, names):
    return isinstance(node.func, ast.Name) and node.func.id == "print" and "print" not in names


def literal_tensor(node):
    """torch.tensor([...]) of numbers written in the code (read with ast.literal_eval: literals only)."""
    if len(node.args) != 1 or any(keyword.arg not in ("dtype", "requires_grad") for keyword in node.keywords):
        raise NotFollowed("tensor", line=node.lineno)
    try:
        values = ast.literal_eval(node.args[0])
        array = np.array(values, dtype=np.float64)
    except (ValueError, TypeError, SyntaxError, RecursionError):
        raise NotFollowed("tensor", line=node.lineno) from None
    if array.ndim > 2 or array.size > MAX_TENSOR_SIZE or array.size == 0:
        raise NotFollowed("tensor", line=node.lineno)
    return array.astype(FLOAT32)


def unary(name, value):
    with np.errstate(all="ignore"):
        return np.asarray(UNARY[name](np.asarray(value, FLOAT32)), FLOAT32)


def arithmetic(node, left, right):
    left, right = number_or_tensor(left, node), number_or_tensor(right, node)
    operations = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide}
    operation = operations.get(type(node.op))
    if operation is None:
        raise NotFollowed("expression", line=node.lineno, code=short(type(node.op).__name__))
    with np.errstate(all="ignore"):
        result = operation(np.asarray(left, FLOAT32), np.asarray(right, FLOAT32))
    if np.ndim(result) == 0 and not isinstance(left, np.ndarray) and not isinstance(right, np.ndarray):
        return float(result)
    return np.asarray(result, FLOAT32)


def number_or_tensor(value, node):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, np.ndarray):
        return value
    raise NotFollowed("expression", line=node.lineno, code=short(ast.unparse(node)))


def reduction(options, node, allowed):
    unknown = set(options) - {"reduction", *allowed}
    if unknown:
        raise NotFollowed("option", line=node.lineno, name=short(sorted(unknown)[0]))
    chosen = options.get("reduction", "mean")
    if chosen not in REDUCTIONS:
        raise NotFollowed("option", line=node.lineno, name="reduction")
    return chosen


def loss_arguments(arguments, options, node, allowed):
    """(input, target): positional, or input= / target= keywords."""
    unknown = set(options) - {"input", "target", *allowed}
    if unknown:
        raise NotFollowed("option", line=node.lineno, name=short(sorted(unknown)[0]))
    given = list(arguments) + [options[name] for name in ("input", "target") if name in options]
    if len(given) != 2 or not all(isinstance(value, np.ndarray) for value in given):
        raise NotFollowed("loss_arguments", line=node.lineno)
    return given[0], given[1]


def loss_value(loss_call):
    try:
        return np.asarray(compute(loss_call), FLOAT32)
    except ValueError:
        return np.array(np.nan, FLOAT32)  # judged again (with torch's message) when it is the last loss


SAFE_CHARACTER = re.compile(r"[A-Za-z0-9_.,:;=+\-*/() '\"]")


def short(text, limit=60):
    """The student's text shortened for a message: at most `limit` characters, and any character that
    Markdown or HTML could read as markup (a backtick, a bracket, <, !, ...) replaced by "·"."""
    text = "".join(c if SAFE_CHARACTER.fullmatch(c) else "·" for c in " ".join(str(text).split()))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _nesting(code):
    """The deepest bracket nesting in the text (a cheap guard before ast.parse)."""
    depth = deepest = 0
    for character in code:
        if character in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in ")]}":
            depth = max(depth - 1, 0)
    return deepest
