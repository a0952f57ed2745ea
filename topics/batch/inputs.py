"""What a person types on the batch page: the batch table and the target-probability table (written from
the state as text columns, read back cell by cell, each bad cell named by row and column), a pasted
batch and the class weights. A refused input raises topics.shared.inputs.InputError.
"""

import numpy as np

from topics.batch.state import carried_probability_rows, resized_values
from topics.shared.changes import Change
from topics.shared.formatting import code_number
from topics.shared.inputs import (
    IGNORE_LIMIT,
    MAX_ROWS,
    WEIGHT_LIMIT,
    InputError,
    Problem,
    label_problems,
    located,
    read_cell,
    read_paste,
    read_weights,
)

LABEL_COLUMN = "label"


def logit_column(index):
    return f"z{index}"


def check_row_count(count):
    if count == 0:
        raise InputError([Problem("no_rows")])
    if count > MAX_ROWS:
        raise InputError([Problem("too_many_rows", {"count": count, "limit": MAX_ROWS})])


def read_table(rows, ignore_index):
    """(logits, labels) from the batch table. `rows` holds (row name, label cell, [logit cells]) per
    row, as the table shows them. Raises InputError naming each bad cell (row and column)."""
    check_row_count(len(rows))
    logits, labels, problems = [], [], []
    for name, label_cell, logit_cells in rows:
        try:
            label = int(read_cell(label_cell, integer=True, limit=IGNORE_LIMIT))
        except InputError as error:
            problems += located(error, name, LABEL_COLUMN)
            label = None
        values = []
        for index, cell in enumerate(logit_cells):
            try:
                values.append(read_cell(cell))
            except InputError as error:
                problems += located(error, name, logit_column(index))
        if label is not None:
            problems += label_problems([label], len(logit_cells), ignore_index, [name])
        logits.append(tuple(values))
        labels.append(label)
    if problems:
        raise InputError(problems)
    return tuple(logits), tuple(labels)


def read_probability_table(rows):
    """The target probability rows from their table: `rows` holds (row name, [cells]); each cell a
    number >= 0 and each row with a positive sum (it is divided by that sum)."""
    check_row_count(len(rows))
    matrix, problems = [], []
    for name, cells in rows:
        values = []
        for index, cell in enumerate(cells):
            try:
                values.append(read_cell(cell, limit=WEIGHT_LIMIT, low=0.0))
            except InputError as error:
                problems += located(error, name, logit_column(index).replace("z", "t"))
        if len(values) == len(cells) and sum(values) <= 0:
            problems.append(Problem("prob_row_zero", {"row": name}))
        matrix.append(tuple(values))
    if problems:
        raise InputError(problems)
    return tuple(matrix)


def table_columns(logits, labels):
    """The batch table's columns as text, label first: {'label': [...], 'z0': [...], ...}."""
    columns = {LABEL_COLUMN: [str(int(y)) for y in labels]}
    for c in range(len(logits[0])):
        columns[logit_column(c)] = [code_number(row[c]) for row in logits]
    return columns


def probability_columns(rows):
    return {
        logit_column(c).replace("z", "t"): [code_number(row[c]) for row in rows] for c in range(len(rows[0]))
    }


def table_edit(rows, values, base_rows):
    """(new control values or None if nothing changed, whether rows were added or deleted) from the batch
    table's rows, (row name, [label cell, logit cells...]). The table shows a snapshot of `base_rows`
    rows: a surviving row keeps its probability row, a new row is seeded from its label."""
    logits, labels = read_table([(name, cells[0], cells[1:]) for name, cells in rows], values["bt_ignore"])
    if (logits, labels) == (values["bt_logits"], values["bt_labels"]):
        return None, False
    origins = [_old_position(name, base_rows) for name, _ in rows]
    probs = carried_probability_rows(values["bt_probs"], origins, labels, len(logits[0]))
    renumbered = origins != list(range(base_rows))
    return {"bt_logits": logits, "bt_labels": labels, "bt_probs": probs}, renumbered


def pasted(logits_text, labels_text, values):
    """The Change a pasted batch asks for (topics.shared.inputs.read_paste), resized to its shape."""
    logits, labels = read_paste(logits_text, labels_text, values["bt_labels"], values["bt_ignore"])
    new, _ = resized_values({**values, "bt_logits": logits, "bt_labels": labels}, len(logits), len(logits[0]))
    return Change(new, "success", "bt.paste_ok", {"rows": len(logits), "classes": len(logits[0])})


def weights(text, values):
    """The Change typed class weights ask for ('1, 1, 2'; blank: no weights)."""
    return Change({"bt_weight": read_weights(text, len(values["bt_logits"][0]))})


def _old_position(row_name, base_rows):
    """A table row's position in the snapshot, or None for a row added since."""
    return int(row_name) if isinstance(row_name, int | np.integer) and row_name < base_rows else None
