"""The frameworks page's figures: what each mistake computes against what was meant, and the BCELoss
saturation curve of mistake 8. Pure builders (numbers in, go.Figure out) with the shared template and
palette, fixed axis ranges, and alt text from the same numbers."""

import numpy as np

from core import losses
from topics.frameworks.mistakes import BIG_LOGIT_RANGE, all_mistakes
from topics.frameworks.state import state_from_values
from topics.shared.figures import BLUE, CHART_HEIGHT, VERMILION, PageFigure, template, unvalidated_figure
from topics.shared.formatting import fmt, fmt_vector
from topics.shared.i18n import text

NICE_STEPS = (1, 1.5, 2, 3, 4, 5, 6, 8, 10)  # axis ends: these times a power of ten
SATURATION_TOP = 110.0  # the clamp gives 100
SATURATION_LOGITS = np.arange(BIG_LOGIT_RANGE[0], BIG_LOGIT_RANGE[1] + 0.125, 0.25, dtype=np.float32)


def nice_bound(value):
    """The smallest of 1, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, ... at or above |value| (at least 1): an axis
    end that moves only in steps while the values change."""
    magnitude = abs(float(value)) if np.isfinite(value) else 0.0
    if magnitude <= 1:
        return 1
    power = 10.0 ** np.floor(np.log10(magnitude))
    return next(step * power for step in NICE_STEPS if step * power >= magnitude * (1 - 1e-12))


def compared_mistakes(mistakes):
    """The cards drawn in the comparison chart: all but the saturation card, which has its own."""
    return [m for m in mistakes if m.key != "bce_saturation"]


def mistakes_figure(mistakes, lang="en", theme="light"):
    """Horizontal bars per card: the loss as written (hatched, vermilion) and as meant (blue)."""
    shown = compared_mistakes(mistakes)
    names = [f"#{m.number}" for m in shown]
    written = np.array([m.written.loss for m in shown])
    meant = np.array([m.meant.loss for m in shown])
    finite = np.concatenate([written, meant])
    finite = finite[np.isfinite(finite)]
    high = nice_bound(finite.max() if finite.size else 1) * 1.2  # room for the value labels
    low = -nice_bound(finite.min()) * 1.2 if finite.size and finite.min() < 0 else 0
    traces = [
        _bars(names, written, text(lang, "fw.fig.written"), VERMILION, "/"),
        _bars(names, meant, text(lang, "fw.fig.meant"), BLUE, ""),
    ]
    layout = {
        "template": template(theme),
        "title": {"text": text(lang, "fw.fig.mistakes")},
        "height": 120 + 34 * len(shown),
        "barmode": "group",
        "bargap": 0.25,
        "showlegend": True,
        "legend": {"orientation": "h", "y": 1.0, "x": 0, "yanchor": "bottom"},
        "margin": {"l": 48, "r": 12, "t": 72, "b": 40},
        "xaxis": {"range": [low, high], "title": {"text": text(lang, "fig.loss")}},
        "yaxis": {"type": "category", "autorange": "reversed"},
    }
    return unvalidated_figure(traces, layout)


def mistakes_alt(mistakes, lang="en"):
    pairs = "; ".join(
        f"#{m.number}: {fmt(m.written.loss)} / {fmt(m.meant.loss)}" for m in compared_mistakes(mistakes)
    )
    return text(lang, "fw.alt.mistakes", pairs=pairs)


def mistakes_caption(state, lang="en"):
    logits = " ".join(fmt_vector(row, 2) for row in state.z)
    return text(lang, "fw.fig.mistakes_caption", logits=logits, labels=fmt_vector(state.y, 0))


def saturation_curves():
    """(z, BCELoss(sigmoid(z)), BCEWithLogitsLoss(z)) for target 0 in float32 over the slider's range."""
    zeros = np.zeros_like(SATURATION_LOGITS)
    probs = losses.sigmoid(SATURATION_LOGITS)
    clamped = losses.binary_cross_entropy(probs, zeros, reduction="none")
    stable = losses.binary_cross_entropy_with_logits(SATURATION_LOGITS, zeros, reduction="none")
    return SATURATION_LOGITS, clamped, stable


def saturation_figure(card, lang="en", theme="light"):
    """Both losses against the logit z (target 0), with the slider's z marked on each curve."""
    logits, clamped, stable = saturation_curves()
    z = float(card.facts["logit"])
    traces = [
        _line(logits, clamped, text(lang, "fw.fig.bce_loss"), VERMILION, "dash"),
        _line(logits, stable, text(lang, "fw.fig.bce_logits"), BLUE, "solid"),
        {
            "type": "scatter",
            "x": [z, z],
            "y": [card.written.loss, card.meant.loss],
            "mode": "markers",
            "marker": {"size": 11, "color": [VERMILION, BLUE], "symbol": ["x", "circle"]},
            "showlegend": False,
            "hovertemplate": "z = %{x}: %{y:.4f}<extra></extra>",
        },
    ]
    layout = {
        "template": template(theme),
        "title": {"text": text(lang, "fw.fig.saturation")},
        "height": CHART_HEIGHT + 40,
        "showlegend": True,
        "legend": {"orientation": "h", "y": 1.0, "x": 0, "yanchor": "bottom"},
        "margin": {"l": 48, "r": 12, "t": 72, "b": 44},
        "xaxis": {"range": list(BIG_LOGIT_RANGE), "title": {"text": text(lang, "fw.fig.logit")}},
        "yaxis": {"range": [0, SATURATION_TOP], "title": {"text": text(lang, "fig.loss")}},
    }
    return unvalidated_figure(traces, layout)


def saturation_alt(card, lang="en"):
    return text(
        lang,
        "fw.alt.saturation",
        logit=card.facts["logit"],
        written=fmt(card.written.loss),
        meant=fmt(card.meant.loss),
    )


def _bars(names, values, name, colour, pattern):
    return {
        "type": "bar",
        "orientation": "h",
        "y": names,
        "x": values,
        "name": name,
        "text": [fmt(v) for v in values],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": colour, "pattern": {"shape": pattern}},
        "hovertemplate": "%{y}: %{x:.4f}<extra>" + name + "</extra>",
    }


def _line(x, y, name, colour, dash):
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "lines",
        "name": name,
        "line": {"color": colour, "dash": dash, "width": 3},
        "hovertemplate": "z = %{x}: %{y:.4f}<extra></extra>",
    }


def mistakes_page_figure(state, cards, lang="en", theme="light"):
    """The mistakes' losses as written and as meant, with caption and alt text."""
    return PageFigure(
        mistakes_figure(cards, lang, theme), mistakes_caption(state, lang), mistakes_alt(cards, lang)
    )


def saturation_page_figure(card, lang="en", theme="light"):
    """Card 8's curves: BCELoss on sigmoid(z) saturating at 100 against BCEWithLogitsLoss."""
    caption = text(lang, "fw.fig.saturation_caption", logit=card.facts["logit"])
    return PageFigure(saturation_figure(card, lang, theme), caption, saturation_alt(card, lang))


def page_figures(values, lang="en", theme="light"):
    """The page's figures for the control values `values` (keys as in url_specs)."""
    state = state_from_values(values)
    cards = all_mistakes(state)
    saturation = next(card for card in cards if card.key == "bce_saturation")
    return {
        "mistakes": mistakes_page_figure(state, cards, lang, theme),
        "saturation": saturation_page_figure(saturation, lang, theme),
    }
