"""The binary page's figures: BCE against p for soft labels (with its own slider and frames), the sigmoid,
the two gradients and the multi-label heat map. Numbers in, go.Figure out; numbers from topics.binary.numbers.

The soft-label figure moves in the browser while its slider is dragged: core precomputes one frame per
label y = 0, 0.01, ..., 1 and the slider's steps call Plotly's `animate` on them, so no server round
trip is needed. Its slider starts at the page's y.
"""

import numpy as np
import plotly.graph_objects as go

from core import losses
from topics.binary.numbers import (
    FAMILY_LABELS,
    bce_curves,
    binary_entropy,
    evaluate,
    label_grid,
    logit_gradient_curve,
    multilabel,
    probability_gradient_curve,
    probability_grid,
    unweighted_logit_loss,
)
from topics.binary.state import LABEL_STEP, LOGIT_RANGE, LOGIT_STEP, PROB_STEP, state_from_values
from topics.shared.cache import cached_by
from topics.shared.figures import (
    BLACK,
    BLUE,
    CHART_HEIGHT,
    PALETTE,
    THEMES,
    VERMILION,
    PageFigure,
    template,
    typed_array,
    unvalidated_figure,
)
from topics.shared.formatting import fmt, fmt_vector
from topics.shared.i18n import text

CURVES_HEIGHT = 500
LOSS_TOP = 3.5  # the curves' loss axis: BCE runs to infinity at the wrong end, the story is below 3.5
FAMILY_COLOURS = PALETTE[:5]
HEAT_SCALE = [[0.0, "#FFFFFF"], [1.0, BLUE]]
DECIMALS = 5  # curve values sent to the browser
FRAME_SETS_KEPT = 16  # label_frames results the server keeps (~0.3 MB each)
# Traces the frames update, in the order each frame lists them.
FRAME_TRACES = ("current", "kl", "floor", "minimum", "point")
FIRST_MOVING_TRACE = len(FAMILY_LABELS) + 1  # after the family curves and their minima


def _round(values):
    """Curve values as Plotly's typed-array spec of float32: base64 of the bytes, half the size of float64,
    and encoded here once instead of by Plotly's JSON encoder for each of the frames' 200 arrays."""
    return typed_array(np.round(np.asarray(values, float), DECIMALS))


def curves_figure(p, y, lang="en", theme="light"):
    """BCE(p; y) over p for the family y = 0, 0.25, ..., 1 (thin, their minima (y, H(y)) marked), and for
    the current y (thick) with its floor H(y), the KL curve BCE - H(y) and the point (p, BCE(p; y)).

    A slider under the plot steps y through 0..1 in 0.01 with one precomputed frame per label."""
    ink = THEMES[theme]["ink"]
    grid = probability_grid()
    family = bce_curves(grid, FAMILY_LABELS)
    traces = [
        {
            "type": "scatter",
            "x": _round(grid),
            "y": _round(row),
            "mode": "lines",
            "name": text(lang, "bin.fig.family"),
            "legendgroup": "family",
            "showlegend": k == 0,
            "line": {"color": FAMILY_COLOURS[k], "width": 1.5},
            "opacity": 0.55,
            "hovertemplate": f"y = {label:g}<br>p = %{{x:.3f}}<br>BCE = %{{y:.4f}}<extra></extra>",
        }
        for k, (label, row) in enumerate(zip(FAMILY_LABELS, family, strict=True))
    ]
    labels = np.array(FAMILY_LABELS)
    traces.append(
        {
            "type": "scatter",
            "x": labels,
            "y": _round(binary_entropy(labels)),
            "mode": "markers",
            "legendgroup": "family",
            "showlegend": False,
            "marker": {"color": FAMILY_COLOURS, "size": 8, "symbol": "diamond"},
            "hovertemplate": "min at p = y = %{x}<br>H(y) = %{y:.4f}<extra></extra>",
        }
    )
    names = {
        "current": text(lang, "bin.fig.current"),
        "kl": text(lang, "bin.fig.kl"),
        "floor": text(lang, "bin.fig.floor"),
    }
    styles = {
        "current": {"mode": "lines", "line": {"color": ink, "width": 3.5}},
        "kl": {"mode": "lines", "line": {"color": VERMILION, "width": 2.5, "dash": "dash"}},
        "floor": {"mode": "lines", "line": {"color": ink, "width": 1.5, "dash": "dot"}},
        "minimum": {"mode": "markers", "marker": {"color": ink, "size": 11, "symbol": "diamond-open"}},
        "point": {
            "mode": "markers",
            "marker": {"color": BLUE, "size": 14, "line": {"color": ink, "width": 2}},
        },
    }
    current = frame_data(p, y)
    for name in FRAME_TRACES:
        traces.append(
            {
                **styles[name],
                "x": _round(grid),
                **current[name],
                "name": names.get(name, ""),
                "showlegend": name in names,
                "hovertemplate": "p = %{x:.3f}<br>%{y:.4f}<extra></extra>",
            }
        )
    assert len(traces) == FIRST_MOVING_TRACE + len(FRAME_TRACES)
    layout = {
        "template": template(theme),
        # The title pinned to the top and room for the legend to wrap to three rows on a phone.
        "title": {"text": text(lang, "bin.fig.curves"), "y": 0.99, "yref": "container", "yanchor": "top"},
        "height": CURVES_HEIGHT,
        "margin": {"l": 48, "r": 12, "t": 104, "b": 40},
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom", "font": {"size": 11}},
        "xaxis": {"range": [0, 1], "title": {"text": text(lang, "bin.fig.p_axis")}},
        "yaxis": {"range": [-0.05, LOSS_TOP], "title": {"text": text(lang, "bin.fig.loss_axis")}},
        "sliders": [label_slider(y, lang, ink)],
    }
    # The frames (kept by p, shared) are attached as built; the tests validate the result.
    return unvalidated_figure(traces, layout, frames=label_frames(p))


