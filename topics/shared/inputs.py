"""Reading what a person types or pastes: table cells, pasted batches of logits and labels, class weights.

Nothing here is eval'd: numbers go through topics.shared.parsing. Every reason an input cannot be used
is data (a Problem: a message kind and its fields), so a page can name each bad cell in either language
and keep the last good input. The limits are those of a batch a person edits by hand (the batch and
frameworks pages).
"""

import math
from dataclasses import dataclass, field

import numpy as np

from topics.shared.parsing import parse_matrix, parse_vector

MAX_ROWS = 16
CLASS_RANGE = (2, 8)
MAX_CLASSES = CLASS_RANGE[1]
LOGIT_LIMIT = 1e4  # |z| allowed in a cell, a paste or a link
WEIGHT_LIMIT = 1e4
IGNORE_LIMIT = 1_000_000  # |label| and |ignore_index| allowed
MAX_PROBLEMS = 6  # bad cells named in one message


@dataclass(frozen=True)
class Problem:
    """One reason an input cannot be used: `kind` names the message (see message_key)."""

    kind: str
    params: dict = field(default_factory=dict)


class InputError(ValueError):
    """Raised with every problem found (the page names each bad cell)."""

    def __init__(self, problems):
        self.problems = tuple(problems)
        super().__init__("; ".join(p.kind for p in self.problems))


def read_cell(cell, *, integer=False, limit=LOGIT_LIMIT, low=None):
    """A table cell (text, a number, None or NaN for an empty cell) as a float; raises
    InputError([Problem(kind, {"value": ...})]) with kind empty, nan, inf, not_number, too_large,
    not_whole or negative."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell) and not isinstance(cell, str)):
        raise cell_error("empty", "")
    text = str(cell).strip()
    if not text:
        raise cell_error("empty", "")
    try:
        value = float(parse_vector(text, min_length=1, max_length=1, max_abs=math.inf)[0])
    except ValueError:
        word = text.lower().lstrip("+-")
        kind = "nan" if word == "nan" else "inf" if word in ("inf", "infinity") else "not_number"
        raise cell_error(kind, text) from None
    if math.isnan(value):
        raise cell_error("nan", text)
    if math.isinf(value):
        raise cell_error("inf", text)
    if abs(value) > limit:
        raise cell_error("too_large", text, limit=f"{limit:,.0f}")
    if integer and not value.is_integer():
        raise cell_error("not_whole", text)
    if low is not None and value < low:
        raise cell_error("negative", text)
    return value


def message_key(problem):
    """The i18n key of a problem's message: "input.problem.<kind>", or the kind itself when a page names
    its own message (a kind with a dot, such as "fw.problem.weight_zero")."""
    return problem.kind if "." in problem.kind else f"input.problem.{problem.kind}"


def cell_error(kind, value, **params):
    return InputError([Problem(kind, {"value": value, **params})])


def label_problems(labels, num_classes, ignore_index, row_names=None):
    """A Problem for each label that is neither a class 0..C-1 nor ignore_index."""
    names = row_names if row_names is not None else range(len(labels))
    return [
        Problem(
            "label_range", {"row": name, "value": int(y), "last": num_classes - 1, "ignore": ignore_index}
        )
        for name, y in zip(names, labels, strict=True)
        if not (0 <= y < num_classes or y == ignore_index)
    ]


def located(error, row, column):
    """The error's problems, each naming the table cell (row and column) it was found in."""
    return [Problem(p.kind, {**p.params, "row": row, "column": column}) for p in error.problems]


def read_paste(logits_text, labels_text, current_labels, ignore_index):
    """(logits, labels) from pasted text as PyTorch or NumPy print it (topics.shared.parsing, never eval). An
    empty labels box keeps the current labels when the row count is unchanged."""
    try:
        matrix = parse_matrix(logits_text, max_rows=MAX_ROWS, max_cols=MAX_CLASSES, max_abs=LOGIT_LIMIT)
    except ValueError as error:
        raise InputError([Problem("paste_logits", {"detail": str(error)})]) from None
    num_rows, num_classes = matrix.shape
    if num_classes < CLASS_RANGE[0]:
        raise InputError([Problem("paste_classes", {"count": num_classes, "low": CLASS_RANGE[0]})])
    if not labels_text.strip():
        if len(current_labels) != num_rows:
            raise InputError(
                [Problem("paste_labels_needed", {"rows": num_rows, "current": len(current_labels)})]
            )
        labels = tuple(current_labels)
    else:
        try:
            vector = parse_vector(labels_text, max_length=MAX_ROWS, integer=True, max_abs=IGNORE_LIMIT)
        except ValueError as error:
            raise InputError([Problem("paste_labels", {"detail": str(error)})]) from None
        if vector.size != num_rows:
            raise InputError([Problem("paste_label_count", {"labels": vector.size, "rows": num_rows})])
        labels = tuple(int(y) for y in vector)
    problems = label_problems(labels, num_classes, ignore_index)
    if problems:
        raise InputError(problems)
    return tuple(tuple(float(v) for v in row) for row in matrix), labels


def read_weights(text, num_classes):
    """Class weights from text ('1, 1, 2' or tensor([1., 1., 2.])): C numbers >= 0, or () if blank."""
    if not text.strip():
        return ()
    try:
        vector = parse_vector(text, max_length=MAX_CLASSES, max_abs=WEIGHT_LIMIT)
    except ValueError as error:
        raise InputError([Problem("weight_parse", {"detail": str(error)})]) from None
    if vector.size != num_classes:
        raise InputError([Problem("weight_count", {"count": vector.size, "classes": num_classes})])
    negative = np.flatnonzero(vector < 0)
    if negative.size:
        first = int(negative[0])
        raise InputError([Problem("weight_negative", {"value": f"{vector[first]:g}", "index": first})])
    return tuple(float(v) for v in vector)
