"""The batch page's numbers: N rows of C logits, their targets, and every option of nn.CrossEntropyLoss.

Class indices y (seed 003), w the class weights (1 without weights), eps the label smoothing:
    l_n = (1 - eps) w_{y_n} (-log p_{n,y_n}) + (eps / C) sum_c w_c (-log p_{n,c}),  0 if y_n == ignore_index
    'mean' = sum_n l_n / sum_n w_{y_n} over the counted rows;  'sum' = sum_n l_n;  'none' = (l_0 .. l_{N-1})
Probability rows t (one-hot, or free rows normalised to sum 1), smoothed to t' = (1 - eps) t + eps / C:
    l_n = -sum_c w_c t'_{n,c} log p_{n,c};  'mean' = sum_n l_n / N  (N, not a weight sum)
p = softmax(z) per row. Every value comes from core.losses, core.gradients and core.keras_losses; this
module lays them out so a page can show where each number comes from. No Streamlit here.
"""

import math
from dataclasses import dataclass, field, replace

import numpy as np

from core import batch_figures, gradients, keras_losses, losses
from core.figures import PageFigure
from core.formatting import code_number, fmt, fmt_vector
from core.i18n import text
from core.parsing import parse_matrix, parse_vector
from core.url_params import ChoiceParam, FloatParam, IntParam, MatrixParam, VectorParam

TARGET_FORMS = ("index", "onehot", "probs")
REDUCTIONS = ("mean", "sum", "none")
ROW_RANGE = (1, 16)
CLASS_RANGE = (2, 8)
MAX_ROWS, MAX_CLASSES = ROW_RANGE[1], CLASS_RANGE[1]
LOGIT_LIMIT = 1e4  # |z| allowed in a cell, a paste or a link
WEIGHT_LIMIT = 1e4
IGNORE_LIMIT = 1_000_000  # |label| and |ignore_index| allowed
DEFAULT_IGNORE = -100  # torch's default ignore_index
SEED_LOGITS = ((2.0, 1.0, 0.1), (0.5, 2.0, 0.3))  # seed 000's batch
SEED_LABELS = (0, 2)
LABEL_COLUMN = "label"
MAX_TERMS = 4  # values written out in a sentence or a list before "..."
MAX_FORMULA_TERMS = 3  # terms of a sum written out in a formula: it must fit a phone's width
MAX_PROBLEMS = 6  # bad cells named in one message


def logit_column(index):
    return f"z{index}"


