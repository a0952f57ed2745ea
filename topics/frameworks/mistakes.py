"""The classic cross-entropy API mistakes, simulated: core is called the wrong way, exactly as the buggy
code calls the framework, and next to it the way that was meant.

Each card holds the code as written, its loss and gradient, the code that was meant with its loss and
gradient, a few facts for the "how to spot it" sentence, the symptoms a person would search by, and a
runnable snippet that prints the same numbers (the tests execute it). Gradients are with respect to
what the model outputs (the logits z, or the probabilities p for seed 001's binary example), through
the chain rule where the buggy code puts a softmax or sigmoid in between.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np

from core import gradients, keras_losses, losses
from core._arrays import LEGACY_REDUCTION_WARNING, legacy_reduction
from core.gradients import log_softmax_backward, softmax_backward
from topics.shared.formatting import fmt, fmt_vector
from topics.shared.snippets import (
    KERAS_IMPORTS,
    TORCH_IMPORTS,
    numpy_array,
    torch_report,
    torch_tensor,
    value_report,
)

SEED001_PROBS = (0.9, 0.2, 0.8)  # seed 001 passes these probabilities to BCEWithLogitsLoss
SEED001_TARGETS = (1.0, 0.0, 1.0)
SOFT_TARGET_SMOOTHING = 0.1  # the soft targets of the kl_div cards: 0.9 one-hot + 0.1 / C
BIG_LOGIT_RANGE = (0.0, 40.0)  # mistake 8's slider: float32 sigmoid(z) rounds to 1.0 from z ~ 16.6
PAD_LABEL = -100  # torch's default ignore_index
WRITTEN, MEANT = "as written", "meant"


@dataclass(frozen=True)
class Outcome:
    """One call: its code (a line or two), the loss it returns and the gradient it sends back."""

    code: str
    loss: float
    gradient: np.ndarray


@dataclass(frozen=True)
class Mistake:
    key: str  # names its strings: fw.m.<key>.title / .computes / .meant / .spot
    number: str
    framework: str  # "PyTorch" or "Keras"
    symptoms: tuple
    wrt: str  # what the gradient is taken with respect to: "z" or "p"
    written: Outcome
    meant: Outcome
    snippet: str
    facts: dict = field(default_factory=dict)

    @property
    def difference(self):
        return self.written.loss - self.meant.loss

    @property
    def gradient_ratio(self):
        """|gradient as written| / |gradient meant| (Frobenius norms): < 1 means a weaker signal."""
        meant = np.linalg.norm(self.meant.gradient)
        return float(np.linalg.norm(self.written.gradient) / meant) if meant else float("nan")

    def printed(self):
        """What the snippet prints, as core computes it: {(name, what): values}."""
        report = {
            (WRITTEN, "loss"): np.atleast_1d(self.written.loss),
            (MEANT, "loss"): np.atleast_1d(self.meant.loss),
        }
        if self.framework == "PyTorch":
            report[(WRITTEN, "gradient")] = np.ravel(self.written.gradient)
            report[(MEANT, "gradient")] = np.ravel(self.meant.gradient)
        return report


def kl_div_target_gradient(input, target, reduction="batchmean"):
    """d/d(target) of losses.kl_div(input, target):  log target + 1 - input, / N for 'batchmean'."""
    grad = np.log(target) + 1 - input
    return grad / input.shape[0] if reduction == "batchmean" else grad


def all_mistakes(state):
    """Every card for the batch in `state` (topics.frameworks.state.FrameworkState), in the page's order."""
    return [build(state) for build in CARDS]


def double_softmax(state):
    z, y = state.z, state.y
    probs = losses.softmax(z, axis=1)
    written = Outcome(
        "criterion = nn.CrossEntropyLoss()\nloss = criterion(F.softmax(logits, dim=1), labels)",
        float(losses.cross_entropy(probs, y)),
        softmax_backward(probs, gradients.cross_entropy(probs, y)),
    )
    floor = float(losses.cross_entropy(np.eye(state.num_classes)[:1], [0]))
    return _card(
        "double_softmax",
        "1",
        ("floor", "tiny_grad"),
        written,
        _cross_entropy(state),
        _torch_snippet(
            state,
            "criterion = nn.CrossEntropyLoss()",
            "criterion(F.softmax(logits, dim=1), labels)",
            "criterion(logits, labels)",
        ),
        floor=fmt(floor),
        classes=state.num_classes,
    )


