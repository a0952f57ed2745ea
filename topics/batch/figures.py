"""Plotly figures of the batch page: numbers in, go.Figure out (heat maps of N rows by C classes).

Same conventions as topics.shared.figures: an explicit template, the Okabe-Ito palette, fixed colour
ranges (0..1 for probabilities, +-the largest possible entry for gradients), and marks that do not rely
on colour alone (the target cell is outlined, ignored rows are hatched and named, gradient cells carry
an arrow).
"""

import numpy as np

from topics.batch.numbers import evaluate
from topics.batch.state import state_from_values
from topics.batch.words import CAPTION_DECIMALS, batch_words, fmt_value, rows_words, vector_words
from topics.shared.figures import (
    BLUE,
    LOWER_COLOUR,
    RAISE_COLOUR,
    THEMES,
    PageFigure,
    template,
    unvalidated_figure,
)
from topics.shared.formatting import fmt, fmt_vector
from topics.shared.i18n import text

PROBABILITY_SCALE = [[0.0, "#FFFFFF"], [1.0, BLUE]]  # sequential: white (0) to Okabe-Ito blue (1)
# Diverging, centred on 0: blue where a gradient step raises the logit, vermilion where it lowers it.
GRADIENT_SCALE = [[0.0, RAISE_COLOUR], [0.5, "#FFFFFF"], [1.0, LOWER_COLOUR]]
ROW_HEIGHT = 34
LEFT_OUT_FILL = "rgba(92, 99, 112, 0.55)"


def row_labels(status, labels, lang, target_form="index"):
    """Tick labels: '0 · y=0', '1 · ignored' so a left-out row is named, not only shaded."""
    ticks = []
    for n, (state, y) in enumerate(zip(status, labels, strict=True)):
        if state == "counted":
            tick = (
                text(lang, "bt.fig.row", row=n)
                if target_form == "probs"
                else text(lang, "bt.fig.row_label", row=n, label=y)
            )
        else:
            tick = text(lang, f"bt.fig.row_{state}", row=n)
        ticks.append(tick)
    return ticks


def softmax_figure(probs, labels, status, lang="en", target_form="index", theme="light"):
    """Heat map of p = softmax(z) per row on a fixed 0..1 scale, each value written in its cell; the
    target cell p_{n,y_n} outlined (index and one-hot targets); rows left out of the loss shaded."""
    probs = np.asarray(probs, dtype=float)
    num_classes = probs.shape[1]
    ink = THEMES[theme]["ink"]
    outlines = []
    if target_form != "probs":
        outlines = [
            {
                "type": "rect",
                "x0": y - 0.5,
                "x1": y + 0.5,
                "y0": n - 0.5,
                "y1": n + 0.5,
                "line": {"color": ink, "width": 3},
            }
            for n, (state, y) in enumerate(zip(status, labels, strict=True))
            if state == "counted"
        ]
    return _heat_map(
        _heat(probs, [[fmt(p) for p in row] for row in probs], "p", 0.0, 1.0, PROBABILITY_SCALE, num_classes),
        text(lang, "bt.fig.softmax"),
        row_labels(status, labels, lang, target_form),
        outlines + _left_out_shades(status, num_classes),
        lang,
        theme,
    )


def target_figure(target, status, lang="en", theme="light"):
    """Heat map of the target rows t (normalised), on the same 0..1 scale as the softmax map."""
    target = np.asarray(target, dtype=float)
    num_rows, num_classes = target.shape
    return _heat_map(
        _heat(
            target, [[fmt(v) for v in row] for row in target], "t", 0.0, 1.0, PROBABILITY_SCALE, num_classes
        ),
        text(lang, "bt.fig.target"),
        [text(lang, "bt.fig.row", row=n) for n in range(num_rows)],
        [],
        lang,
        theme,
    )


def gradient_figure(gradient, bound, labels, status, lang="en", target_form="index", theme="light"):
    """Signed heat map of dL/dz on a fixed range +-bound (the largest entry the batch allows), centred
    on 0: blue cells go up with a gradient step, vermilion ones down, and each cell says so with an arrow."""
    gradient = np.asarray(gradient, dtype=float)
    num_classes = gradient.shape[1]
    up, down = text(lang, "bt.fig.up"), text(lang, "bt.fig.down")
    cells = [[_gradient_cell(g, up, down) for g in row] for row in gradient]
    heat = _heat(gradient, cells, "dL/dz", -bound, bound, GRADIENT_SCALE, num_classes, text_shrink=1)
    heat["zmid"] = 0.0
    heat["hovertemplate"] = "dL/dz[%{y}, %{x}] = %{z:.5f}<extra></extra>"
    return _heat_map(
        heat,
        text(lang, "bt.fig.gradient"),
        row_labels(status, labels, lang, target_form),
        _left_out_shades(status, num_classes),
        lang,
        theme,
    )


def softmax_alt(probs, readout_target_prob, lang="en"):
    rows = "; ".join(fmt_vector(row) for row in np.asarray(probs)[:4])
    marked = fmt_vector([p for p in np.asarray(readout_target_prob) if np.isfinite(p)])
    return text(lang, "bt.alt.softmax", rows=rows, marked=marked)


