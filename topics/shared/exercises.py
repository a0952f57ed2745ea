"""Exercises: a page state with some controls locked or hidden, a task, and checks on live quantities.

An exercise travels in its link, as URL parameters beside the page's own (no server storage):
    ex_task=Make the loss small&ex_check=loss:below:0.1;p0:between:0.4:0.6&ex_lock=pg_z0&ex_hide=pg_k
Each parameter has a spec with the same `parse`/`encode` shape as topics.shared.url_params, so a link is
read by read_params like any other: a value that does not parse is refused (ValueError), and the page
opens without the exercise and with a notice.

A check compares one of the page's checkable quantities (its topics/<page>/checkable.py computes them
from the control values through core) with numbers:
    near:q:v:tol        |q - v| <= tol
    between:q:lo:hi     lo <= q <= hi
    below:q:x           q < x
    above:q:x           q > x
    logk:q:tol          |q - log K| <= tol, K the page's quantity "classes" (a uniform guess's loss)
"""

import math
import re
import unicodedata
from dataclasses import dataclass

from topics.shared.url_params import BoolParam, ChoiceParam, _bounded_text, read_params

MAX_TASK_LENGTH = 400  # characters of task text
MAX_CHECKS = 4
MAX_KEYS = 30  # locked or hidden controls
MAX_CHECK_TEXT = 300
MAX_KEY_LIST_TEXT = 600
KINDS = ("near", "between", "below", "above", "logk")
ARITY = {"near": 2, "between": 2, "below": 1, "above": 1, "logk": 1}  # numbers after the quantity
NUMBER_LIMIT = 1e6
# Something that reads as an HTML tag, comment or entity: refused, although the page never renders task
# text as HTML (a link that carries markup is hostile or broken, and the teacher should hear so).
MARKUP = re.compile(r"<[/!?a-zA-Z]|&#?\w+;")
NAME = re.compile(r"[a-z][a-z0-9_]{0,30}")

# Quantities that are 1 for yes and 0 for no (e.g. "the loss is NaN"): the panel reads `near:q:1:0` as
# "q", not "q = 1 ± 0".
YES_NO_QUANTITIES = frozenset({"loss_is_nan"})
TASK_KEY, CHECK_KEY, LOCK_KEY, HIDE_KEY = "ex_task", "ex_check", "ex_lock", "ex_hide"
LESSON_KEY, PRESENT_KEY = "lesson", "present"


@dataclass(frozen=True)
class Check:
    quantity: str
    kind: str
    numbers: tuple  # ARITY[kind] floats

    def passes(self, quantities):
        """Whether the live quantities meet this check (a missing or non-finite quantity never does)."""
        value = quantities.get(self.quantity)
        if value is None or not math.isfinite(value):
            return False
        if self.kind == "near":
            target, tolerance = self.numbers
            return abs(value - target) <= tolerance
        if self.kind == "between":
            low, high = self.numbers
            return low <= value <= high
        if self.kind == "below":
            return value < self.numbers[0]
        if self.kind == "above":
            return value > self.numbers[0]
        classes = quantities.get("classes")  # logk
        return classes is not None and abs(value - math.log(classes)) <= self.numbers[0]

    def text(self):
        return ":".join([self.kind, self.quantity, *(_number_text(n) for n in self.numbers)])


def parse_check(text, quantity_names):
    """A Check from `kind:quantity:numbers...`; ValueError naming what is wrong."""
    parts = text.strip().split(":")
    kind, quantity, numbers = parts[0], parts[1] if len(parts) > 1 else "", parts[2:]
    if kind not in KINDS:
        raise ValueError(f"unknown check {kind!r}")
    if quantity not in quantity_names:
        raise ValueError(f"unknown quantity {quantity!r}")
    if len(numbers) != ARITY[kind]:
        raise ValueError(f"{kind} takes {ARITY[kind]} number(s)")
    values = tuple(_finite_number(number) for number in numbers)
    if kind == "between" and values[0] > values[1]:
        raise ValueError("the range's low end is above its high end")
    if kind in ("near", "logk") and values[-1] < 0:
        raise ValueError("a tolerance is 0 or more")
    return Check(quantity, kind, values)


