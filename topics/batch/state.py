"""The batch page's state: what a person sets (BatchState), its URL parameters, and the control values
that follow a change of shape, of ignore_index or an example: each such function returns new control
values that fit together (or a Change that also says what it did).
"""

from dataclasses import dataclass

from topics.shared.changes import Change
from topics.shared.i18n import text
from topics.shared.inputs import (
    CLASS_RANGE,
    IGNORE_LIMIT,
    LOGIT_LIMIT,
    MAX_CLASSES,
    MAX_ROWS,
    WEIGHT_LIMIT,
    label_problems,
)
from topics.shared.seeds import SEED_000_LABELS, SEED_000_LOGITS
from topics.shared.url_params import ChoiceParam, FloatParam, IntParam, MatrixParam, VectorParam

TARGET_FORMS = ("index", "onehot", "probs")
REDUCTIONS = ("mean", "sum", "none")
ROW_RANGE = (1, MAX_ROWS)
DEFAULT_IGNORE = -100  # torch's default ignore_index


def url_specs():
    """The batch page's controls as URL parameters (all prefixed bt_)."""
    return [
        MatrixParam(
            "bt_logits",
            SEED_000_LOGITS,
            max_rows=MAX_ROWS,
            max_cols=MAX_CLASSES,
            min_cols=CLASS_RANGE[0],
            max_abs=LOGIT_LIMIT,
        ),
        VectorParam("bt_labels", SEED_000_LABELS, max_length=MAX_ROWS, integer=True, max_abs=IGNORE_LIMIT),
        ChoiceParam("bt_reduction", REDUCTIONS, default="mean"),
        VectorParam(
            "bt_weight",
            (),
            max_length=MAX_CLASSES,
            min_length=CLASS_RANGE[0],
            max_abs=WEIGHT_LIMIT,
            low=0.0,
        ),
        IntParam("bt_ignore", -IGNORE_LIMIT, IGNORE_LIMIT, default=DEFAULT_IGNORE),
        FloatParam("bt_ls", 0.0, 1.0, default=0.0, step=0.01),
        ChoiceParam("bt_target", TARGET_FORMS, default="index"),
        MatrixParam(
            "bt_probs",
            (),
            max_rows=MAX_ROWS,
            max_cols=MAX_CLASSES,
            min_cols=CLASS_RANGE[0],
            max_abs=WEIGHT_LIMIT,
            low=0.0,
        ),
    ]


DEFAULTS = {spec.key: spec.default for spec in url_specs()}


@dataclass(frozen=True)
class BatchState:
    """What a person sets on the batch page."""

    logits: tuple = SEED_000_LOGITS  # N rows of C floats
    labels: tuple = SEED_000_LABELS  # N ints: a class 0..C-1 or ignore_index
    reduction: str = "mean"
    weight: tuple = ()  # C floats >= 0, or () for weight=None
    ignore_index: int = DEFAULT_IGNORE
    label_smoothing: float = 0.0
    target_form: str = "index"  # class indices, one-hot probabilities, or free probability rows
    probs: tuple = ()  # raw probability rows for target_form="probs"; () = one-hot of the labels

    @property
    def num_rows(self):
        return len(self.logits)

    @property
    def num_classes(self):
        return len(self.logits[0])


def state_from_values(values):
    """The BatchState for the control values (keys as in url_specs)."""
    return BatchState(
        logits=tuple(tuple(float(v) for v in row) for row in values["bt_logits"]),
        labels=tuple(int(v) for v in values["bt_labels"]),
        reduction=values["bt_reduction"],
        weight=tuple(float(v) for v in values["bt_weight"]),
        ignore_index=int(values["bt_ignore"]),
        label_smoothing=float(values["bt_ls"]),
        target_form=values["bt_target"],
        probs=tuple(tuple(float(v) for v in row) for row in values["bt_probs"]),
    )


def inconsistent_values(values):
    """Keys whose values do not fit together (from a link): labels that do not match the rows or the
    classes, weights or probability rows of the wrong shape. The batch keys come in pairs."""
    logits, labels, ignore = values["bt_logits"], values["bt_labels"], values["bt_ignore"]
    bad = []
    if len(labels) != len(logits) or label_problems(labels, len(logits[0]), ignore):
        bad += ["bt_logits", "bt_labels"]
        logits = SEED_000_LOGITS
    num_rows, num_classes = len(logits), len(logits[0])
    if values["bt_weight"] and len(values["bt_weight"]) != num_classes:
        bad.append("bt_weight")
    probs = values["bt_probs"]
    if probs and (
        len(probs) != num_rows or len(probs[0]) != num_classes or any(sum(row) <= 0 for row in probs)
    ):
        bad.append("bt_probs")
    return bad


