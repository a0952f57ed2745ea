"""The playground's numbers: one vector of logits, a target and a temperature, and all that follows.

Every value comes from core.losses and core.gradients, called as torch would be called on the same
tensors: the logits are divided by the temperature T, then
    true class c          -> cross_entropy(z / T, c)
    label smoothing eps   -> cross_entropy(z / T, c, label_smoothing=eps)
    soft labels y         -> cross_entropy(z / T, y)
and the gradient with respect to z is the gradient with respect to z / T, divided by T: (p - y) / T.
"""

from dataclasses import dataclass, replace

import numpy as np

from core import figures, gradients, losses
from core.figures import PageFigure
from core.formatting import fmt, fmt_vector
from core.i18n import text
from core.url_params import BoolParam, ChoiceParam, FloatParam, IntParam

TARGET_KINDS = ("class", "soft", "smoothed")
INPUT_MODES = ("drag", "sliders")  # how the logits are set: the draggable bars or one slider each
LOGIT_STEP = 0.1
LOGIT_RANGE = (-10.0, 10.0)
CLASS_RANGE = (2, 10)
TEMPERATURE_RANGE = (0.1, 10.0)
SEED_LOGITS = (2.0, 1.0, 0.1)  # seed 000's first sample, true class 0
DEFAULT_SOFT_WEIGHTS = (0.6, 0.3, 0.1)
MAX_CLASSES = CLASS_RANGE[1]


def url_specs():
    """The playground's controls as URL parameters: key, allowed values, default."""
    low, high = LOGIT_RANGE
    return [
        IntParam("pg_k", *CLASS_RANGE, default=len(SEED_LOGITS)),
        *[
            FloatParam(f"pg_z{i}", low, high, default=_default_logit(i), step=LOGIT_STEP)
            for i in range(MAX_CLASSES)
        ],
        ChoiceParam("pg_target", TARGET_KINDS, default="class"),
        IntParam("pg_class", 0, MAX_CLASSES - 1, default=0),
        *[
            FloatParam(f"pg_y{i}", 0.0, 1.0, default=_default_weight(i), step=0.05)
            for i in range(MAX_CLASSES)
        ],
        FloatParam("pg_eps", 0.0, 1.0, default=0.1, step=0.01),
        FloatParam("pg_t", *TEMPERATURE_RANGE, default=1.0, step=0.1),
        FloatParam("pg_lr", 0.05, 10.0, default=1.0, step=0.05),
        IntParam("pg_steps", 1, 100, default=20),
        BoolParam("pg_path", default=False),
        ChoiceParam("pg_input", INPUT_MODES, default="drag"),
    ]


def state_from_values(values):
    """The PlaygroundState for the control values (keys as in url_specs)."""
    num_classes = values["pg_k"]
    return PlaygroundState(
        logits=tuple(values[f"pg_z{i}"] for i in range(num_classes)),
        true_class=min(values["pg_class"], num_classes - 1),
        target_kind=values["pg_target"],
        soft_weights=tuple(values[f"pg_y{i}"] for i in range(num_classes)),
        smoothing=values["pg_eps"],
        temperature=values["pg_t"],
    )


def values_for_logits(logits):
    """Control values that set K and the logits to `logits` (a paste, a random draw, a step)."""
    rounded = _rounded_logits(logits)
    return {"pg_k": len(rounded), **{f"pg_z{i}": z for i, z in enumerate(rounded)}}


def inconsistent_values(values):
    """Keys whose values do not fit together: a true class that is not one of the K classes."""
    return ["pg_class"] if values["pg_class"] >= values["pg_k"] else []


def _default_logit(index):
    return SEED_LOGITS[index] if index < len(SEED_LOGITS) else 0.0


def _default_weight(index):
    return DEFAULT_SOFT_WEIGHTS[index] if index < len(DEFAULT_SOFT_WEIGHTS) else 0.0


@dataclass(frozen=True)
class PlaygroundState:
    """What a person sets on the playground."""

    logits: tuple = SEED_LOGITS
    true_class: int = 0
    target_kind: str = "class"
    soft_weights: tuple = ()  # raw weights of the soft labels, normalised by target_distribution
    smoothing: float = 0.1
    temperature: float = 1.0

    @property
    def num_classes(self):
        return len(self.logits)