@cached_by(float, maxsize=FRAME_SETS_KEPT)
def label_frames(p):
    """One frame per label y = 0, 0.01, ..., 1, named "0.00" ... "1.00", updating the moving traces.

    They depend on p only, not on y (nor the weights): a change of the label, pos_weight or smoothing
    reuses the frames of the p before (the server keeps the last FRAME_SETS_KEPT sets, shared)."""
    labels = label_grid()
    curves = bce_curves(probability_grid(), labels)
    floors = binary_entropy(labels)
    at_p = bce_curves([p], labels)[:, 0]
    moving = list(range(FIRST_MOVING_TRACE, FIRST_MOVING_TRACE + len(FRAME_TRACES)))
    return tuple(
        go.Frame(
            name=_frame_name(label),
            data=[data[name] for name in FRAME_TRACES],
            traces=moving,
            _validate=False,
        )
        for label, data in (
            (label, _moving_traces(p, label, curve, floor, at))
            for label, curve, floor, at in zip(labels, curves, floors, at_p, strict=True)
        )
    )


def frame_data(p, y):
    """The moving traces for label y: {trace name: {"y": ...}} (also the figure's start)."""
    curve = bce_curves(probability_grid(), [y])[0]
    floor = float(binary_entropy(np.float64(y)))
    return _moving_traces(p, y, curve, floor, float(bce_curves([p], [y])[0, 0]))


def _moving_traces(p, y, curve, floor, at_p):
    floor = round(float(floor), DECIMALS)
    return {  # the curves keep their x (the p grid) from the figure: a frame sends only y
        "current": {"type": "scatter", "y": _round(curve)},
        "kl": {"type": "scatter", "y": _round(curve - floor)},
        "floor": {"type": "scatter", "x": [0, 1], "y": [floor] * 2},
        "minimum": {"type": "scatter", "x": [float(y), float(y)], "y": [floor, 0.0]},
        "point": {"type": "scatter", "x": [p], "y": [round(min(float(at_p), LOSS_TOP), DECIMALS)]},
    }


