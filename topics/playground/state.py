"""The playground's state: K logits, a target (a true class, label smoothing or soft labels), a
temperature, the descent panel's settings, and their URL parameters; the control values that a paste, a
random draw or a drag of the bars sets.
"""

import numpy as np

from topics.shared.changes import Change
from topics.shared.inputs import InputError, Problem
from topics.shared.parsing import parse_vector
from topics.shared.sample import SampleState
from topics.shared.url_params import BoolParam, ChoiceParam, FloatParam, IntParam

TARGET_KINDS = ("class", "soft", "smoothed")
INPUT_MODES = ("drag", "sliders")  # how the logits are set: the draggable bars or one slider each
LOGIT_STEP = 0.1
LOGIT_RANGE = (-10.0, 10.0)
CLASS_RANGE = (2, 10)
TEMPERATURE_RANGE = (0.1, 10.0)
TEMPERATURE_STEP = 0.1
SMOOTHING_STEP = 0.01
WEIGHT_STEP = 0.01  # the soft weights' grid: fine enough for a dragged target bar
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
            FloatParam(f"pg_y{i}", 0.0, 1.0, default=_default_weight(i), step=WEIGHT_STEP)
            for i in range(MAX_CLASSES)
        ],
        FloatParam("pg_eps", 0.0, 1.0, default=0.1, step=SMOOTHING_STEP),
        FloatParam("pg_t", *TEMPERATURE_RANGE, default=1.0, step=TEMPERATURE_STEP),
        FloatParam("pg_lr", 0.05, 10.0, default=1.0, step=0.05),
        IntParam("pg_steps", 1, 100, default=20),
        BoolParam("pg_path", default=False),
        ChoiceParam("pg_input", INPUT_MODES, default="drag"),
    ]


def logit_keys(num_classes):
    """The URL keys of the first `num_classes` logits (what a paste or a random draw sets)."""
    return tuple(f"pg_z{i}" for i in range(num_classes))


def state_from_values(values):
    """The SampleState for the control values (keys as in url_specs)."""
    num_classes = values["pg_k"]
    return SampleState(
        logits=tuple(values[f"pg_z{i}"] for i in range(num_classes)),
        true_class=min(values["pg_class"], num_classes - 1),
        target_kind=values["pg_target"],
        soft_weights=tuple(values[f"pg_y{i}"] for i in range(num_classes)),
        smoothing=values["pg_eps"],
        temperature=values["pg_t"],
    )


def values_for_logits(logits):
    """Control values that set K and the logits to `logits` (a paste, a random draw, a step)."""
    rounded = rounded_logits(logits)
    return {"pg_k": len(rounded), **{f"pg_z{i}": z for i, z in enumerate(rounded)}}


def pasted(text):
    """The Change a paste of logits asks for ('2, 1, 0.1', 'tensor([2.0, 1.0, 0.1])'); InputError saying
    why the text cannot be read (never eval)."""
    try:
        logits = parse_vector(text, min_length=CLASS_RANGE[0], max_length=MAX_CLASSES, max_abs=1e6)
    except ValueError as error:
        raise InputError([Problem("pg.paste_error", {"error": str(error)})]) from None
    clipped = ("pg.clipped",) if np.any(np.abs(logits) > LOGIT_RANGE[1]) else ()
    return Change(values_for_logits(logits), "success", "pg.paste_ok", {"count": len(logits)}, clipped)


def reset():
    """The Change back to the defaults."""
    return Change({spec.key: spec.default for spec in url_specs()})


def random_draw(num_classes, rng=None):
    """The Change to K logits drawn at random (random_logits)."""
    return Change(values_for_logits(random_logits(rng or np.random.default_rng(), num_classes)))


def dragged(raw, num_classes):
    """The Change a release of the live controls asks for: `raw` is the browser's {logits, weights,
    trueClass, temperature, smoothing}; each part that is broken or stale changes nothing."""
    if not isinstance(raw, dict):
        return Change({})
    values = values_from_drag(raw.get("logits"), num_classes)
    values |= _weights_from_drag(raw.get("weights"), num_classes)
    true_class = raw.get("trueClass")
    if _is_number(true_class) and true_class == int(true_class) and 0 <= true_class < num_classes:
        values["pg_class"] = int(true_class)
    for key, name, (low, high), step in (
        ("pg_t", "temperature", TEMPERATURE_RANGE, TEMPERATURE_STEP),
        ("pg_eps", "smoothing", (0.0, 1.0), SMOOTHING_STEP),
    ):
        value = raw.get(name)
        if _is_number(value) and low <= value <= high:
            values[key] = _on_grid(value, step)
    return Change(values)


def _weights_from_drag(raw, num_classes):
    """pg_y0.. for soft weights sent by the browser: K numbers in [0, 1] on the weights' grid, else {}."""
    if not isinstance(raw, list | tuple) or len(raw) != num_classes:
        return {}
    if not all(_is_number(w) and 0 <= w <= 1 for w in raw):
        return {}
    return {f"pg_y{i}": _on_grid(w, WEIGHT_STEP) for i, w in enumerate(raw)}


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and bool(np.isfinite(value))


def _on_grid(value, step):
    return round(round(value / step) * step, 10)


def inconsistent_values(values):
    """Keys whose values do not fit together: a true class that is not one of the K classes."""
    return ["pg_class"] if values["pg_class"] >= values["pg_k"] else []


def _default_logit(index):
    return SEED_LOGITS[index] if index < len(SEED_LOGITS) else 0.0


def _default_weight(index):
    return DEFAULT_SOFT_WEIGHTS[index] if index < len(DEFAULT_SOFT_WEIGHTS) else 0.0


def random_logits(rng, num_classes):
    """Logits drawn from N(0, 2.5^2), on the sliders' 0.1 grid."""
    return rounded_logits(rng.normal(0.0, 2.5, size=num_classes))


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


def rounded_logits(values):
    """Logits on the sliders' 0.1 grid, inside LOGIT_RANGE."""
    low, high = LOGIT_RANGE
    return tuple(float(v) for v in np.round(np.clip(values, low, high), 1))