@dataclass(frozen=True)
class ChecksParam:
    """ex_check: up to MAX_CHECKS checks separated by ';', on the page's quantity names."""

    key: str
    quantity_names: frozenset
    default: tuple = ()

    def parse(self, raw):
        """Strict: every part between ';' is a check (no empty part), at most MAX_CHECKS of them, no check
        twice; a link that breaks any rule is refused whole (half a list of checks would mislead)."""
        parts = _bounded_text(raw, MAX_CHECK_TEXT).split(";")
        if len(parts) > MAX_CHECKS:
            raise ValueError(f"at most {MAX_CHECKS} checks")
        if any(not part.strip() for part in parts):
            raise ValueError("an empty check")
        checks = tuple(parse_check(part, self.quantity_names) for part in parts)
        if len({check.text() for check in checks}) < len(checks):
            raise ValueError("the same check twice")
        return checks

    def encode(self, value):
        return ";".join(check.text() for check in value)


@dataclass(frozen=True)
class KeyListParam:
    """ex_lock / ex_hide: control keys of the page, separated by ','."""

    key: str
    allowed: frozenset
    default: tuple = ()

    def parse(self, raw):
        keys = [key.strip() for key in _bounded_text(raw, MAX_KEY_LIST_TEXT).split(",") if key.strip()]
        if len(keys) > MAX_KEYS:
            raise ValueError("too many controls")
        unknown = [key for key in keys if key not in self.allowed]
        if unknown:
            raise ValueError(f"unknown control {unknown[0][:40]!r}")
        return tuple(dict.fromkeys(keys))

    def encode(self, value):
        return ",".join(value)


@dataclass(frozen=True)
class TaskParam:
    """ex_task: plain text, at most MAX_TASK_LENGTH characters, no markup, no control characters."""

    key: str = TASK_KEY
    default: str = ""

    def parse(self, raw):
        return clean_task(_bounded_text(raw, MAX_TASK_LENGTH * 4))

    def encode(self, value):
        return value


def clean_task(text):
    """The task text a teacher typed or a link carried, or ValueError saying why it cannot be used."""
    text = unicodedata.normalize("NFC", str(text)).strip()
    if len(text) > MAX_TASK_LENGTH:
        raise ValueError(f"the task is longer than {MAX_TASK_LENGTH} characters")
    if "\ufffd" in text:
        raise ValueError("the task is not valid UTF-8 text")
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs") and c not in "\n\t" for c in text):
        raise ValueError("the task holds control characters")
    if MARKUP.search(text):
        raise ValueError("the task holds HTML")
    return text


def exercise_specs(control_keys, quantity_names):
    """The URL parameters of an exercise on a page with these control keys and quantity names."""
    controls = frozenset(control_keys)
    return [
        TaskParam(),
        ChecksParam(CHECK_KEY, frozenset(quantity_names)),
        KeyListParam(LOCK_KEY, controls),
        KeyListParam(HIDE_KEY, controls),
    ]


def lesson_param(lesson_ids):
    return ChoiceParam(LESSON_KEY, tuple(lesson_ids), default="")


def presenter_param():
    return BoolParam(PRESENT_KEY, default=False)


@dataclass(frozen=True)
class Exercise:
    """What a student gets: the task, the checks, and the controls locked (at `locked_values`) or
    hidden. `lesson` names a lesson (topics.lessons) whose words come from the string tables."""

    task: str = ""
    checks: tuple = ()
    locked: tuple = ()
    hidden: tuple = ()
    locked_values: tuple = ()  # ((key, value), ...) the locked controls must hold
    lesson: str = ""

    @property
    def active(self):
        return bool(self.checks or self.task or self.locked or self.hidden or self.lesson)