def probabilities_to_bce_with_logits(state):
    probs, target = np.array(SEED001_PROBS), np.array(SEED001_TARGETS)
    written = Outcome(
        "criterion = nn.BCEWithLogitsLoss()\nloss = criterion(y_pred, y_true)",
        float(losses.binary_cross_entropy_with_logits(probs, target)),
        gradients.binary_cross_entropy_with_logits(probs, target),
    )
    meant = Outcome(
        "criterion = nn.BCELoss()\nloss = criterion(y_pred, y_true)",
        float(losses.binary_cross_entropy(probs, target)),
        gradients.binary_cross_entropy(probs, target),
    )
    lines = [
        *TORCH_IMPORTS,
        torch_tensor("y_true", target),
        torch_tensor("y_pred", probs, grad=True) + "  # probabilities, after a sigmoid",
        "",
        "wrong = nn.BCEWithLogitsLoss()(y_pred, y_true)  # sigmoid applied a second time",
        "fixed = nn.BCELoss()(y_pred, y_true)  # better still: keep the logits, use BCEWithLogitsLoss",
        *torch_report([(WRITTEN, "wrong"), (MEANT, "fixed")], "y_pred"),
    ]
    floor = float(losses.binary_cross_entropy_with_logits(target, target))  # y_pred = y_true, perfect
    return _card(
        "bce_probs",
        "2",
        ("floor", "tiny_grad"),
        written,
        meant,
        "\n".join(lines),
        wrt="p",
        floor=fmt(floor),
        probs=fmt_vector(probs, 1),
        targets=fmt_vector(target, 0),
    )


def nll_on_probabilities(state):
    z, y = state.z, state.y
    probs = losses.softmax(z, axis=1)
    written = Outcome(
        "loss = F.nll_loss(F.softmax(logits, dim=1), labels)",
        float(losses.nll_loss(probs, y)),
        softmax_backward(probs, gradients.nll_loss(probs, y)),
    )
    return _card(
        "nll_probs",
        "3a",
        ("negative", "tiny_grad"),
        written,
        _nll_meant(state),
        _torch_snippet(
            state,
            None,
            "F.nll_loss(F.softmax(logits, dim=1), labels)",
            "F.nll_loss(F.log_softmax(logits, dim=1), labels)",
        ),
    )


def nll_on_logits(state):
    z, y = state.z, state.y
    written = Outcome(
        "loss = F.nll_loss(logits, labels)", float(losses.nll_loss(z, y)), gradients.nll_loss(z, y)
    )
    return _card(
        "nll_logits",
        "3b",
        ("negative", "wrong_answer"),
        written,
        _nll_meant(state),
        _torch_snippet(
            state, None, "F.nll_loss(logits, labels)", "F.nll_loss(F.log_softmax(logits, dim=1), labels)"
        ),
        step=fmt(1 / state.num_rows),
    )


def keras_from_logits(state):
    logits, y_true = state.z.astype(np.float32), state.onehot.astype(np.float32)
    name = "categorical_crossentropy"

    def outcome(call, from_logits):
        return Outcome(
            f"loss_fn = keras.losses.{call}\nloss = loss_fn(y_true, logits)",
            float(keras_losses.call_loss(name, y_true, logits, from_logits=from_logits)),
            gradients.call_loss(name, y_true, logits, from_logits=from_logits),
        )

    written = outcome("CategoricalCrossentropy()  # from_logits=False by default", False)
    meant = outcome("CategoricalCrossentropy(from_logits=True)", True)
    lines = [
        *KERAS_IMPORTS,
        numpy_array("logits", state.z),
        numpy_array("labels", state.y, integer=True),
        'y_true = np.eye(logits.shape[1], dtype="float32")[labels]  # one-hot rows',
        "",
        "wrong = keras.losses.CategoricalCrossentropy()(y_true, logits)  # reads logits as probabilities",
        "fixed = keras.losses.CategoricalCrossentropy(from_logits=True)(y_true, logits)",
        *value_report([(WRITTEN, "wrong"), (MEANT, "fixed")], keras=True),
    ]
    return _card(
        "keras_from_logits",
        "4",
        ("framework", "floor", "spikes"),
        written,
        meant,
        "\n".join(lines),
        framework="Keras",
    )


