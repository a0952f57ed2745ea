"""The playground's formulas: the loss written out with the current numbers, two ways."""

from topics.shared.formatting import fmt

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