def exercise_from_params(valid):
    """An Exercise from read_params' valid values (locked values are filled in when it is opened)."""
    return Exercise(
        task=valid.get(TASK_KEY, ""),
        checks=valid.get(CHECK_KEY, ()),
        locked=valid.get(LOCK_KEY, ()),
        hidden=tuple(key for key in valid.get(HIDE_KEY, ()) if key not in valid.get(LOCK_KEY, ())),
    )


def read_exercise(query, control_keys, quantity_names):
    """(Exercise or None, refused parameter names) from a URL query (a mapping of str to str). A link
    with any exercise parameter refused gives no exercise: half an exercise would mislead."""
    valid, refused = read_params(query, exercise_specs(control_keys, quantity_names))
    if refused or not valid:
        return None, refused
    return exercise_from_params(valid), []


def exercise_params(exercise):
    """The URL parameters that carry `exercise` (its page's own parameters carry the state)."""
    params = {}
    if exercise.lesson:
        return {LESSON_KEY: exercise.lesson}
    if exercise.task:
        params[TASK_KEY] = exercise.task
    if exercise.checks:
        params[CHECK_KEY] = ";".join(check.text() for check in exercise.checks)
    if exercise.locked:
        params[LOCK_KEY] = ",".join(exercise.locked)
    if exercise.hidden:
        params[HIDE_KEY] = ",".join(exercise.hidden)
    return params


@dataclass(frozen=True)
class Verdict:
    """Which checks pass now, and whether every locked control still holds its value."""

    checks: tuple  # (Check, passed) pairs
    locks_kept: bool

    @property
    def done(self):
        return bool(self.checks) and self.locks_kept and all(passed for _, passed in self.checks)


def judge(exercise, quantities, values):
    """The Verdict of an exercise for the live quantities and control values."""
    kept = all(values.get(key) == value for key, value in exercise.locked_values)
    return Verdict(tuple((check, check.passes(quantities)) for check in exercise.checks), kept)


def _finite_number(text):
    try:
        value = float(text.strip())
    except ValueError:
        raise ValueError(f"{text[:20]!r} is not a number") from None
    if not math.isfinite(value) or abs(value) > NUMBER_LIMIT:
        raise ValueError("numbers must be finite and at most 1e6 in size")
    return value


def _number_text(value):
    return f"{value:.10g}"


def indexed_name(name):
    """("p", 2) for "p2"; (name, None) for a name without a trailing class index."""
    match = re.fullmatch(r"([a-z_]*[a-z_])(\d+)", name)
    return (match.group(1), int(match.group(2))) if match else (name, None)


def quantity_label(name):
    """(i18n key, fields) of a quantity's label: "ex.q.<name>", or "ex.q.<base>_k" with {index} for p0,
    g2, ..."""
    base, index = indexed_name(name)
    return (f"ex.q.{name}", {}) if index is None else (f"ex.q.{base}_k", {"index": index})


def labelled_control(labels, key):
    """(i18n key, fields) of a control's label from a page's {control key: label} table; the key itself
    for a control the table does not name."""
    return labels.get(key, ("ex.control", {"key": key}))


def sample_quantities(readout, num_classes, true_class=None):
    """The quantities of one sample's Readout (topics.shared.sample): the loss, each p_k and each
    gradient entry, the true class's probability and gradient entry, and K."""
    found = {"loss": readout.loss, "classes": float(num_classes), "entropy": readout.entropy}
    for k in range(num_classes):
        found[f"p{k}"] = float(readout.probs[k])
        found[f"g{k}"] = float(readout.gradient[k])
    if true_class is not None:
        found["p_true"] = float(readout.probs[true_class])
        found["g_true"] = float(readout.gradient[true_class])
    return found


def sample_quantity_names(max_classes):
    return (
        "loss", "classes", "entropy", "p_true", "g_true",
        *(f"p{k}" for k in range(max_classes)), *(f"g{k}" for k in range(max_classes)),
    )  # fmt: skip