def label_slider(y, lang, ink):
    """Plotly's own slider over the frames: it animates (no redraw) on every step it passes while dragged."""
    labels = label_grid()
    active = int(np.argmin(np.abs(labels - y)))
    animate = {"mode": "immediate", "frame": {"duration": 0, "redraw": False}, "transition": {"duration": 0}}
    return {
        "active": active,
        "steps": [
            {"method": "animate", "label": _frame_name(label), "args": [[_frame_name(label)], animate]}
            for label in labels
        ],
        "currentvalue": {"prefix": text(lang, "bin.fig.slider_prefix"), "font": {"color": ink, "size": 13}},
        "pad": {"t": 46, "b": 0},
        "len": 1.0,
        "x": 0,
        "y": 0,
        "ticklen": 3,
        "minorticklen": 0,
        "font": {"color": ink, "size": 10},
    }


def _frame_name(label):
    return f"{label:.2f}"


def curves_alt(readout, lang="en"):
    return text(
        lang,
        "bin.alt.curves",
        y=fmt(readout.y, 2),
        p=fmt(readout.p),
        bce=fmt(readout.bce_probs),
        floor=fmt(readout.floor),
        kl=fmt(readout.kl),
    )


def sigmoid_figure(z, p, lang="en", theme="light"):
    """sigmoid(z) over z in -10..10 with the current (z, p); a logit outside the axis sits at its edge."""
    ink = THEMES[theme]["ink"]
    z_grid = np.linspace(*LOGIT_RANGE, 201)
    shown_z = float(np.clip(z, *LOGIT_RANGE))
    traces = [
        {
            "type": "scatter",
            "x": _round(z_grid),
            "y": _round(losses.sigmoid(z_grid)),
            "mode": "lines",
            "line": {"color": ink, "width": 2.5},
            "hovertemplate": "z = %{x:.2f}<br>p = %{y:.4f}<extra></extra>",
        },
        {
            "type": "scatter",
            "x": [shown_z],
            "y": [p],
            "mode": "markers+text",
            "text": [f"z = {fmt(z, 2)}, p = {fmt(p)}"],
            "textposition": "middle left" if shown_z > 0 else "middle right",
            "textfont": {"color": ink},
            "marker": {"color": BLUE, "size": 13, "line": {"color": ink, "width": 2}},
            "hoverinfo": "skip",
        },
    ]
    layout = {
        "template": template(theme),
        "title": {"text": text(lang, "bin.fig.sigmoid")},
        "height": CHART_HEIGHT,
        "showlegend": False,
        "xaxis": {"range": [-10.5, 10.5], "title": {"text": "z"}},
        "yaxis": {"range": [-0.05, 1.05], "title": {"text": "p = σ(z)"}},
    }
    return unvalidated_figure(traces, layout)


def sigmoid_alt(readout, lang="en"):
    return text(lang, "bin.alt.sigmoid", z=fmt(readout.z, 2), p=fmt(readout.p))


def gradient_range(pos_weight):
    """The gradient axis: +-4, widened so dL/dz (between -w and 1) stays in view for a large pos_weight."""
    return max(4.0, 1.15 * max(pos_weight, 1.0))


