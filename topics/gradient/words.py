"""The gradient page's words: the descent path, the minimum, the finite-difference table and the
cross-entropy-against-MSE comparison, with the current numbers.
"""

import numpy as np

from topics.gradient.numbers import confidently_wrong, flat_direction_check, smoothing_gap
from topics.gradient.state import LOGIT_RANGE
from topics.shared.formatting import fmt
from topics.shared.i18n import text


def landscape_caption(land, values, lang="en"):
    """The path in words: where it starts and ends, its loss before and after."""
    return text(
        lang,
        "gr.path_caption",
        steps=values["gr_steps"],
        lr=fmt(values["gr_lr"], 2),
        first=fmt(land.path.losses[0]),
        last=fmt(land.path.losses[-1]),
        z1=fmt(land.path.points[-1, 0], 2),
        z2=fmt(land.path.points[-1, 1], 2),
    )


def sweep_sentence(sweep, lang="en"):
    """Why MSE learns slowly, with the current numbers and those at the confidently wrong end."""
    end, here = confidently_wrong(sweep), sweep.current
    return text(
        lang,
        "gr.sweep_sentence",
        c=sweep.true_class,
        z=fmt(here["z"], 1),
        p=fmt(here["true_probs"]),
        ce=fmt(here["ce_push"]),
        mse=fmt(here["mse_push"]),
        low=fmt(end["z"], 0),
        p_low=fmt(end["true_probs"]),
        ce_low=fmt(end["ce_push"]),
        mse_low=fmt(end["mse_push"]),
        ratio=fmt(end["ratio"], 0),
        mse_norm=fmt(end["mse_grad_norm"]),
    )


def finite_difference_table(check, lang):
    """The analytic gradient beside central differences, logit by logit, and their difference."""
    return {
        text(lang, "gr.fd.logit"): [f"z{k}" for k in range(check.analytic.size)],
        text(lang, "gr.fd.analytic"): [fmt(v, 8) for v in check.analytic],
        text(lang, "gr.fd.numerical"): [fmt(v, 8) for v in check.numerical],
        text(lang, "gr.fd.diff"): [f"{d:.1e}" for d in np.abs(check.analytic - check.numerical)],
    }


def path_warning(land, learning_rate, lang):
    """Where the descent path first climbs (the learning rate is too large), or None."""
    rises = np.flatnonzero(np.diff(land.path.losses) > 0)
    if not rises.size:
        return None
    return text(lang, "gr.path_rises", lr=fmt(learning_rate, 2), step=int(rises[0]) + 1)


def flat_direction_sentence(state, lang):
    """Adding the same number to every logit leaves the loss where it was: before and after."""
    before, after = flat_direction_check(state)
    return text(lang, "gr.flat_direction", before=fmt(before), after=fmt(after))


def minimum_sentence(state, land, lang):
    """Where the loss is lowest: nowhere in reach without smoothing, else at the finite gap."""
    if land.minimum is None:
        return text(lang, "gr.no_minimum", c=state.true_class)
    z1, z2 = land.minimum
    gap = state.temperature * smoothing_gap(state.smoothing)
    fields = {"eps": fmt(state.smoothing, 2), "c": state.true_class, "gap": fmt(gap)}
    sentence = text(lang, "gr.minimum", z1=fmt(z1), z2=fmt(z2), **fields)
    if max(abs(z1), abs(z2)) > LOGIT_RANGE[1]:
        sentence += " " + text(lang, "gr.minimum_outside")
    return sentence
