"""Seed 003's two derivations of dL/dz = (p - y) / T, each line with the current numbers, as LaTeX blocks
short enough for a phone.
"""

import numpy as np

from topics.gradient.numbers import chain_rule_gradient, loss_gradient_wrt_probs, softmax_jacobian
from topics.shared.formatting import fmt


def derivation_routes(state, readout):
    """Seed 003's two derivations of dL/dz, each line with the current numbers, with s = z / T:
    (chain rule through the softmax Jacobian, L = logsumexp(s) - sum_j y_j s_j). Each route is a list
    of LaTeX `aligned` blocks, short enough for a phone; both end at readout.gradient, the vector the
    playground draws."""
    probs, target, temperature = readout.probs, readout.target, state.temperature
    s_is = "s = z" if temperature == 1 else rf"s = z / {fmt(temperature, 2)}"
    ending = _ending_rows(readout, temperature)
    upstream = _vector(loss_gradient_wrt_probs(target, probs))
    chain = [
        [
            rf"{s_is} &= {_vector(readout.scaled_logits)}",
            rf"p = \operatorname{{softmax}}(s) &= {_vector(probs)}",
            rf"\frac{{\partial L}}{{\partial p_k}} = -\frac{{y_k}}{{p_k}} &= {upstream}",
        ],
        [
            r"\frac{\partial p_k}{\partial s_j} &= p_k(\delta_{kj} - p_j)",
            rf"J &= {_matrix(softmax_jacobian(probs))}",
            r"\frac{\partial L}{\partial s_j} &= \sum_k -\frac{y_k}{p_k}\, p_k(\delta_{kj} - p_j)",
            r"&= -y_j + p_j \textstyle\sum_k y_k = p_j - y_j",
            *ending,
        ],
    ]
    logsumexp = [
        [
            r"L &= -\sum_j y_j \log \frac{e^{s_j}}{\sum_i e^{s_i}}",
            r"&= \sum_j y_j \log \sum_i e^{s_i} - \sum_j y_j s_j",
            r"&= \log \sum_i e^{s_i} - \sum_j y_j s_j",
            r"&\qquad (\textstyle\sum_j y_j = 1)",
            rf"&= {fmt(readout.logsumexp)} - {_parenthesised(readout.target_logit)} = {fmt(readout.loss)}",
        ],
        [
            r"\frac{\partial}{\partial s_p} \log \sum_i e^{s_i} &= \frac{e^{s_p}}{\sum_i e^{s_i}} = p_p",
            rf"p &= {_vector(probs)}",
            r"\frac{\partial}{\partial s_p} \sum_j y_j s_j &= y_p",
            rf"y &= {_vector(target)}",
            *ending,
        ],
    ]
    return [_aligned(rows) for rows in chain], [_aligned(rows) for rows in logsumexp]


def chain_rule_line(readout, temperature):
    """J^T (-y / p) = p - y with the numbers (and / T when T != 1), as a short `aligned` block:
    g = -y / p, J^T g, the product, p - y."""
    jacobian = softmax_jacobian(readout.probs)
    upstream = loss_gradient_wrt_probs(readout.target, readout.probs)
    rows = [
        rf"g = -\tfrac{{y}}{{p}} &= {_vector(upstream)}",
        rf"J^\top g &= {_matrix(jacobian)} {_vector(upstream)}",
        rf"&= {_vector(jacobian.T @ upstream)} = p - y",
    ]
    if temperature != 1:
        by_t = rf"\frac{{p - y}}{{{fmt(temperature, 2)}}}"
        gradient = _vector(chain_rule_gradient(readout, temperature))
        rows.append(rf"\frac{{\partial L}}{{\partial z}} &= {by_t} = {gradient}")
    return _aligned(rows)


def _ending_rows(readout, temperature):
    per_t = rf"\tfrac{{1}}{{{fmt(temperature, 2)}}}"
    rows = [rf"\frac{{\partial L}}{{\partial s}} &= p - y = {_vector(readout.probs - readout.target)}"]
    if temperature != 1:
        by_t = rf"{per_t}\,\frac{{\partial L}}{{\partial s}}"
        rows.append(rf"\frac{{\partial L}}{{\partial z}} &= {by_t} = {_vector(readout.gradient)}")
    return rows


def _vector(values):
    return r"\begin{bmatrix}" + r" \\ ".join(fmt(v) for v in values) + r"\end{bmatrix}"


def _matrix(values):
    rows = [" & ".join(fmt(v) for v in row) for row in np.asarray(values)]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def _aligned(rows):
    return r"\begin{aligned}" + r" \\[4pt] ".join(rows) + r"\end{aligned}"


def _parenthesised(value):
    text = fmt(value)
    return f"({text})" if text.startswith("-") else text