def gradients_figure(p, y, pos_weight, grad_z, grad_p, lang="en", theme="light"):
    """dL/dz of BCEWithLogitsLoss and dL/dp of BCELoss, both over p, with the current values marked.

    dL/dz is the straight line (1 + (w - 1) y) p - w y, bounded; dL/dp = (p - y) / (p (1 - p)) runs off
    to infinity near 0 and 1. A marker off the axis is pinned to its edge (its value is in the legend)."""
    ink = THEMES[theme]["ink"]
    grid = probability_grid()
    top = gradient_range(pos_weight)
    shown_p = float(np.clip(p, 0.0, 1.0))
    lines = [
        ("dz", logit_gradient_curve(grid, y, pos_weight), grad_z, BLUE, "solid"),
        ("dp", probability_gradient_curve(grid, y), grad_p, VERMILION, "dash"),
    ]
    traces = []
    for name, curve, value, colour, dash in lines:
        label = text(lang, f"bin.fig.grad_{name}", value=fmt(value))
        traces.append(
            {
                "type": "scatter",
                "x": _round(grid),
                "y": _round(np.clip(curve, -10 * top, 10 * top)),
                "mode": "lines",
                "name": label,
                "legendgroup": name,
                "line": {"color": colour, "width": 2.5, "dash": dash},
                "hovertemplate": "p = %{x:.3f}<br>%{y:.4f}<extra></extra>",
            }
        )
        traces.append(
            {
                "type": "scatter",
                "x": [shown_p],
                "y": [float(np.clip(value, -top, top))],
                "mode": "markers",
                "legendgroup": name,
                "showlegend": False,
                "marker": {"color": colour, "size": 12, "line": {"color": ink, "width": 2}},
                "hoverinfo": "skip",
            }
        )
    layout = {
        "template": template(theme),
        "title": {"text": text(lang, "bin.fig.gradients"), "y": 0.99, "yref": "container", "yanchor": "top"},
        "height": CHART_HEIGHT + 60,
        "margin": {"l": 48, "r": 12, "t": 76, "b": 40},
        "showlegend": True,
        "legend": {"orientation": "h", "x": 0, "y": 1.0, "yanchor": "bottom", "font": {"size": 11}},
        "xaxis": {"range": [0, 1], "title": {"text": text(lang, "bin.fig.p_axis")}},
        "yaxis": {"range": [-top, top], "title": {"text": text(lang, "bin.fig.grad_axis")}},
        "shapes": [
            {
                "type": "line",
                "x0": y,
                "x1": y,
                "y0": -top,
                "y1": top,
                "line": {"color": ink, "dash": "dot", "width": 1},
            }
        ],
    }
    return unvalidated_figure(traces, layout)


def gradients_alt(readout, lang="en"):
    return text(
        lang, "bin.alt.gradients", p=fmt(readout.p), grad_z=fmt(readout.grad_z), grad_p=fmt(readout.grad_p)
    )


def multilabel_figure(result, labels, lang="en", theme="light"):
    """Heat map of the per-element losses (rows: samples, columns: classes), each cell with its loss and
    its label, so the numbers do not rest on colour alone."""
    ink = THEMES[theme]["ink"]
    values = np.asarray(result.losses, float)
    rows, cols = values.shape
    cells = [[f"{fmt(values[i, j])}<br>y = {labels[i][j]:g}" for j in range(cols)] for i in range(rows)]
    top = max(2.0, float(values.max()))
    heat = {
        "type": "heatmap",
        "z": values,
        "x": [text(lang, "bin.fig.class", index=j) for j in range(cols)],
        "y": [text(lang, "bin.fig.sample", index=i) for i in range(rows)],
        "text": cells,
        "texttemplate": "%{text}",
        "textfont": {"color": BLACK, "size": 13},
        "zmin": 0,
        "zmax": top,
        "colorscale": HEAT_SCALE,
        "colorbar": {"thickness": 10, "len": 0.9, "tickfont": {"color": ink}},
        "hovertemplate": "%{y}, %{x}: %{z:.4f}<extra></extra>",
        "xgap": 2,
        "ygap": 2,
    }
    layout = {
        "template": template(theme),
        "title": {"text": text(lang, "bin.fig.multilabel", mean=fmt(result.mean))},
        "height": CHART_HEIGHT,
        "xaxis": {"side": "top", "type": "category"},
        "yaxis": {"autorange": "reversed", "type": "category"},
        "margin": {"l": 72, "r": 12, "t": 70, "b": 12},
    }
    return unvalidated_figure([heat], layout)


def multilabel_alt(result, lang="en"):
    return text(lang, "bin.alt.multilabel", values=fmt_vector(result.losses), mean=fmt(result.mean))