@dataclass(frozen=True)
class Readout:
    """Everything the page shows for one state."""

    logits: np.ndarray
    scaled_logits: np.ndarray  # z / T
    target: np.ndarray  # y, a distribution over the K classes
    probs: np.ndarray  # p = softmax(z / T)
    loss: float
    logsumexp: float  # logsumexp(z / T)
    target_logit: float  # sum_k y_k z_k / T  (z_c / T for a true class)
    entropy: float  # H(p)
    target_entropy: float  # H(y): the lowest loss this target allows
    uniform_loss: float  # log K: the loss of a uniform guess
    gradient: np.ndarray  # dL/dz = (p - y) / T


def target_distribution(state):
    """y: one-hot at the true class, smoothed to (1 - eps) onehot + eps / K, or the normalised soft
    weights (uniform if they are all zero)."""
    num_classes = state.num_classes
    if state.target_kind == "soft":
        weights = np.clip(np.asarray(state.soft_weights, dtype=float)[:num_classes], 0, None)
        if weights.size < num_classes:
            weights = np.concatenate([weights, np.zeros(num_classes - weights.size)])
        total = weights.sum()
        return weights / total if total > 0 else np.full(num_classes, 1 / num_classes)
    one_hot = np.eye(num_classes)[state.true_class]
    if state.target_kind == "smoothed":
        return losses.probability_target(one_hot, np.float64, -100, state.smoothing, num_classes)
    return one_hot


def loss_arguments(state):
    """(target, label_smoothing): the arguments torch's cross_entropy gets for this state."""
    if state.target_kind == "soft":
        return target_distribution(state), 0.0
    smoothing = state.smoothing if state.target_kind == "smoothed" else 0.0
    return np.array(state.true_class), smoothing


def evaluate(state):
    """The Readout of a state."""
    logits = np.asarray(state.logits, dtype=float)
    scaled = logits / state.temperature
    target, smoothing = loss_arguments(state)
    distribution = target_distribution(state)
    probs = losses.softmax(scaled)
    return Readout(
        logits=logits,
        scaled_logits=scaled,
        target=distribution,
        probs=probs,
        loss=float(losses.cross_entropy(scaled, target, label_smoothing=smoothing)),
        logsumexp=float(losses.logsumexp(scaled)),
        target_logit=float(distribution @ scaled),
        entropy=float(losses.entropy(probs)),
        target_entropy=float(losses.entropy(distribution)),
        uniform_loss=float(np.log(state.num_classes)),
        gradient=gradients.cross_entropy(scaled, target, label_smoothing=smoothing) / state.temperature,
    )


def gradient_step(state, learning_rate):
    """The state after one step z <- z - lr * dL/dz, logits kept inside LOGIT_RANGE."""
    new_logits = np.asarray(state.logits) - learning_rate * evaluate(state).gradient
    return replace(state, logits=_rounded_logits(new_logits))


@dataclass(frozen=True)
class DescentPath:
    logits: np.ndarray  # (steps + 1, K)
    probs: np.ndarray  # (steps + 1, K)
    losses: np.ndarray  # (steps + 1,)


def descent_path(state, learning_rate, steps):
    """Plain gradient descent from the state for `steps` steps (not rounded, not clipped)."""
    target, smoothing = loss_arguments(state)
    logits = np.empty((steps + 1, state.num_classes))
    logits[0] = state.logits
    for step in range(steps):  # each step depends on the one before
        grad = gradients.cross_entropy(logits[step] / state.temperature, target, label_smoothing=smoothing)
        logits[step + 1] = logits[step] - learning_rate * grad / state.temperature
    scaled = logits / state.temperature
    path_losses = np.array([losses.cross_entropy(row, target, label_smoothing=smoothing) for row in scaled])
    return DescentPath(logits=logits, probs=losses.softmax(scaled, axis=1), losses=path_losses)


def random_logits(rng, num_classes):
    """Logits drawn from N(0, 2.5^2), on the sliders' 0.1 grid."""
    return _rounded_logits(rng.normal(0.0, 2.5, size=num_classes))


def values_after_step(state, learning_rate):
    """Control values after one gradient step, and (loss before, loss after, whether a logit was clipped)."""
    raw = np.asarray(state.logits) - learning_rate * evaluate(state).gradient
    stepped = gradient_step(state, learning_rate)
    clipped = bool(np.any(np.abs(raw) > LOGIT_RANGE[1]))
    return values_for_logits(stepped.logits), (evaluate(state).loss, evaluate(stepped).loss, clipped)


@dataclass(frozen=True)
class GradientStory:
    """The facts behind the page's one-sentence reading of the gradient."""

    rising_class: int  # the logit a gradient step raises most (most negative gradient)
    falling_class: int  # the logit a gradient step lowers most
    largest_step: float  # max |dL/dz|
    at_minimum: bool  # the gradient is (almost) zero: p already equals y