def resized_values(values, num_rows, num_classes):
    """Control values for a batch of `num_rows` x `num_classes`: new rows get logits 0 and label 0, new
    classes logit 0 (weight 1), and labels past the last class become the last class.
    Returns (values, rows whose label changed)."""
    logits = [list(row[:num_classes]) + [0.0] * (num_classes - len(row)) for row in values["bt_logits"]]
    logits = (logits + [[0.0] * num_classes for _ in range(num_rows)])[:num_rows]
    labels = (list(values["bt_labels"]) + [0] * num_rows)[:num_rows]
    ignore = values["bt_ignore"]
    changed = [n for n, y in enumerate(labels) if y >= num_classes and y != ignore]
    labels = [num_classes - 1 if n in changed else y for n, y in enumerate(labels)]
    weight = values["bt_weight"]
    if weight:
        weight = tuple(weight[:num_classes]) + (1.0,) * (num_classes - len(weight))
    probs = values["bt_probs"]
    if probs:
        seeded = seed_probability_rows(labels, num_classes)
        rows = [list(row[:num_classes]) + [0.0] * (num_classes - len(row)) for row in probs]
        rows = [row if sum(row) > 0 else list(seeded[n]) for n, row in enumerate(rows)]
        probs = tuple(tuple(row) for row in (rows + [list(r) for r in seeded[len(rows) :]])[:num_rows])
    new = {
        "bt_logits": tuple(tuple(row) for row in logits),
        "bt_labels": tuple(labels),
        "bt_weight": weight,
        "bt_probs": probs,
    }
    return new, changed


def relabelled_for_ignore(labels, num_classes, old_ignore, new_ignore):
    """Labels after ignore_index changes: rows that carried the old ignore_index (and are no class)
    carry the new one, so they stay ignored. Returns (labels, rows changed)."""
    changed = [n for n, y in enumerate(labels) if y == old_ignore and not 0 <= y < num_classes]
    return tuple(new_ignore if n in changed else y for n, y in enumerate(labels)), changed


def seed_probability_rows(labels, num_classes):
    """Starting probability rows: one-hot at the label, uniform where the label is no class."""
    uniform = (1.0 / num_classes,) * num_classes
    return tuple(
        tuple(float(c == y) for c in range(num_classes)) if 0 <= y < num_classes else uniform for y in labels
    )


def probability_rows(state):
    """The raw probability rows of the 'probs' target form (the stored ones, or seeded from the labels)."""
    if state.probs and len(state.probs) == state.num_rows and len(state.probs[0]) == state.num_classes:
        return state.probs
    return seed_probability_rows(state.labels, state.num_classes)


def carried_probability_rows(probs, origins, labels, num_classes):
    """bt_probs after rows were added to or deleted from the batch table: surviving rows keep their
    probability row, new rows are seeded from their labels. `origins` holds each row's old position
    (None for a new row). () stays () (the rows are then seeded from the labels anyway)."""
    if not probs:
        return ()
    seeded = seed_probability_rows(labels, num_classes)
    return tuple(
        tuple(probs[o]) if o is not None and 0 <= o < len(probs) else seeded[n] for n, o in enumerate(origins)
    )


EXAMPLES = {
    "seed": {},
    "weighted": {"bt_weight": (1.0, 1.0, 2.0)},
    "ignored_row": {"bt_labels": (0, DEFAULT_IGNORE)},
    "all_ignored": {"bt_labels": (DEFAULT_IGNORE, DEFAULT_IGNORE)},
    "onehot_weights": {"bt_weight": (1.0, 1.0, 2.0), "bt_target": "onehot"},
    "smoothing_weights": {"bt_weight": (1.0, 1.0, 2.0), "bt_ls": 0.1},
    "soft_rows": {"bt_target": "probs", "bt_probs": ((0.7, 0.2, 0.1), (0.1, 0.3, 0.6))},
    "sum": {"bt_reduction": "sum"},
    "underflow": {"bt_logits": ((800.0, 0.0, -800.0), (0.5, 2.0, 0.3)), "bt_labels": (2, 2)},
}


def example_values(name):
    """Control values of a named example: the seed batch with a few options changed."""
    return {**DEFAULTS, **EXAMPLES[name]}


def reshaped(values, num_rows, num_classes):
    """The Change to a batch of `num_rows` x `num_classes` (resized_values), saying which labels had to
    become the last class."""
    new, changed = resized_values(values, num_rows, num_classes)
    if not changed:
        return Change(new)
    fields = {"rows": ", ".join(map(str, changed)), "last": num_classes - 1}
    return Change(new, "info", "bt.labels_clamped", fields)


def new_ignore_index(values, old_ignore):
    """The Change ignore_index asks for once it moved from `old_ignore`: rows that carried the old one
    carry the new one (relabelled_for_ignore), said when there are any."""
    new_ignore = values["bt_ignore"]
    labels, changed = relabelled_for_ignore(
        values["bt_labels"], len(values["bt_logits"][0]), old_ignore, new_ignore
    )
    if not changed:
        return Change({"bt_labels": labels})
    fields = {"rows": ", ".join(map(str, changed)), "old": old_ignore, "new": new_ignore}
    return Change({"bt_labels": labels}, "info", "bt.labels_relabelled", fields)


def example(name, lang):
    """The Change to a named example (EXAMPLES), saying which one was loaded."""
    return Change(
        example_values(name), "info", "bt.example_loaded", {"name": text(lang, f"bt.example.{name}")}
    )


def reset():
    return Change(DEFAULTS)
