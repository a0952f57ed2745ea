"""The batch page's words: the corner cases it names (notes), why Keras's default reduction differs, how the
reduction scales the gradient, the per-row table, and the words of its figure captions. Each sentence is an
i18n key with its fields, or text in a language, built from the numbers (topics.batch.numbers)."""

from dataclasses import dataclass, field

import numpy as np

from topics.batch.keras_route import keras_call
from topics.batch.numbers import plain_mean
from topics.batch.state import probability_rows
from topics.shared.formatting import DECIMALS, fmt, fmt_vector
from topics.shared.i18n import text

MAX_TERMS = 4  # values written out in a sentence or a list before "..."


@dataclass(frozen=True)
class Note:
    """A corner case the state reaches, said in words next to the numbers (i18n "bt.note.<kind>")."""

    kind: str
    params: dict = field(default_factory=dict)


def rows_text(rows):
    """'0, 2, 5' for the first MAX_TERMS rows, '…' after them."""
    rows = list(rows)
    shown = ", ".join(str(r) for r in rows[:MAX_TERMS])
    return shown + (", …" if len(rows) > MAX_TERMS else "")


def notes(state, readout, keras):
    """The corner cases this state reaches (Note), in the order the page says them: ignored or dropped
    rows, the form the labels come in, smoothing, underflow, and Keras's default reduction (`keras`: the
    state's keras_route.keras_routes)."""
    return tuple(_notes(state, readout, keras))


def _notes(state, readout, keras):
    alternative = readout.alternative
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
        yield Note("ignored_rows", {"rows": rows_text(ignored), "ignore": state.ignore_index})
    if state.target_form == "index" and 0 <= state.ignore_index < state.num_classes:
        yield Note("ignore_is_class", {"ignore": state.ignore_index})
    if state.target_form != "index" and state.ignore_index >= 0:
        yield Note("ignore_probs", {"ignore": state.ignore_index})
    if dropped:
        yield Note(
            "dropped_rows" if counted.any() else "all_dropped",
            {"rows": rows_text(dropped), "ignore": state.ignore_index, "kept": int(counted.sum())},
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
                {"rows": rows_text(off), "sums": ", ".join(f"{sums[n]:g}" for n in off[:MAX_TERMS])},
            )
    if state.label_smoothing > 0 and weighted and state.target_form == "index":
        yield Note("smoothing_weights", {"eps": f"{state.label_smoothing:g}", "classes": state.num_classes})
    elif state.label_smoothing > 0:
        yield Note("smoothing", {"eps": f"{state.label_smoothing:g}", "classes": state.num_classes})
    if state.label_smoothing >= 1 and state.target_form == "index":
        yield Note("smoothing_uniform", {})
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


def keras_sentence(state, readout, keras):
    """(i18n key, fields) for the sentence that says why Keras's default reduction differs (or agrees);
    `keras` is the state's keras_route.keras_routes."""
    if not keras:
        return None
    default = keras[0]
    params = {
        "keras": fmt_value(default.value),
        "torch": fmt_value(readout.loss),
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


def fmt_value(value):
    """A loss as the page shows it: fmt for a number, [a, b, …] for reduction='none'."""
    return fmt(value) if np.ndim(value) == 0 else vector_words(value, DECIMALS)


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


CAPTION_DECIMALS = 3


def batch_words(state, readout, lang):
    """'a batch of 2 rows × 3 classes, labels [0, 2], reduction='mean', class weights [1, 1, 2]'."""
    labels = "[" + rows_text(state.labels) + "]"
    options = ""
    if state.weight:
        options += text(lang, "cap.bt.weight", weight="[" + ", ".join(f"{w:g}" for w in state.weight) + "]")
    if state.label_smoothing > 0:
        options += text(lang, "cap.bt.smoothing", eps=f"{state.label_smoothing:g}")
    ignored = [n for n, row_status in enumerate(readout.status) if row_status != "counted"]
    if ignored:
        options += text(lang, "cap.bt.ignored", rows=rows_text(ignored), ignore=state.ignore_index)
    return text(
        lang,
        "cap.bt.batch",
        rows=state.num_rows,
        classes=state.num_classes,
        targets=text(lang, f"cap.bt.targets.{state.target_form}", labels=labels),
        reduction=state.reduction,
        options=options,
    )


def vector_words(values, decimals=CAPTION_DECIMALS):
    """[a, b, c, d, …]: at most MAX_TERMS entries, each through fmt."""
    values = np.ravel(values)
    shown = ", ".join(fmt(v, decimals) for v in values[:MAX_TERMS])
    return "[" + shown + (", …" if values.size > MAX_TERMS else "") + "]"


def rows_words(matrix):
    """'[a, b]; [c, d]' for the first MAX_TERMS rows of a matrix, '…' after them."""
    rows = [vector_words(row) for row in np.asarray(matrix)[:MAX_TERMS]]
    return "; ".join(rows) + ("; …" if len(matrix) > MAX_TERMS else "")


def loss_label(state, lang):
    """The headline's label: CrossEntropyLoss(reduction=...)."""
    if state.reduction == "none":
        return text(lang, "bt.loss_none")
    return text(lang, "bt.loss", reduction=state.reduction)


def summary(state, readout, lang):
    """What the loss was computed over: rows, rows counted, classes, and what 'mean' divides by."""
    words = text(
        lang, "bt.summary", rows=state.num_rows, counted=readout.num_counted, classes=state.num_classes
    )
    if state.reduction == "mean":
        words += " · " + text(lang, "bt.summary_mean", denominator=f"{readout.denominator:g}")
    return words


def weighted_mean_sentence(state, readout, lang):
    """Why the weighted mean is not the plain mean of -log p, with both numbers; None when they agree."""
    if not weighted_mean_differs(state, readout):
        return None
    return text(
        lang,
        "bt.weighted_vs_plain",
        weighted=fmt(readout.loss),
        plain=fmt(plain_mean(readout)),
        total=f"{readout.denominator:g}",
        count=readout.num_counted,
    )


def gradient_words(state, readout, lang):
    """How the reduction scales each row's gradient, and what the colours mean."""
    key, fields = gradient_sentence(state, readout)
    return text(lang, key, **fields) + " " + text(lang, "bt.grad.colours", bound=fmt(readout.gradient_bound))


def keras_words(state, readout, keras, lang):
    """keras_sentence in `lang`, or None when Keras has no call for this batch."""
    sentence = keras_sentence(state, readout, keras)
    return None if sentence is None else text(lang, sentence[0], **sentence[1])
