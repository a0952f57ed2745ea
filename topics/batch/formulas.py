"""The batch page's formulas: the per-row loss and the reduction written out with the current numbers, as
LaTeX `aligned` blocks narrow enough for a phone.
"""

import numpy as np

from topics.shared.formatting import fmt

MAX_FORMULA_TERMS = 3  # terms of a sum written out in a formula: it must fit a phone's width


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