def url_specs():
    """The batch page's controls as URL parameters (all prefixed bt_)."""
    return [
        MatrixParam(
            "bt_logits",
            SEED_LOGITS,
            max_rows=MAX_ROWS,
            max_cols=MAX_CLASSES,
            min_cols=CLASS_RANGE[0],
            max_abs=LOGIT_LIMIT,
        ),
        VectorParam("bt_labels", SEED_LABELS, max_length=MAX_ROWS, integer=True, max_abs=IGNORE_LIMIT),
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

    logits: tuple = SEED_LOGITS  # N rows of C floats
    labels: tuple = SEED_LABELS  # N ints: a class 0..C-1 or ignore_index
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
        logits = SEED_LOGITS
    num_rows, num_classes = len(logits), len(logits[0])
    if values["bt_weight"] and len(values["bt_weight"]) != num_classes:
        bad.append("bt_weight")
    probs = values["bt_probs"]
    if probs and (
        len(probs) != num_rows or len(probs[0]) != num_classes or any(sum(row) <= 0 for row in probs)
    ):
        bad.append("bt_probs")
    return bad


# ---------------------------------------------------------------------------------------------------
# Reading input: table cells, pastes, weights. Problems are data (an i18n key and its fields), so the
# page can say them in either language.
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One reason an input cannot be used: `kind` names the message (i18n "bt.problem.<kind>")."""

    kind: str
    params: dict = field(default_factory=dict)


class BatchInputError(ValueError):
    """Raised with every problem found (the page names each bad cell)."""

    def __init__(self, problems):
        self.problems = tuple(problems)
        super().__init__("; ".join(p.kind for p in self.problems))


def read_cell(cell, *, integer=False, limit=LOGIT_LIMIT, low=None):
    """A table cell (text, a number, None or NaN for an empty cell) as a float; raises
    BatchInputError([Problem(kind, {"value": ...})]) with kind empty, nan, inf, not_number, too_large,
    not_whole or negative."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell) and not isinstance(cell, str)):
        raise _cell_error("empty", "")
    text = str(cell).strip()
    if not text:
        raise _cell_error("empty", "")
    try:
        value = float(parse_vector(text, min_length=1, max_length=1, max_abs=math.inf)[0])
    except ValueError:
        word = text.lower().lstrip("+-")
        kind = "nan" if word == "nan" else "inf" if word in ("inf", "infinity") else "not_number"
        raise _cell_error(kind, text) from None
    if math.isnan(value):
        raise _cell_error("nan", text)
    if math.isinf(value):
        raise _cell_error("inf", text)
    if abs(value) > limit:
        raise _cell_error("too_large", text, limit=f"{limit:,.0f}")
    if integer and not value.is_integer():
        raise _cell_error("not_whole", text)
    if low is not None and value < low:
        raise _cell_error("negative", text)
    return value


def _cell_error(kind, value, **params):
    return BatchInputError([Problem(kind, {"value": value, **params})])


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


def check_row_count(count):
    if count == 0:
        raise BatchInputError([Problem("no_rows")])
    if count > MAX_ROWS:
        raise BatchInputError([Problem("too_many_rows", {"count": count, "limit": MAX_ROWS})])


def read_table(rows, ignore_index):
    """(logits, labels) from the batch table. `rows` holds (row name, label cell, [logit cells]) per
    row, as the table shows them. Raises BatchInputError naming each bad cell (row and column)."""
    check_row_count(len(rows))
    logits, labels, problems = [], [], []
    for name, label_cell, logit_cells in rows:
        try:
            label = int(read_cell(label_cell, integer=True, limit=IGNORE_LIMIT))
        except BatchInputError as error:
            problems += _located(error, name, LABEL_COLUMN)
            label = None
        values = []
        for index, cell in enumerate(logit_cells):
            try:
                values.append(read_cell(cell))
            except BatchInputError as error:
                problems += _located(error, name, logit_column(index))
        if label is not None:
            problems += label_problems([label], len(logit_cells), ignore_index, [name])
        logits.append(tuple(values))
        labels.append(label)
    if problems:
        raise BatchInputError(problems)
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
            except BatchInputError as error:
                problems += _located(error, name, logit_column(index).replace("z", "t"))
        if len(values) == len(cells) and sum(values) <= 0:
            problems.append(Problem("prob_row_zero", {"row": name}))
        matrix.append(tuple(values))
    if problems:
        raise BatchInputError(problems)
    return tuple(matrix)


def _located(error, row, column):
    return [Problem(p.kind, {**p.params, "row": row, "column": column}) for p in error.problems]


def read_paste(logits_text, labels_text, current_labels, ignore_index):
    """(logits, labels) from pasted text as PyTorch or NumPy print it (core.parsing, never eval). An
    empty labels box keeps the current labels when the row count is unchanged."""
    try:
        matrix = parse_matrix(logits_text, max_rows=MAX_ROWS, max_cols=MAX_CLASSES, max_abs=LOGIT_LIMIT)
    except ValueError as error:
        raise BatchInputError([Problem("paste_logits", {"detail": str(error)})]) from None
    num_rows, num_classes = matrix.shape
    if num_classes < CLASS_RANGE[0]:
        raise BatchInputError([Problem("paste_classes", {"count": num_classes, "low": CLASS_RANGE[0]})])
    if not labels_text.strip():
        if len(current_labels) != num_rows:
            raise BatchInputError(
                [Problem("paste_labels_needed", {"rows": num_rows, "current": len(current_labels)})]
            )
        labels = tuple(current_labels)
    else:
        try:
            vector = parse_vector(labels_text, max_length=MAX_ROWS, integer=True, max_abs=IGNORE_LIMIT)
        except ValueError as error:
            raise BatchInputError([Problem("paste_labels", {"detail": str(error)})]) from None
        if vector.size != num_rows:
            raise BatchInputError([Problem("paste_label_count", {"labels": vector.size, "rows": num_rows})])
        labels = tuple(int(y) for y in vector)
    problems = label_problems(labels, num_classes, ignore_index)
    if problems:
        raise BatchInputError(problems)
    return tuple(tuple(float(v) for v in row) for row in matrix), labels


def read_weights(text, num_classes):
    """Class weights from text ('1, 1, 2' or tensor([1., 1., 2.])): C numbers >= 0, or () if blank."""
    if not text.strip():
        return ()
    try:
        vector = parse_vector(text, max_length=MAX_CLASSES, max_abs=WEIGHT_LIMIT)
    except ValueError as error:
        raise BatchInputError([Problem("weight_parse", {"detail": str(error)})]) from None
    if vector.size != num_classes:
        raise BatchInputError([Problem("weight_count", {"count": vector.size, "classes": num_classes})])
    negative = np.flatnonzero(vector < 0)
    if negative.size:
        first = int(negative[0])
        raise BatchInputError([Problem("weight_negative", {"value": f"{vector[first]:g}", "index": first})])
    return tuple(float(v) for v in vector)


# ---------------------------------------------------------------------------------------------------
# Changing the shape: rows, classes, ignore_index. Each returns new control values that fit together.
# ---------------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------------
# Evaluation
# ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One way to compute the loss: `kind` names it (i18n "bt.route.<kind>"), `value` is its result."""

    kind: str
    value: object  # float, or an array for reduction='none'


@dataclass(frozen=True)
class KerasRoute:
    """What a Keras loss class gives for the state (computed by core.keras_losses, float32)."""

    loss_class: str  # SparseCategoricalCrossentropy or CategoricalCrossentropy
    options: str  # the constructor arguments, as code
    reduction: str
    uses_sample_weight: bool
    value: object
    matches_torch: bool


@dataclass(frozen=True)
class Note:
    """A corner case the state reaches, said in words next to the numbers (i18n "bt.note.<kind>")."""

    kind: str
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class BatchReadout:
    """Everything the batch page shows for one state. Row arrays have the state's N rows; rows that are
    ignored (index targets) or left out (one-hot form) hold NaN where they have no value."""

    logits: np.ndarray  # (N, C)
    probs: np.ndarray  # (N, C) softmax per row
    log_probs: np.ndarray  # (N, C) log_softmax per row
    target: np.ndarray  # (N, C) t per row before smoothing: one-hot, the normalised free rows; 0 if out
    status: tuple  # per row: "counted", "ignored" (index targets) or "dropped" (one-hot form)
    counted: np.ndarray  # (N,) bool: the rows that are in the loss
    target_prob: np.ndarray  # (N,) p_{n,y_n} (NaN without a single target class)
    neg_log: np.ndarray  # (N,) -log p_{n,y_n}, or -sum_c t'_c log p_c for free rows
    smooth_term: np.ndarray  # (N,) sum_c w_c (-log p_{n,c}) (the smoothing part), NaN if not counted
    row_weight: np.ndarray  # (N,) w_{y_n}: 1 without weights, 0 if not counted; NaN for free rows
    row_loss: np.ndarray  # (N,) torch's reduction='none' values l_n (0 if ignored, NaN if left out)
    numerator: float  # sum_n l_n over the counted rows
    denominator: float  # what 'mean' divides by (sum_n w_{y_n}, or the number of rows); NaN otherwise
    loss: object  # the reduced loss: a float, or an (N,) array for 'none'
    routes: tuple  # Route: manual formula, log_softmax + nll_loss, cross_entropy
    gradient: np.ndarray  # (N, C) d(loss)/dz (of the sum for 'none')
    row_scale: np.ndarray  # (N,) the factor the reduction puts on row n's (p_n - t_n)
    gradient_bound: float  # no gradient entry can be larger than this: the fixed colour range
    keras: tuple  # KerasRoute
    alternative: object  # the same labels in the other form (index <-> one-hot), when the mean differs
    notes: tuple  # Note

    @property
    def num_counted(self):
        return int(self.counted.sum())


def evaluate(state):
    """The BatchReadout of a state (raises BatchInputError if its labels do not fit the classes)."""
    problems = label_problems(state.labels, state.num_classes, state.ignore_index)
    if problems:
        raise BatchInputError(problems)
    logits = np.asarray(state.logits, dtype=np.float64)
    num_rows, num_classes = logits.shape
    labels = np.asarray(state.labels, dtype=np.int64)
    eps = state.label_smoothing
    weight = np.asarray(state.weight, dtype=np.float64) if state.weight else None
    class_weight = weight if weight is not None else np.ones(num_classes)
    probs = losses.softmax(logits, axis=1)
    log_probs = losses.log_softmax(logits, axis=1)
    in_class_range = (labels >= 0) & (labels < num_classes)
    safe_labels = np.where(in_class_range, labels, 0)
    rows = np.arange(num_rows)

    if state.target_form == "index":
        counted = labels != state.ignore_index
        status = tuple("counted" if c else "ignored" for c in counted)
        target = np.where(counted[:, None], np.eye(num_classes)[safe_labels], 0.0)
        call_logits, call_target = logits, labels
        call_options = {"ignore_index": state.ignore_index}
    else:
        if state.target_form == "onehot":
            counted = in_class_range  # rows labelled ignore_index (no class) are left out
            target = np.where(counted[:, None], np.eye(num_classes)[safe_labels], 0.0)
        else:
            counted = np.ones(num_rows, bool)
            raw = np.asarray(probability_rows(state), dtype=np.float64)
            target = raw / raw.sum(axis=1, keepdims=True)
        status = tuple("counted" if c else "dropped" for c in counted)
        call_logits, call_target = logits[counted], target[counted]
        call_options = {}

    def torch_call(function, **extra):
        return function(
            call_logits,
            call_target,
            weight=weight,
            reduction=state.reduction,
            label_smoothing=eps,
            **call_options,
            **extra,
        )

    loss = torch_call(losses.cross_entropy)
    kept_gradient = torch_call(gradients.cross_entropy)
    gradient = np.zeros_like(logits)
    gradient[counted if state.target_form != "index" else slice(None)] = kept_gradient
    per_row = losses.cross_entropy(
        call_logits,
        call_target,
        weight=weight,
        reduction="none",
        label_smoothing=eps,
        **call_options,
    )
    row_loss = np.full(num_rows, np.nan)
    row_loss[counted if state.target_form != "index" else slice(None)] = per_row

    smoothed = target * (1 - eps) + eps / num_classes
    if state.target_form == "probs":
        target_prob = np.full(num_rows, np.nan)
        neg_log = -(smoothed * log_probs).sum(axis=1)
        row_weight = np.full(num_rows, np.nan)
    else:
        target_prob = np.where(counted, probs[rows, safe_labels], np.nan)
        neg_log = np.where(counted, -log_probs[rows, safe_labels], np.nan)
        row_weight = np.where(counted, class_weight[safe_labels], 0.0)
    smooth_term = np.where(counted, -(log_probs * class_weight).sum(axis=1), np.nan)

    numerator = float(np.nansum(np.where(counted, row_loss, 0.0)))
    if state.reduction != "mean":
        denominator = math.nan
    elif state.target_form == "index":
        denominator = float(row_weight[counted].sum())
    else:
        denominator = float(counted.sum())
    row_scale = _row_scale(state, counted, row_weight, denominator)
    routes = (
        Route("manual", _manual_loss(state, probs, target, counted, safe_labels, class_weight, denominator)),
        Route("nll", _nll_route(state, call_logits, call_target, weight, call_options)),
        Route("cross_entropy", _as_output(loss)),
    )
    readout_loss = _as_output(loss)
    readout = BatchReadout(
        logits=logits,
        probs=probs,
        log_probs=log_probs,
        target=target,
        status=status,
        counted=counted,
        target_prob=target_prob,
        neg_log=neg_log,
        smooth_term=smooth_term,
        row_weight=row_weight,
        row_loss=row_loss,
        numerator=numerator,
        denominator=denominator,
        loss=readout_loss,
        routes=routes,
        gradient=gradient,
        row_scale=row_scale,
        gradient_bound=_gradient_bound(state, row_weight, counted, class_weight, denominator),
        keras=(),
        alternative=None,
        notes=(),
    )
    keras = keras_routes(state, readout)
    alternative = _alternative(state)
    notes = tuple(_notes(state, readout, keras, alternative))
    return replace(readout, keras=keras, alternative=alternative, notes=notes)


def _as_output(value):
    value = np.asarray(value, dtype=np.float64)
    return float(value) if value.ndim == 0 else value


def _row_scale(state, counted, row_weight, denominator):
    """The factor the reduction puts on row n's (p_n - t_n): w_{y_n} / sum w (mean of class indices),
    1 / N (mean of probability rows), w_{y_n} or 1 otherwise; 0 for rows not counted."""
    if state.target_form == "probs":
        base = counted.astype(float)
    else:
        base = np.where(counted, row_weight, 0.0)
    if state.reduction != "mean":
        return base
    return base / denominator if denominator > 0 else np.zeros_like(base)


def _gradient_bound(state, row_weight, counted, class_weight, denominator):
    """The largest size a gradient entry can reach for this batch's labels, weights and reduction,
    whatever the logits: the fixed colour range of the gradient map.

    Class indices: |(1 - eps) w_y (p - onehot) + eps / C (sum_c w_c p - w)|
                   <= (1 - eps) w_y + eps / C sum_c w_c.
    Probability rows: |p sum_c w_c t'_c - w t'| <= max_c w_c. Each divided by the mean's denominator."""
    if not counted.any():
        return 1.0
    eps, num_classes = state.label_smoothing, class_weight.size
    if state.target_form == "index":
        per_row = (1 - eps) * row_weight[counted] + eps / num_classes * class_weight.sum()
        bound = float(per_row.max())
    else:
        bound = float(class_weight.max())
    if state.reduction == "mean":
        bound = bound / denominator if denominator > 0 else math.nan
    return bound if math.isfinite(bound) and bound > 0 else 1.0


def _manual_loss(state, probs, target, counted, labels, class_weight, denominator):
    """The formula by hand from p = softmax(z): -log p at the target (seed 000), weighted and reduced
    as seed 003 writes it. Taking log of p (not log_softmax) is what makes it overflow-prone."""
    eps, num_classes = state.label_smoothing, probs.shape[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        neg_log_p = -np.log(probs)
        if state.target_form == "index":
            rows = np.arange(probs.shape[0])
            per_row = class_weight[labels] * neg_log_p[rows, labels]
            if eps > 0:
                spread = (class_weight * neg_log_p).sum(axis=1)
                per_row = (1 - eps) * per_row + eps / num_classes * spread
            per_row = np.where(counted, per_row, 0.0)
        else:
            smoothed = target * (1 - eps) + eps / num_classes
            per_row = (class_weight * smoothed * neg_log_p).sum(axis=1)[counted]
        if state.reduction == "none":
            return per_row
        total = per_row.sum()
        return float(total) if state.reduction == "sum" else float(total / denominator)


def _nll_route(state, call_logits, call_target, weight, call_options):
    """log_softmax, then nll_loss (seed 004) for class indices; with label smoothing torch adds
    eps / C times the weighted sum of -log p over the classes. For probability rows (no nll_loss):
    -(w * t' * log_softmax(z)).sum over classes, reduced."""
    eps = state.label_smoothing
    log_probs = losses.log_softmax(call_logits, axis=1)
    num_classes = log_probs.shape[1]
    if state.target_form != "index":
        smoothed = call_target * (1 - eps) + eps / num_classes
        class_weight = weight if weight is not None else np.ones(num_classes)
        per_row = -(class_weight * smoothed * log_probs).sum(axis=1)
        if state.reduction == "none":
            return per_row
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(per_row.sum() if state.reduction == "sum" else per_row.sum() / per_row.size)
    nll = losses.nll_loss(log_probs, call_target, weight=weight, reduction=state.reduction, **call_options)
    if eps == 0:
        return _as_output(nll)
    class_weight = weight if weight is not None else np.ones(num_classes)
    counted = call_target != state.ignore_index
    spread = np.where(counted, -(log_probs * class_weight).sum(axis=1), 0.0)
    if state.reduction == "none":
        smooth = spread
    elif state.reduction == "sum":
        smooth = spread.sum()
    else:
        labels = np.where(counted, call_target, 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            smooth = spread.sum() / np.where(counted, class_weight[labels], 0).sum()
    return _as_output((1 - eps) * nll + eps / num_classes * smooth)


def _alternative(state):
    """With class weights and 'mean', the same labels in the other form give another number: one-hot
    rows divide by N, class indices by sum w_{y_n}. Returns that number (or None)."""
    if not state.weight or state.reduction != "mean" or state.target_form == "probs":
        return None
    other = "onehot" if state.target_form == "index" else "index"
    return _plain_loss(replace(state, target_form=other))


def _plain_loss(state):
    """Only the reduced loss of a state (core.losses.cross_entropy), without the rest of the readout."""
    logits = np.asarray(state.logits, dtype=np.float64)
    labels = np.asarray(state.labels, dtype=np.int64)
    weight = np.asarray(state.weight, dtype=np.float64) if state.weight else None
    if state.target_form == "index":
        return _as_output(
            losses.cross_entropy(
                logits,
                labels,
                weight=weight,
                ignore_index=state.ignore_index,
                reduction=state.reduction,
                label_smoothing=state.label_smoothing,
            )
        )
    keep = (labels >= 0) & (labels < logits.shape[1])
    target = np.eye(logits.shape[1])[labels[keep]]
    return _as_output(
        losses.cross_entropy(
            logits[keep],
            target,
            weight=weight,
            reduction=state.reduction,
            label_smoothing=state.label_smoothing,
        )
    )


# ---------------------------------------------------------------------------------------------------
# Keras: how people emulate class weights (sample_weight = w[y] per row), through core.keras_losses.
# ---------------------------------------------------------------------------------------------------

KERAS_REDUCTIONS = {
    "mean": ("sum_over_batch_size", "mean_with_sample_weight"),
    "sum": ("sum",),
    "none": ("none",),
}


@dataclass(frozen=True)
class KerasCall:
    """The arguments of the Keras call that mirrors a state (float32, as Keras computes)."""

    name: str  # core.keras_losses name
    loss_class: str
    y_true: np.ndarray
    y_pred: np.ndarray
    sample_weight: np.ndarray | None
    options: dict  # constructor arguments besides reduction
    option_code: str


def keras_call(state):
    """The Keras loss class, y_true, y_pred and sample_weight that emulate the state.

    Class indices without smoothing: SparseCategoricalCrossentropy(from_logits=True[, ignore_class]),
    sample_weight = w[y] (0 for ignored rows). Otherwise CategoricalCrossentropy(from_logits=True,
    label_smoothing=eps) on the probability rows; ignored rows get sample_weight 0, and free rows with
    class weights get sum_c w_c t_c (Keras has no weight inside the sum over classes)."""
    logits = np.asarray(state.logits, dtype=np.float32)
    labels = np.asarray(state.labels, dtype=np.int64)
    num_classes = logits.shape[1]
    in_range = (labels >= 0) & (labels < num_classes)
    weight = np.asarray(state.weight, dtype=np.float32) if state.weight else None
    eps = state.label_smoothing
    if state.target_form == "index":
        counted = labels != state.ignore_index
        sample_weight = None
        if weight is not None:
            sample_weight = np.where(counted, weight[np.where(in_range, labels, 0)], 0).astype(np.float32)
        if eps == 0:
            ignore = state.ignore_index if not counted.all() else None
            options = {"from_logits": True, "ignore_class": ignore}
            code = "from_logits=True" + (f", ignore_class={ignore}" if ignore is not None else "")
            return KerasCall(
                "sparse_categorical_crossentropy",
                "SparseCategoricalCrossentropy",
                labels,
                logits,
                sample_weight,
                options,
                code,
            )
        if sample_weight is None and not counted.all():
            sample_weight = counted.astype(np.float32)
        y_true = np.where(
            counted[:, None], np.eye(num_classes, dtype=np.float32)[np.where(in_range, labels, 0)], 0
        )
        return _categorical(y_true.astype(np.float32), logits, sample_weight, eps)
    if state.target_form == "onehot":
        keep = in_range
        y_true = np.eye(num_classes, dtype=np.float32)[labels[keep]]
        sample_weight = weight[labels[keep]] if weight is not None else None
        return _categorical(y_true, logits[keep], sample_weight, eps)
    raw = np.asarray(probability_rows(state), dtype=np.float64)
    y_true = (raw / raw.sum(axis=1, keepdims=True)).astype(np.float32)
    sample_weight = (y_true * weight).sum(axis=1).astype(np.float32) if weight is not None else None
    return _categorical(y_true, logits, sample_weight, eps)


def _categorical(y_true, y_pred, sample_weight, eps):
    code = "from_logits=True" + (f", label_smoothing={eps:g}" if eps else "")
    return KerasCall(
        "categorical_crossentropy",
        "CategoricalCrossentropy",
        y_true,
        y_pred,
        sample_weight,
        {"from_logits": True, "label_smoothing": eps},
        code,
    )


def keras_routes(state, readout):
    """KerasRoute for each Keras reduction that corresponds to the state's torch reduction."""
    call = keras_call(state)
    routes = []
    for reduction in KERAS_REDUCTIONS[state.reduction]:
        if reduction == "mean_with_sample_weight" and call.sample_weight is None:
            continue
        if call.y_pred.shape[0] == 0:
            value = 0.0 if reduction != "none" else np.zeros(0)
        else:
            value = keras_losses.call_loss(
                call.name,
                call.y_true,
                call.y_pred,
                sample_weight=None if call.sample_weight is None else call.sample_weight.copy(),
                reduction=reduction,
                **call.options,
            )
        value = _as_output(value)
        routes.append(
            KerasRoute(
                loss_class=call.loss_class,
                options=call.option_code,
                reduction=reduction,
                uses_sample_weight=call.sample_weight is not None,
                value=value,
                matches_torch=_same(value, readout.loss, readout.status),
            )
        )
    return tuple(routes)


def _same(keras_value, torch_value, status):
    keras_value, torch_value = np.asarray(keras_value, float), np.asarray(torch_value, float)
    if keras_value.shape != torch_value.shape:
        # 'none' in the one-hot form: Keras sees only the kept rows
        kept = np.array([s == "counted" for s in status])
        if torch_value.shape == kept.shape and keras_value.shape == (kept.sum(),):
            torch_value = torch_value[kept]
        else:
            return False
    return bool(np.allclose(keras_value, torch_value, rtol=1e-5, atol=1e-5, equal_nan=False))


# ---------------------------------------------------------------------------------------------------
# Words: corner cases, the gradient's scaling, the formula with the numbers filled in.
# ---------------------------------------------------------------------------------------------------


def _rows_text(rows):
    rows = list(rows)
    shown = ", ".join(str(r) for r in rows[:MAX_TERMS])
    return shown + (", …" if len(rows) > MAX_TERMS else "")


def _notes(state, readout, keras, alternative):
    counted, status = readout.counted, readout.status
    ignored = [n for n, s in enumerate(status) if s == "ignored"]
    dropped = [n for n, s in enumerate(status) if s == "dropped"]
    weighted = bool(state.weight)
    mean = state.reduction == "mean"
    if state.target_form == "index" and not counted.any():
        kind = "all_ignored_mean" if mean else "all_ignored"
        yield Note(kind, {"ignore": state.ignore_index, "reduction": state.reduction})
    elif state.target_form == "index" and mean and readout.denominator == 0:
        yield Note("zero_weight_sum", {})
    elif ignored:
        yield Note("ignored_rows", {"rows": _rows_text(ignored), "ignore": state.ignore_index})
    if state.target_form == "index" and 0 <= state.ignore_index < state.num_classes:
        yield Note("ignore_is_class", {"ignore": state.ignore_index})
    if state.target_form != "index" and state.ignore_index >= 0:
        yield Note("ignore_probs", {"ignore": state.ignore_index})
    if dropped:
        yield Note(
            "dropped_rows" if counted.any() else "all_dropped",
            {"rows": _rows_text(dropped), "ignore": state.ignore_index, "kept": int(counted.sum())},
        )
    if alternative is not None and counted.any() and fmt(alternative) != fmt(readout.loss):
        kind = "index_vs_onehot" if state.target_form == "index" else "onehot_vs_index"
        yield Note(
            kind,
            {
                "value": fmt(readout.loss),
                "other": fmt(alternative),
                "weight_sum": fmt(float(readout.row_weight[counted].sum())),
                "rows": int(counted.sum()),
            },
        )
    if state.target_form == "probs" and weighted:
        yield Note("probs_weights", {})
    if state.target_form == "probs":
        sums = np.asarray(probability_rows(state)).sum(axis=1)
        off = [n for n, s in enumerate(sums) if abs(s - 1) > 1e-9]
        if off:
            yield Note(
                "normalised",
                {"rows": _rows_text(off), "sums": ", ".join(f"{sums[n]:g}" for n in off[:MAX_TERMS])},
            )
    if state.label_smoothing > 0 and weighted and state.target_form == "index":
        yield Note("smoothing_weights", {"eps": f"{state.label_smoothing:g}", "classes": state.num_classes})
    elif state.label_smoothing > 0:
        yield Note("smoothing", {"eps": f"{state.label_smoothing:g}", "classes": state.num_classes})
    manual = np.asarray(readout.routes[0].value, float)
    exact = np.asarray(readout.routes[2].value, float)
    if np.any(~np.isfinite(manual) & np.isfinite(exact)):
        yield Note("underflow", {})
    default_keras = keras[0] if keras else None
    if default_keras is not None and not default_keras.matches_torch:
        yield Note("keras_differs", _keras_params(state, readout, keras))


def _keras_params(state, readout, keras):
    return {
        "keras": fmt(keras[0].value) if np.ndim(keras[0].value) == 0 else "…",
        "torch": fmt(readout.loss) if np.ndim(readout.loss) == 0 else "…",
        "rows": int(np.asarray(keras_call(state).y_pred).shape[0]),
    }


def keras_sentence(state, readout):
    """(i18n key, fields) for the sentence that says why Keras's default reduction differs (or agrees)."""
    keras = readout.keras
    if not keras:
        return None
    default = keras[0]
    params = {
        "keras": _fmt_value(default.value),
        "torch": _fmt_value(readout.loss),
        "rows": int(keras_call(state).y_pred.shape[0]),
        "weight_sum": fmt(readout.denominator) if state.reduction == "mean" else "",
    }
    if default.matches_torch:
        return "bt.keras.agrees", params
    if state.target_form == "index" and not readout.counted.any():
        return "bt.keras.all_ignored", params
    if state.target_form == "probs" and state.weight:
        return "bt.keras.probs_weights", params
    if state.label_smoothing > 0 and state.weight:
        return "bt.keras.smoothing_weights", params
    if state.reduction == "mean" and len(keras) > 1 and keras[1].matches_torch:
        return "bt.keras.divides_by_n", params
    return "bt.keras.differs", params


def _fmt_value(value):
    if np.ndim(value) == 0:
        return fmt(value)
    values = np.ravel(value)
    shown = ", ".join(fmt(v) for v in values[:MAX_TERMS])
    return "[" + shown + (", …" if values.size > MAX_TERMS else "") + "]"


def fmt_value(value):
    """A loss as the page shows it: fmt for a number, [a, b, …] for reduction='none'."""
    return _fmt_value(value)


def gradient_sentence(state, readout):
    """(i18n key, fields) for the sentence that says how the reduction scales the gradient."""
    counted = readout.counted
    if not np.all(np.isfinite(readout.gradient)):
        return "bt.grad.nan", {}
    if not counted.any():
        return "bt.grad.none_counted", {}
    kept = int(counted.sum())
    if state.reduction == "none":
        return "bt.grad.reduction_none", {}
    if state.reduction == "sum":
        key = "bt.grad.sum_weighted" if state.weight and state.target_form != "probs" else "bt.grad.sum"
        return key, {}
    if state.target_form != "index" and state.weight:
        return f"bt.grad.mean_{state.target_form}_weighted", {"count": kept}
    if not state.weight:
        return "bt.grad.mean", {"count": kept, "scale": fmt(1 / kept)}
    shares = [
        f"{n}: {readout.row_weight[n]:g}/{readout.denominator:g} = {fmt(readout.row_scale[n])}"
        for n in np.flatnonzero(counted)[:MAX_TERMS]
    ]
    more = ", …" if kept > MAX_TERMS else ""
    return "bt.grad.mean_weighted", {"total": f"{readout.denominator:g}", "shares": "; ".join(shares) + more}


def reduction_latex(state, readout):
    """The reduction written out with the current numbers, as LaTeX `aligned` blocks narrow enough for
    a phone: the per-row formula, then the reduction (sum w_{y_n} l_n / sum w_{y_n} = ... = loss)."""
    return [_aligned(_row_formula(state)), _aligned(_reduction_rows(state, readout))]


def _row_formula(state):
    weighted = bool(state.weight)
    w_y = "w_{y_n}" if weighted else ""
    w_c = "w_c" if weighted else ""
    eps = state.label_smoothing
    if state.target_form == "index":
        main = rf"{w_y}\,(-\log p_{{n,y_n}})" if weighted or eps > 0 else r"-\log p_{n,y_n}"
        smoothing = []
        if eps > 0:
            main = rf"(1-\varepsilon)\,{main}"
            smoothing = [rf"&\quad + \tfrac{{\varepsilon}}{{C}}\sum_c {w_c}(-\log p_{{n,c}})"]
        return [rf"l_n &= {main}", *smoothing, rf"&\quad(l_n = 0 \text{{ if }} y_n = {state.ignore_index})"]
    t = "t'" if eps > 0 else "t"
    rows = [rf"l_n &= -\sum_c {w_c}\,{t}_{{n,c}}\log p_{{n,c}}"]
    if eps > 0:
        rows.append(r"&\quad t' = (1-\varepsilon)\,t + \varepsilon / C")
    return rows


def _reduction_rows(state, readout):
    counted = readout.counted
    kept = np.flatnonzero(counted)
    losses_kept = readout.row_loss[kept]
    if state.reduction == "none":
        values = ", ".join(fmt(v) for v in readout.row_loss[:MAX_FORMULA_TERMS]) + (
            r", \dots" if readout.row_loss.size > MAX_FORMULA_TERMS else ""
        )
        return [rf"L &= (l_0, \dots, l_{{{state.num_rows - 1}}})", rf"&= ({values})"]
    if state.target_form == "index" and state.weight and state.label_smoothing == 0:
        terms = [f"{readout.row_weight[n]:g}" + r"\cdot " + fmt(readout.neg_log[n]) for n in kept]
    else:
        terms = [fmt(v) for v in losses_kept]
    summed = _sum_text(terms)
    total = fmt(readout.numerator)
    if state.reduction == "sum":
        return [r"L &= \sum_n l_n", rf"&= {summed}", rf"&= {fmt(readout.loss)}"]
    if state.target_form == "index":
        if state.weight:
            weights = _sum_text([f"{readout.row_weight[n]:g}" for n in kept])
            lhs = r"L &= \frac{\sum_n l_n}{\sum_n w_{y_n}}"
            middle = rf"&= \frac{{{summed}}}{{{weights}}}"
            last = rf"&= \frac{{{total}}}{{{readout.denominator:g}}} = {fmt(readout.loss)}"
            return [lhs, last] if middle == last.split(" = ")[0] else [lhs, middle, last]
        lhs = r"L &= \frac{1}{N_{\text{counted}}}\sum_n l_n"
    else:
        lhs = r"L &= \frac{1}{N}\sum_n l_n"
    count = int(counted.sum())
    return [lhs, rf"&= \frac{{{summed}}}{{{count}}}", rf"&= {fmt(readout.loss)}"]


def _sum_text(terms):
    if not terms:
        return "0"
    limit = MAX_FORMULA_TERMS if len(terms) > MAX_FORMULA_TERMS else len(terms)
    if any(r"\cdot" in term for term in terms):  # weighted terms are twice as wide
        limit = min(limit, 2)
    shown = " + ".join(terms[:limit])
    return shown + (r" + \dots" if len(terms) > limit else "")


def _aligned(rows):
    """An `aligned` block of the rows, a row that only repeats the one before left out."""
    kept = [row for n, row in enumerate(rows) if n == 0 or row != rows[n - 1]]
    return r"\begin{aligned}" + r" \\ ".join(kept) + r"\end{aligned}"


def row_table(state, readout, lang):
    """The per-row readout as text columns (step 2): label, p at the target, -log p, the class weight,
    torch's l_n (reduction='none') and whether the row counts."""
    missing = "—"

    def column(values, decimals=4):
        return [missing if not np.isfinite(v) else fmt(v, decimals) for v in values]

    table = {text(lang, "bt.col.row"): [str(n) for n in range(state.num_rows)]}
    if state.target_form == "probs":
        table[text(lang, "bt.col.target_row")] = [fmt_vector(row, 2) for row in readout.target]
        table[text(lang, "bt.col.row_ce")] = column(readout.neg_log)
    else:
        table[text(lang, "bt.col.label")] = [str(y) for y in state.labels]
        table[text(lang, "bt.col.p_target")] = column(readout.target_prob)
        table[text(lang, "bt.col.neg_log")] = column(readout.neg_log)
        if state.weight:
            table[text(lang, "bt.col.weight")] = [
                f"{w:g}" if s == "counted" else missing
                for w, s in zip(readout.row_weight, readout.status, strict=True)
            ]
    if state.label_smoothing > 0 and state.target_form == "index":
        table[text(lang, "bt.col.smooth")] = column(readout.smooth_term)
    table[text(lang, "bt.col.row_loss")] = column(readout.row_loss)
    table[text(lang, "bt.col.status")] = [text(lang, f"bt.status.{s}") for s in readout.status]
    return table


def weighted_mean_differs(state, readout):
    """True when class weights make the mean differ from the plain mean of -log p (said in words)."""
    if state.reduction != "mean" or not state.weight or state.target_form != "index":
        return False
    if state.label_smoothing > 0 or not readout.counted.any():
        return False
    return fmt(plain_mean(readout)) != fmt(readout.loss)


def plain_mean(readout):
    """The unweighted mean of -log p over the counted rows: what a weighted mean is not."""
    values = readout.neg_log[readout.counted]
    return float(values.mean()) if values.size else math.nan


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


# ---------------------------------------------------------------------------------------------------
# Figures: the page and the figure exporter both draw through these.
# ---------------------------------------------------------------------------------------------------

CAPTION_DECIMALS = 3


def softmax_page_figure(state, readout, lang="en", theme="light"):
    """The softmax heat map (target cells outlined) with its caption and alt text."""
    marked = [p for p in readout.target_prob if np.isfinite(p)]
    caption = text(
        lang,
        "cap.bt.softmax" if marked else "cap.bt.softmax_unmarked",
        batch=_batch_words(state, readout, lang),
        marked=_vector_words(marked),
        loss=fmt_value(readout.loss),
    )
    return PageFigure(
        batch_figures.softmax_figure(
            readout.probs, state.labels, readout.status, lang, state.target_form, theme
        ),
        caption=caption,
        alt=batch_figures.softmax_alt(readout.probs, readout.target_prob, lang),
    )


def target_page_figure(state, readout, lang="en", theme="light"):
    """The target rows t (normalised) as a heat map, with its caption and alt text."""
    batch = _batch_words(state, readout, lang)
    caption = text(lang, "cap.bt.target", batch=batch, rows=_rows_words(readout.target))
    return PageFigure(
        batch_figures.target_figure(readout.target, readout.status, lang, theme),
        caption=caption,
        alt=batch_figures.target_alt(readout.target, lang),
    )


def gradient_page_figure(state, readout, lang="en", theme="light"):
    """The signed gradient heat map with its caption and alt text."""
    caption = text(
        lang,
        "cap.bt.gradient",
        batch=_batch_words(state, readout, lang),
        loss=fmt_value(readout.loss),
        rows=_rows_words(readout.gradient),
        bound=fmt(readout.gradient_bound, CAPTION_DECIMALS),
    )
    figure = batch_figures.gradient_figure(
        readout.gradient, readout.gradient_bound, state.labels, readout.status, lang, state.target_form, theme
    )
    alt = batch_figures.gradient_alt(readout.gradient, readout.gradient_bound, lang)
    return PageFigure(figure, caption=caption, alt=alt)


def page_figures(values, lang="en", theme="light"):
    """Every figure of the batch page for the control values (keys as in url_specs), by name.

    The page draws "target" only for free probability rows; exported, it shows any form's targets."""
    state = state_from_values(values)
    readout = evaluate(state)
    return {
        "softmax": softmax_page_figure(state, readout, lang, theme),
        "target": target_page_figure(state, readout, lang, theme),
        "gradient": gradient_page_figure(state, readout, lang, theme),
    }


def _batch_words(state, readout, lang):
    """'a batch of 2 rows × 3 classes, labels [0, 2], reduction='mean', class weights [1, 1, 2]'."""
    labels = "[" + _rows_text(state.labels) + "]"
    options = ""
    if state.weight:
        options += text(lang, "cap.bt.weight", weight="[" + ", ".join(f"{w:g}" for w in state.weight) + "]")
    if state.label_smoothing > 0:
        options += text(lang, "cap.bt.smoothing", eps=f"{state.label_smoothing:g}")
    ignored = [n for n, row_status in enumerate(readout.status) if row_status != "counted"]
    if ignored:
        options += text(lang, "cap.bt.ignored", rows=_rows_text(ignored), ignore=state.ignore_index)
    return text(
        lang,
        "cap.bt.batch",
        rows=state.num_rows,
        classes=state.num_classes,
        targets=text(lang, f"cap.bt.targets.{state.target_form}", labels=labels),
        reduction=state.reduction,
        options=options,
    )


def _vector_words(values):
    """[a, b, c, d, …] to CAPTION_DECIMALS, at most MAX_TERMS entries."""
    values = np.ravel(values)
    shown = ", ".join(fmt(v, CAPTION_DECIMALS) for v in values[:MAX_TERMS])
    return "[" + shown + (", …" if values.size > MAX_TERMS else "") + "]"


def _rows_words(matrix):
    """'[a, b]; [c, d]' for the first MAX_TERMS rows of a matrix, '…' after them."""
    rows = [_vector_words(row) for row in np.asarray(matrix)[:MAX_TERMS]]
    return "; ".join(rows) + ("; …" if len(matrix) > MAX_TERMS else "")