def gradient_story(readout, tolerance=1e-3):
    grad = readout.gradient
    return GradientStory(
        rising_class=int(np.argmin(grad)),
        falling_class=int(np.argmax(grad)),
        largest_step=float(np.max(np.abs(grad))),
        at_minimum=bool(np.max(np.abs(grad)) < tolerance),
    )


MAX_EXPANDED_TERMS = 4


def formula_lines(state, readout):
    """The loss written out with the current numbers, as two LaTeX `aligned` blocks short enough for a
    phone: L = -sum_k y_k log p_k = ... and L = logsumexp(z / T) - sum_k y_k z_k / T = ..."""
    scale = "" if state.temperature == 1 else f"/{state.temperature:g}"
    if state.target_kind == "class":
        c = state.true_class
        expanded = [rf"-\log p_{{{c}}} = -\log({fmt(readout.probs[c])})"]
        z_term = rf"z_{{{c}}}{scale}"
    else:
        expanded = _expanded_sum(readout)
        z_term = rf"\sum_k y_k z_k{scale}"
    cross = [
        r"L &= -\sum_k y_k \log p_k",
        *[rf"&= {expanded[0]}"],
        *[rf"&\quad {row}" for row in expanded[1:]],
        rf"&= {fmt(readout.loss)}",
    ]
    logsumexp = [
        rf"L &= \operatorname{{logsumexp}}(z{scale}) - {z_term}",
        rf"&= {fmt(readout.logsumexp)} - {_parenthesised(readout.target_logit)}",
        rf"&= {fmt(readout.loss)}",
    ]
    return [_aligned(cross), _aligned(logsumexp)]


def _aligned(rows):
    return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"


def _expanded_sum(readout, per_row=1):
    """-(y_a log p_a + y_b log p_b ...) over the classes with y > 0, `per_row` terms a row."""
    terms = [rf"{fmt(y)}\log {fmt(p)}" for y, p in zip(readout.target, readout.probs, strict=True) if y > 0]
    if len(terms) > MAX_EXPANDED_TERMS:
        terms = terms[:MAX_EXPANDED_TERMS] + [r"\dots"]
    rows = [" + ".join(terms[k : k + per_row]) for k in range(0, len(terms), per_row)]
    rows = [("-(" if k == 0 else "+ ") + row for k, row in enumerate(rows)]
    return rows[:-1] + [rows[-1] + ")"]


def _parenthesised(value):
    text = fmt(value)
    return f"({text})" if text.startswith("-") else text


def drag_data(state, lang="en"):
    """What the draggable logit bars (ui/drag_logits) draw: the logits, the target distribution y from
    core (so the browser never re-derives class / soft / smoothed targets), T, the axis, the class
    labels and colours of the figures, and the words in `lang`. The browser computes from these only
    p = softmax(z / T), L = -sum_k y_k log p_k and (p - y) / T while a bar is dragged."""
    true_class = None if state.target_kind == "soft" else state.true_class
    num_classes = state.num_classes
    return {
        "logits": [float(z) for z in state.logits],
        "target": [float(y) for y in target_distribution(state)],
        "temperature": float(state.temperature),
        "range": list(LOGIT_RANGE),
        "step": LOGIT_STEP,
        "labels": figures.class_labels(num_classes, true_class, lang),
        "trueClass": true_class,
        "colours": [figures.PALETTE[k % len(figures.PALETTE)] for k in range(num_classes)],
        "text": {
            "group": text(lang, "pg.drag.group"),
            "logits": text(lang, "pg.drag.logits"),
            "probs": text(lang, "pg.drag.probs"),
            "gradient": text(lang, "pg.drag.gradient"),
            "loss": text(lang, "pg.loss"),
            "sliderLabels": [text(lang, "pg.logit", index=k) for k in range(num_classes)],
            "valueText": text(lang, "pg.drag.value_text", z="{z}", p="{p}"),  # the browser fills these in
        },
    }


def values_from_drag(raw, num_classes):
    """Control values for logits sent back by the drag bars, or {} when `raw` is not K finite numbers
    (the browser is not trusted: a stale or broken message changes nothing)."""
    if not isinstance(raw, list | tuple) or len(raw) != num_classes:
        return {}
    if not all(isinstance(z, int | float) and not isinstance(z, bool) for z in raw):
        return {}
    logits = np.asarray(raw, dtype=float)
    if not np.all(np.isfinite(logits)):
        return {}
    return values_for_logits(logits)


def _rounded_logits(values):
    low, high = LOGIT_RANGE
    return tuple(float(v) for v in np.round(np.clip(values, low, high), 1))


