"""The binary page's formulas: BCELoss on p and BCEWithLogitsLoss on z, written out with the current
numbers.
"""

from topics.shared.formatting import fmt


def formula_lines(readout, state):
    """The two losses written out with the current numbers, as LaTeX `aligned` blocks short enough for a
    phone: BCELoss on p, and BCEWithLogitsLoss on z (with pos_weight w when it is not 1)."""
    y, p = fmt(readout.y, 2), fmt(readout.p)
    probs = [
        r"\ell(p) &= -[y \log p + (1-y) \log(1-p)]",
        rf"&= -[{y} \log {p} + {fmt(1 - readout.y, 2)} \log {fmt(1 - readout.p)}]",
        rf"&= {fmt(readout.bce_probs)}",
    ]
    if state.pos_weight == 1:
        head = r"\ell(z) &= (1-y)\,z - \log\sigma(z)"
    else:
        head = r"\ell(z) &= (1-y)\,z - (1 + (w-1)y) \log\sigma(z)"
    logits = [head, rf"&= {fmt(readout.bce_logits)}\quad (z = {fmt(readout.z, 2)})"]
    return [_aligned(probs), _aligned(logits)]


def _aligned(rows):
    return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"
