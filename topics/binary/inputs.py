"""The multi-label tables (seed 002's 3 x 3 logits and labels), read back cell by cell; a label must lie in
[0, 1].
"""

from topics.shared.formatting import fmt
from topics.shared.inputs import InputError, Problem, located, read_cell

LOGIT_LIMIT = 100.0  # multi-label logits are kept within +-100 (the heat map's numbers stay readable)
LABEL_ABOVE_ONE = "label_above_one"
OWN_PROBLEMS = (LABEL_ABOVE_ONE, "negative")  # worded for labels here; the other kinds as on the batch page


def read_multilabel(logit_rows, label_rows):
    """(logits, labels) as tuples of row tuples from the two tables' cells (row name, [cells]); raises
    InputError naming each bad cell (topics.shared.inputs.read_cell's kinds, and labels above 1)."""
    problems = []
    logits = _read_rows(logit_rows, "z", problems, limit=LOGIT_LIMIT)
    labels = _read_rows(label_rows, "y", problems, limit=1e6, low=0.0)
    for (name, _), row in zip(label_rows, labels, strict=True):
        problems += [
            Problem(LABEL_ABOVE_ONE, {"row": name, "column": f"y{k}", "value": fmt(v, 2)})
            for k, v in enumerate(row)
            if v is not None and v > 1
        ]
    if problems:
        raise InputError(problems)
    return logits, labels


def _read_rows(rows, prefix, problems, **limits):
    values = []
    for name, cells in rows:
        row = []
        for k, cell in enumerate(cells):
            try:
                row.append(read_cell(cell, **limits))
            except InputError as error:
                problems += located(error, name, f"{prefix}{k}")
                row.append(None)
        values.append(tuple(row))
    return tuple(values)


def problem_key(kind):
    """The i18n key of a problem kind: the shared wording, except for label values outside 0..1."""
    return f"bin.problem.{kind}" if kind in OWN_PROBLEMS else f"input.problem.{kind}"


def message_key(problem):
    """The i18n key of a Problem's message (problem_key of its kind)."""
    return problem_key(problem.kind)