def onehot_with_weights(state):
    z, y, w = state.z, state.y, state.w
    onehot = state.onehot
    written = Outcome(
        "target = F.one_hot(labels, num_classes).float()\n"
        "loss = F.cross_entropy(logits, target, weight=weight)",
        float(losses.cross_entropy(z, onehot, weight=w)),
        gradients.cross_entropy(z, onehot, weight=w),
    )
    meant = Outcome(
        "loss = F.cross_entropy(logits, labels, weight=weight)",
        float(losses.cross_entropy(z, y, weight=w)),
        gradients.cross_entropy(z, y, weight=w),
    )
    lines = [
        *TORCH_IMPORTS,
        torch_tensor("logits", z, grad=True),
        torch_tensor("labels", y, integer=True),
        torch_tensor("weight", w),
        f"target = F.one_hot(labels, num_classes={state.num_classes}).float()",
        "",
        "wrong = F.cross_entropy(logits, target, weight=weight)  # mean divides by N",
        "fixed = F.cross_entropy(logits, labels, weight=weight)  # mean divides by sum of weight[labels]",
        *torch_report([(WRITTEN, "wrong"), (MEANT, "fixed")], "logits"),
    ]
    return _card(
        "onehot_weights",
        "5",
        ("scale",),
        written,
        meant,
        "\n".join(lines),
        rows=state.num_rows,
        weight_sum=f"{w[y].sum():g}",
        weight=fmt_vector(w, 1),
    )


def soft_targets(state):
    """Soft targets t = (1 - 0.1) onehot + 0.1 / C: a reference distribution with no zeros."""
    eps = SOFT_TARGET_SMOOTHING
    return state.onehot * (1 - eps) + eps / state.num_classes


def _kl_meant(state):
    log_q, target = losses.log_softmax(state.z, axis=1), soft_targets(state)
    return Outcome(
        'loss = F.kl_div(F.log_softmax(logits, dim=1), target, reduction="batchmean")',
        float(losses.kl_div(log_q, target, reduction="batchmean")),
        log_softmax_backward(np.exp(log_q), gradients.kl_div(log_q, target, reduction="batchmean")),
    )


def kl_div_mean(state):
    log_q, target = losses.log_softmax(state.z, axis=1), soft_targets(state)
    written = Outcome(
        'loss = F.kl_div(F.log_softmax(logits, dim=1), target, reduction="mean")',
        float(losses.kl_div(log_q, target, reduction="mean")),
        log_softmax_backward(np.exp(log_q), gradients.kl_div(log_q, target, reduction="mean")),
    )
    return _card(
        "kl_mean",
        "6a",
        ("scale", "tiny_grad"),
        written,
        _kl_meant(state),
        _kl_snippet(state, 'F.kl_div(F.log_softmax(logits, dim=1), target, reduction="mean")'),
        classes=state.num_classes,
        elements=state.num_rows * state.num_classes,
        rows=state.num_rows,
    )


def kl_div_swapped(state):
    probs, target = losses.softmax(state.z, axis=1), soft_targets(state)
    log_target = np.log(target)
    written = Outcome(
        'loss = F.kl_div(target.log(), F.softmax(logits, dim=1), reduction="batchmean")',
        float(losses.kl_div(log_target, probs, reduction="batchmean")),
        softmax_backward(probs, kl_div_target_gradient(log_target, probs)),
    )
    return _card(
        "kl_swapped",
        "6b",
        ("spikes",),
        written,
        _kl_meant(state),
        _kl_snippet(state, 'F.kl_div(target.log(), F.softmax(logits, dim=1), reduction="batchmean")'),
    )