def live_data(state, readout, lang="en"):
    """What the live chart (ui/live_binary) draws: the state, core's readout as the page writes it (shown
    whenever nothing moves), the prediction's range and grid, colours and words. While the point or y
    moves the browser computes the same readout with the shared math (ui/live_math)."""
    form = state.form
    x_range, x_step = (LOGIT_RANGE, LOGIT_STEP) if form == "logit" else ((0.0, 1.0), PROB_STEP)
    rows = ("bceLogits", "bceProbs", "kerasLogits", "kerasProbs", "floor", "kl", "gradZ", "gradP")
    keys = ("logits", "probs", "keras_logits", "keras_probs", "floor", "kl", "grad_z", "grad_p")
    values = (readout.bce_logits, readout.bce_probs, readout.keras_logits, readout.keras_probs)
    values += (readout.floor, readout.kl, readout.grad_z, readout.grad_p)
    core = {name: fmt(value) for name, value in zip(rows, values, strict=True)}
    placeholders = {"w": "{w}", "weighted": "{weighted}", "plain": "{plain}"}
    pos_weight_text = text(lang, "bin.live.pos_weight_text", **placeholders)
    filled = {"w": fmt(state.pos_weight, 1), "weighted": fmt(readout.bce_logits)}
    plain = fmt(unweighted_logit_loss(readout))
    core["posWeight"] = text(lang, "bin.live.pos_weight_text", **filled, plain=plain)
    core["linked"] = f"p = {fmt(readout.p)}" if form == "logit" else f"z = {fmt(readout.z)}"
    linked_label = text(lang, "bin.linked_label_p" if form == "logit" else "bin.linked_label_z")
    labels = [[name, text(lang, f"bin.m.{key}")] for name, key in zip(rows, keys, strict=True)]
    labels += [["posWeight", text(lang, "bin.live.pos_weight")], ["linked", linked_label]]
    return {
        "form": form,
        "x": float(state.z if form == "logit" else state.p),
        "y": float(state.y),
        "posWeight": float(state.pos_weight),
        "smoothing": float(state.smoothing),
        "xRange": list(x_range),
        "xStep": x_step,
        "yStep": LABEL_STEP,
        "controlKeys": {"point": "bin_z" if form == "logit" else "bin_p", "label": "bin_y"},
        "core": core,
        "text": {
            "group": text(lang, "bin.live.group"),
            "title": text(lang, "bin.live.title_z" if form == "logit" else "bin.live.title_p"),
            "pointLabel": text(lang, "bin.z" if form == "logit" else "bin.p"),
            "pointText": text(lang, "bin.live.point_text", x="{x}", loss="{loss}"),
            "yLabel": text(lang, "bin.y"),
            "rows": labels,
            "posWeightText": pos_weight_text,
            "saturated": text(lang, "bin.live.saturated", p="{p}"),
            "note": text(lang, "bin.readout_note"),
        },
    }


def curves_page_figure(readout, lang="en", theme="light"):
    """The soft-label curves with their caption and alt text."""
    caption = text(lang, "bin.caption.curves", y=fmt(readout.y, 2), floor=fmt(readout.floor))
    return PageFigure(curves_figure(readout.p, readout.y, lang, theme), caption, curves_alt(readout, lang))


def sigmoid_page_figure(readout, lang="en", theme="light"):
    caption = text(lang, "bin.caption.sigmoid", z=fmt(readout.z, 2), p=fmt(readout.p))
    return PageFigure(sigmoid_figure(readout.z, readout.p, lang, theme), caption, sigmoid_alt(readout, lang))


def gradients_page_figure(state, readout, lang="en", theme="light"):
    figure = gradients_figure(
        readout.p, readout.y, state.pos_weight, readout.grad_z, readout.grad_p, lang, theme
    )
    caption = text(lang, "bin.caption.gradients", pos_weight=fmt(state.pos_weight, 1))
    return PageFigure(figure, caption, gradients_alt(readout, lang))


def multilabel_page_figure(result, labels, lang="en", theme="light"):
    caption = text(lang, "bin.caption.multilabel", mean=fmt(result.mean))
    return PageFigure(multilabel_figure(result, labels, lang, theme), caption, multilabel_alt(result, lang))


def page_figures(values, lang="en", theme="light"):
    """{name: PageFigure} for the state `values` (keyed as in topics.binary.state.url_specs()), built with
    the builders the page calls."""
    state = state_from_values(values)
    readout = evaluate(state)
    result = multilabel(values["bin_ml_z"], values["bin_ml_y"], state.pos_weight)
    return {
        "curves": curves_page_figure(readout, lang, theme),
        "sigmoid": sigmoid_page_figure(readout, lang, theme),
        "gradients": gradients_page_figure(state, readout, lang, theme),
        "multilabel": multilabel_page_figure(result, values["bin_ml_y"], lang, theme),
    }