# Figures: the page and the figure exporter both draw through these.

CAPTION_DECIMALS = 3  # "p = [0.659, 0.242, 0.099], loss 0.417": short enough for a caption


def marked_class(state):
    """The class the figures mark as true (hatched, starred): None for soft labels."""
    return None if state.target_kind == "soft" else state.true_class


def logits_page_figure(state, readout, lang="en", theme="light"):
    """The logits bar chart with its caption and alt text."""
    true_class = marked_class(state)
    return PageFigure(
        figures.logits_figure(readout.logits, true_class, lang, theme),
        caption=text(lang, "cap.pg.logits", classes=state.num_classes, **_caption_fields(state, lang)),
        alt=figures.logits_alt(readout.logits, true_class, lang),
    )


def probability_page_figure(state, readout, lang="en", theme="light"):
    """Softmax p against the target y, with its caption ("Softmax of logits ...: p = ..., loss ...")."""
    caption = text(
        lang,
        "cap.pg.probs",
        probs=fmt_vector(readout.probs, CAPTION_DECIMALS),
        loss=fmt(readout.loss, CAPTION_DECIMALS),
        **_caption_fields(state, lang),
    )
    return PageFigure(
        figures.probability_figure(readout.probs, readout.target, marked_class(state), lang, theme),
        caption=caption,
        alt=figures.probability_alt(readout.probs, readout.target, readout.loss, lang),
    )


def gradient_page_figure(state, readout, lang="en", theme="light"):
    """The gradient (p - y) / T with its caption: which logit a step raises and lowers most."""
    story = gradient_story(readout)
    caption = text(
        lang,
        "cap.pg.gradient_zero" if story.at_minimum else "cap.pg.gradient",
        gradient=fmt_vector(readout.gradient, CAPTION_DECIMALS),
        rising=story.rising_class,
        falling=story.falling_class,
        **_caption_fields(state, lang),
    )
    return PageFigure(
        figures.gradient_figure(readout.gradient, state.temperature, lang, theme),
        caption=caption,
        alt=figures.gradient_alt(readout.gradient, lang),
    )


def path_page_figures(state, learning_rate, steps, lang="en", theme="light"):
    """(loss over the steps, probabilities over the steps) of gradient descent from the state."""
    path = descent_path(state, learning_rate, steps)
    fields = {"steps": steps, "lr": fmt(learning_rate, 2), **_caption_fields(state, lang)}
    alt = figures.path_alt(path, lang)
    loss_caption = text(
        lang,
        "cap.pg.path_loss",
        first=fmt(path.losses[0], CAPTION_DECIMALS),
        last=fmt(path.losses[-1], CAPTION_DECIMALS),
        **fields,
    )
    probs_caption = text(
        lang,
        "cap.pg.path_probs",
        first=fmt_vector(path.probs[0], CAPTION_DECIMALS),
        last=fmt_vector(path.probs[-1], CAPTION_DECIMALS),
        **fields,
    )
    return (
        PageFigure(figures.loss_path_figure(path, lang, theme), caption=loss_caption, alt=alt),
        PageFigure(
            figures.probability_path_figure(path, marked_class(state), lang, theme),
            caption=probs_caption,
            alt=alt,
        ),
    )


def page_figures(values, lang="en", theme="light"):
    """Every figure of the playground for the control values (keys as in url_specs), by name."""
    state = state_from_values(values)
    readout = evaluate(state)
    path_loss, path_probs = path_page_figures(state, values["pg_lr"], values["pg_steps"], lang, theme)
    return {
        "logits": logits_page_figure(state, readout, lang, theme),
        "probs": probability_page_figure(state, readout, lang, theme),
        "gradient": gradient_page_figure(state, readout, lang, theme),
        "path_loss": path_loss,
        "path_probs": path_probs,
    }


def _caption_fields(state, lang):
    """The words every playground caption shares: the logits, the target and the temperature."""
    if state.target_kind == "soft":
        weights = fmt_vector(target_distribution(state), CAPTION_DECIMALS)
        target = text(lang, "cap.target.soft", weights=weights)
    elif state.target_kind == "smoothed":
        target = text(lang, "cap.target.smoothed", index=state.true_class, eps=f"{state.smoothing:g}")
    else:
        target = text(lang, "cap.target.class", index=state.true_class)
    temperature = ""
    if state.temperature != 1:
        temperature = text(lang, "cap.temperature", temperature=f"{state.temperature:g}")
    return {"logits": fmt_vector(state.logits, 1), "target": target, "temperature": temperature}