def softmax_wrong_dim(state):
    z, y = state.z, state.y
    log_probs = losses.log_softmax(z, axis=0)
    written = Outcome(
        "log_probs = F.log_softmax(logits, dim=0)  # over the batch\nloss = F.nll_loss(log_probs, labels)",
        float(losses.nll_loss(log_probs, y)),
        log_softmax_backward(np.exp(log_probs), gradients.nll_loss(log_probs, y), axis=0),
    )
    row_sums = np.exp(log_probs).sum(axis=1)
    return _card(
        "softmax_dim",
        "7",
        ("scale", "wrong_answer"),
        written,
        _nll_meant(state),
        _torch_snippet(
            state,
            None,
            "F.nll_loss(F.log_softmax(logits, dim=0), labels)",
            "F.nll_loss(F.log_softmax(logits, dim=1), labels)",
        ),
        row_sums=fmt_vector(row_sums),
    )


def bce_saturation(state):
    """BCELoss on a float32 sigmoid of a large logit z with target 0 against BCEWithLogitsLoss."""
    logit, target = np.array([state.big_logit], np.float32), np.zeros(1, np.float32)
    prob = losses.sigmoid(logit)
    sigmoid_slope = prob * (1 - prob)  # what autograd multiplies by on the way back through sigmoid
    written = Outcome(
        "loss = nn.BCELoss()(torch.sigmoid(logit), target)",
        float(losses.binary_cross_entropy(prob, target)),
        gradients.binary_cross_entropy(prob, target) * sigmoid_slope,
    )
    meant = Outcome(
        "loss = nn.BCEWithLogitsLoss()(logit, target)",
        float(losses.binary_cross_entropy_with_logits(logit, target)),
        gradients.binary_cross_entropy_with_logits(logit, target),
    )
    lines = [
        *TORCH_IMPORTS,
        f"logit = torch.tensor([{float(state.big_logit)!r}], requires_grad=True)  # confidently wrong",
        "target = torch.tensor([0.0])",
        "",
        "wrong = nn.BCELoss()(torch.sigmoid(logit), target)  # sigmoid rounds to 1.0, log(0) clamps at -100",
        "fixed = nn.BCEWithLogitsLoss()(logit, target)",
        *torch_report([(WRITTEN, "wrong"), (MEANT, "fixed")], "logit"),
    ]
    return _card(
        "bce_saturation",
        "8",
        ("spikes", "tiny_grad"),
        written,
        meant,
        "\n".join(lines),
        logit=f"{state.big_logit:g}",
        prob=f"{float(prob[0]):.8f}",
        clamp=f"{-losses.BCE_LOG_FLOOR:g}",
    )


def padded_batch(state):
    """The batch with one padding row (logits 0, label -100) appended, as sequence batches carry them."""
    logits = np.vstack([state.z, np.zeros((1, state.num_classes))])
    return logits, np.append(state.y, PAD_LABEL)


def ignore_index_mean(state):
    logits, labels = padded_batch(state)
    rows = labels.size
    written = Outcome(
        'per_row = F.cross_entropy(logits, labels, reduction="none")\n'
        "loss = per_row.mean()  # counts the padding row",
        float(losses.cross_entropy(logits, labels, reduction="none").mean()),
        gradients.cross_entropy(logits, labels, reduction="sum") / rows,
    )
    meant = Outcome(
        "loss = F.cross_entropy(logits, labels)  # ignore_index=-100: padding not counted",
        float(losses.cross_entropy(logits, labels)),
        gradients.cross_entropy(logits, labels),
    )
    lines = [
        *TORCH_IMPORTS,
        torch_tensor("logits", logits, grad=True),
        torch_tensor("labels", labels, integer=True) + f"  # the last row is padding ({PAD_LABEL})",
        "",
        'wrong = F.cross_entropy(logits, labels, reduction="none").mean()  # divides by every row',
        "fixed = F.cross_entropy(logits, labels)  # divides by the rows that count",
        *torch_report([(WRITTEN, "wrong"), (MEANT, "fixed")], "logits"),
    ]
    return _card(
        "ignore_mean",
        "9",
        ("scale",),
        written,
        meant,
        "\n".join(lines),
        rows=rows,
        counted=rows - 1,
        pad=PAD_LABEL,
    )