def gradient_alt(gradient, bound, lang="en"):
    rows = "; ".join(fmt_vector(row) for row in np.asarray(gradient)[:4])
    return text(lang, "bt.alt.gradient", rows=rows, bound=fmt(bound))


def target_alt(target, lang="en"):
    rows = "; ".join(fmt_vector(row) for row in np.asarray(target)[:4])
    return text(lang, "bt.alt.target", rows=rows)


def _gradient_cell(value, up, down):
    """'-0.170 ↑': the value to 3 decimals and the way a step moves the logit; entries below 0.0005 in
    size read '≈0' (the exact value is in the hover label)."""
    arrow = up if value < 0 else down if value > 0 else ""
    if not np.isfinite(value):
        return fmt(value)
    number = fmt(value, 3) if abs(value) >= 5e-4 or value == 0 else "≈0"
    return f"{number} {arrow}".strip()


def text_size(num_classes):
    """Cell text size: smaller with more classes, so values still fit the cells on a phone."""
    return 12 if num_classes <= 4 else 10 if num_classes <= 6 else 9


def figure_height(num_rows):
    return 96 + ROW_HEIGHT * num_rows


def _heat(values, cells, name, low, high, scale, num_classes, text_shrink=0):
    num_rows = values.shape[0]
    return {
        "type": "heatmap",
        "z": values,
        "x": list(range(num_classes)),
        "y": list(range(num_rows)),
        "zmin": low,
        "zmax": high,
        "colorscale": scale,
        "showscale": False,
        "text": cells,
        "texttemplate": "%{text}",
        "textfont": {"size": text_size(num_classes) - text_shrink},
        "hovertemplate": name + "[%{y}, %{x}] = %{z:.4f}<extra></extra>",
        "xgap": 2,
        "ygap": 2,
    }


def _left_out_shades(status, num_classes):
    """A grey band over each row that is not in the loss (the tick label names it too)."""
    return [
        {
            "type": "rect",
            "x0": -0.5,
            "x1": num_classes - 0.5,
            "y0": n - 0.5,
            "y1": n + 0.5,
            "line": {"width": 0},
            "fillcolor": LEFT_OUT_FILL,
        }
        for n, state in enumerate(status)
        if state != "counted"
    ]


def _heat_map(heat, title, ticks, shapes, lang, theme):
    """One go.Figure built in a single call (update_layout on a built figure costs ~10x more), from trusted
    dicts without Plotly's validation (a quarter of the cost; tests/tools/test_export.py validates them)."""
    num_rows, num_classes = len(ticks), len(heat["x"])
    axis = {"fixedrange": True, "showgrid": False, "zeroline": False, "ticks": ""}
    layout = {
        "template": template(theme),
        "title": {"text": title},
        "height": figure_height(num_rows),
        "showlegend": False,
        "margin": {"l": 8, "r": 8, "t": 56, "b": 8},
        "shapes": shapes,
        "xaxis": {
            **axis,
            "title": {"text": text(lang, "fig.class"), "standoff": 4},
            "side": "top",
            "tickvals": list(range(num_classes)),
            "ticktext": [str(c) for c in range(num_classes)],
        },
        "yaxis": {
            **axis,
            "title": {"text": text(lang, "bt.fig.rows"), "standoff": 10},
            "tickvals": list(range(num_rows)),
            "ticktext": ticks,
            "autorange": "reversed",
            "automargin": True,
        },
    }
    return unvalidated_figure([heat], layout)


def softmax_page_figure(state, readout, lang="en", theme="light"):
    """The softmax heat map (target cells outlined) with its caption and alt text."""
    marked = [p for p in readout.target_prob if np.isfinite(p)]
    caption = text(
        lang,
        "cap.bt.softmax" if marked else "cap.bt.softmax_unmarked",
        batch=batch_words(state, readout, lang),
        marked=vector_words(marked),
        loss=fmt_value(readout.loss),
    )
    return PageFigure(
        softmax_figure(readout.probs, state.labels, readout.status, lang, state.target_form, theme),
        caption=caption,
        alt=softmax_alt(readout.probs, readout.target_prob, lang),
    )


def target_page_figure(state, readout, lang="en", theme="light"):
    """The target rows t (normalised) as a heat map, with its caption and alt text."""
    batch = batch_words(state, readout, lang)
    caption = text(lang, "cap.bt.target", batch=batch, rows=rows_words(readout.target))
    return PageFigure(
        target_figure(readout.target, readout.status, lang, theme),
        caption=caption,
        alt=target_alt(readout.target, lang),
    )


def gradient_page_figure(state, readout, lang="en", theme="light"):
    """The signed gradient heat map with its caption and alt text."""
    caption = text(
        lang,
        "cap.bt.gradient",
        batch=batch_words(state, readout, lang),
        loss=fmt_value(readout.loss),
        rows=rows_words(readout.gradient),
        bound=fmt(readout.gradient_bound, CAPTION_DECIMALS),
    )
    figure = gradient_figure(
        readout.gradient, readout.gradient_bound, state.labels, readout.status, lang, state.target_form, theme
    )
    alt = gradient_alt(readout.gradient, readout.gradient_bound, lang)
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