def legacy_size_average(state):
    """Old code's size_average=False: torch still takes it, reads it as reduction='sum' and warns."""
    z, y = state.z, state.y
    reduction = legacy_reduction(size_average=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # the card itself says what torch warns
        written = Outcome(
            "criterion = nn.CrossEntropyLoss(size_average=False)\n"
            "loss = criterion(logits, labels)",
            float(losses.cross_entropy(z, y, size_average=False)),
            gradients.cross_entropy(z, y, size_average=False),
        )
    snippet = _torch_snippet(
        state,
        None,
        "nn.CrossEntropyLoss(size_average=False)(logits, labels)  # warns, then sums",
        "nn.CrossEntropyLoss()(logits, labels)",
    )
    return _card(
        "legacy_reduction",
        "10",
        ("scale",),
        written,
        _cross_entropy(state),
        snippet,
        reduction=reduction,
        warning=LEGACY_REDUCTION_WARNING.format(reduction),
        rows=state.num_rows,
    )


CARDS = (
    double_softmax,
    probabilities_to_bce_with_logits,
    nll_on_probabilities,
    nll_on_logits,
    keras_from_logits,
    onehot_with_weights,
    kl_div_mean,
    kl_div_swapped,
    softmax_wrong_dim,
    bce_saturation,
    ignore_index_mean,
    legacy_size_average,
)


def matching(mistakes, symptom):
    """The cards that show `symptom` ('all': every card)."""
    return [m for m in mistakes if symptom == "all" or symptom in m.symptoms]


def _card(key, number, symptoms, written, meant, snippet, wrt="z", framework="PyTorch", **facts):
    return Mistake(key, number, framework, symptoms, wrt, written, meant, snippet, facts)


def _cross_entropy(state):
    z, y = state.z, state.y
    return Outcome(
        "criterion = nn.CrossEntropyLoss()\nloss = criterion(logits, labels)",
        float(losses.cross_entropy(z, y)),
        gradients.cross_entropy(z, y),
    )


def _nll_meant(state):
    outcome = _cross_entropy(state)
    return Outcome("loss = F.nll_loss(F.log_softmax(logits, dim=1), labels)", outcome.loss, outcome.gradient)


def _torch_snippet(state, setup, wrong, fixed):
    """The batch as float32 tensors, one setup line, the wrong and the fixed call, and the report."""
    lines = [
        *TORCH_IMPORTS,
        torch_tensor("logits", state.z, grad=True),
        torch_tensor("labels", state.y, integer=True),
        "",
        *([setup] if setup else []),
        f"wrong = {wrong}",
        f"fixed = {fixed}",
        *torch_report([(WRITTEN, "wrong"), (MEANT, "fixed")], "logits"),
    ]
    return "\n".join(lines)


def _kl_snippet(state, wrong):
    eps, classes = SOFT_TARGET_SMOOTHING, state.num_classes
    lines = [
        *TORCH_IMPORTS,
        torch_tensor("logits", state.z, grad=True),
        torch_tensor("labels", state.y, integer=True),
        f"target = F.one_hot(labels, {classes}).float() * {1 - eps:g} + {eps:g} / {classes}  # soft targets",
        "",
        f"wrong = {wrong}",
        'fixed = F.kl_div(F.log_softmax(logits, dim=1), target, reduction="batchmean")',
        *torch_report([(WRITTEN, "wrong"), (MEANT, "fixed")], "logits"),
    ]
    return "\n".join(lines)
