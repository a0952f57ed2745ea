"""The training page's figures: the playback (decision regions, the followed sample's logits and softmax,
the loss so far), the loss and accuracy curves, the gradient norm, and every objective side by side.
Numbers in (topics.training.numbers.Experiment), go.Figure out.

The playback runs in the browser: one precomputed frame per snapshot (at most numbers.MAX_FRAMES), and
Plotly's own play / pause / reset buttons and slider animate them, so playing costs the server nothing.
"""

import base64
import zlib
from dataclasses import replace

import numpy as np
import plotly.graph_objects as go

from topics.shared.figures import (
    BLACK,
    BLUE,
    ORANGE,
    PALETTE,
    PINK,
    SKY,
    THEMES,
    VERMILION,
    PageFigure,
    template,
    typed_array,
    unvalidated_figure,
)
from topics.shared.formatting import fmt
from topics.shared.i18n import text
from topics.training.numbers import experiment
from topics.training.state import FRAMES_PER_SECOND, LOSSES, state_from_values

CLASS_SYMBOLS = ("circle", "square", "diamond", "triangle-up", "cross")
LOSS_CAP = 3.0  # a point's own cross-entropy is shaded from 0 (white) to this (black)
OBJECTIVE_COLOURS = dict(zip(LOSSES, (BLACK, SKY, VERMILION, ORANGE, PINK, "#7F7F7F", BLUE), strict=True))
OBJECTIVE_DASH = {"nll_log_softmax": "dot"}  # drawn over cross-entropy: one curve, as seed 004 says
PLANAR_HEIGHT, FLAT_HEIGHT = 860, 560
FRAME_TRACES_PLANAR = (0, 1, 3, 4, 7)  # regions, points, logits, softmax, the step marker
FRAME_TRACES_FLAT = (3, 4, 7)


def tint(colour, share=0.6):
    """A colour mixed with white (the regions' background must leave the points readable)."""
    rgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)])
    mixed = np.round(rgb + (255 - rgb) * share).astype(int)
    return "#" + "".join(f"{v:02X}" for v in mixed)


def class_colorscale(num_classes):
    """A stepwise colour scale: class k (z = k, zmin -0.5, zmax C - 0.5) gets its palette colour, tinted."""
    scale = []
    for k in range(num_classes):
        colour = tint(PALETTE[k])
        scale += [[k / num_classes, colour], [(k + 1) / num_classes, colour]]
    return scale


def frame_name(step):
    return str(int(step))


def playback_figure(result, lang="en", theme="light"):
    """The animated view of the chosen objective's run (see the module docstring)."""
    colours = THEMES[theme]
    data, playback, curves = result.data, result.playback, result.main.curves
    classes, label = data.num_classes, result.sample_label()
    planar = data.is_planar
    traces = [*region_traces(result, lang), *sample_bars(result, 0, lang)]
    traces += loss_traces(curves, lang) + [step_marker(curves, 0, colours["ink"])]
    rows = _playback_domains(planar)
    ticks = [text(lang, "fig.true_label", index=k) if k == label else str(k) for k in range(classes)]
    bar_axis = {"tickmode": "array", "tickvals": list(range(classes)), "ticktext": ticks}
    logit_span = (
        float(np.nanmax(np.abs(playback.sample_logits))) if np.isfinite(playback.sample_logits).any() else 1
    )
    layout = {
        "template": template(theme),
        "title": {"text": text(lang, "trn.fig.playback", loss=text(lang, f"trn.loss.{result.state.loss}"))},
        "height": PLANAR_HEIGHT if planar else FLAT_HEIGHT,
        "margin": {"l": 52, "r": 16, "t": 48, "b": 120},
        "showlegend": False,
        "xaxis": {"domain": [0, 1], "anchor": "y", "visible": planar, "title": {"text": "x₁"}},
        "yaxis": {"domain": rows["regions"], "anchor": "x", "visible": planar, "title": {"text": "x₂"}},
        "xaxis2": {"domain": [0, 0.46], "anchor": "y2", **bar_axis},
        "yaxis2": {"domain": rows["bars"], "anchor": "x2", "range": [-logit_span * 1.1, logit_span * 1.1]},
        "xaxis3": {"domain": [0.54, 1], "anchor": "y3", **bar_axis},
        "yaxis3": {"domain": rows["bars"], "anchor": "x3", "range": [0, 1.05]},
        "xaxis4": {"domain": [0, 1], "anchor": "y4"},
        "yaxis4": {"domain": rows["curve"], "anchor": "x4", "rangemode": "tozero"},
        "annotations": _playback_titles(rows, lang, result.state.sample),
        "updatemenus": [play_buttons(result.state.speed, lang, colours)],
        "sliders": [step_slider(result.frame_steps, lang, colours["ink"])],
    }
    # Frames built unvalidated, attached as they are; the tests validate the result.
    return unvalidated_figure(traces, layout, frames=playback_frames(result, lang))


def _playback_domains(planar):
    if planar:
        return {"regions": [0.5, 1.0], "bars": [0.22, 0.4], "curve": [0.0, 0.13]}
    return {"regions": [0.99, 1.0], "bars": [0.45, 0.92], "curve": [0.0, 0.28]}


def _playback_titles(rows, lang, sample):
    def title(key, x, top, **values):
        return {
            "text": text(lang, key, **values),
            "x": x,
            "y": top,
            "xref": "paper",
            "yref": "paper",
            "xanchor": "left",
            "yanchor": "bottom",
            "showarrow": False,
            "font": {"size": 12},
        }

    return [
        title("trn.fig.logits", 0, rows["bars"][1] + 0.01, sample=sample),
        title("trn.fig.softmax", 0.54, rows["bars"][1] + 0.01),
        title("trn.fig.curve", 0, rows["curve"][1] + 0.01),
    ]


def region_traces(result, lang):
    """The regions' heat map (predicted class) and the training points, shaded by their own
    cross-entropy, outlined in their class's colour; the followed sample ringed."""
    data, playback = result.data, result.playback
    inputs, labels = data.train_inputs, data.train_labels
    classes = data.num_classes
    if not data.is_planar:
        empty = {"type": "scatter", "x": [], "y": [], "xaxis": "x", "yaxis": "y", "hoverinfo": "skip"}
        return [{**empty, "type": "heatmap", "z": [[0]], "opacity": 0}, empty, empty]
    sample = inputs[result.state.sample]
    return [
        {
            "type": "heatmap",
            "x": typed_array(playback.grid_x),
            "y": typed_array(playback.grid_y),
            "z": typed_array(playback.regions[0], "u1"),
            "zmin": -0.5,
            "zmax": classes - 0.5,
            "colorscale": class_colorscale(classes),
            "showscale": False,
            "hovertemplate": text(lang, "trn.fig.region_hover") + "<extra></extra>",
        },
        {
            "type": "scatter",
            "x": typed_array(inputs[:, 0]),
            "y": typed_array(inputs[:, 1]),
            "mode": "markers",
            "customdata": labels.tolist(),
            "marker": {
                "color": typed_array(np.minimum(playback.point_losses[0], LOSS_CAP)),
                "cmin": 0,
                "cmax": LOSS_CAP,
                "colorscale": [[0, "#FFFFFF"], [1, "#000000"]],
                "size": 8,
                "symbol": [CLASS_SYMBOLS[k] for k in labels],
                "line": {"color": [PALETTE[k] for k in labels], "width": 2},
            },
            "hovertemplate": text(lang, "trn.fig.point_hover") + "<extra></extra>",
        },
        {
            "type": "scatter",
            "x": [float(sample[0])],
            "y": [float(sample[1])],
            "mode": "markers",
            "marker": {"size": 20, "symbol": "circle-open", "color": BLACK, "line": {"width": 3}},
            "hoverinfo": "skip",
        },
    ]


def sample_bars(result, frame, lang):
    """The followed sample's logits and softmax at a frame (the true class's bar in its colour)."""
    playback, classes = result.playback, result.data.num_classes
    label = result.sample_label()
    colours = [PALETTE[k] if k == label else tint(PALETTE[k], 0.45) for k in range(classes)]
    logits = np.nan_to_num(playback.sample_logits[frame], nan=0.0)
    probs = np.nan_to_num(playback.sample_probs[frame], nan=0.0)
    common = {"type": "bar", "x": list(range(classes)), "marker": {"color": colours}}
    return [
        {
            **common,
            "y": typed_array(logits),
            "xaxis": "x2",
            "yaxis": "y2",
            "hovertemplate": "z%{x} = %{y:.3f}<extra></extra>",
        },
        {
            **common,
            "y": typed_array(probs),
            "xaxis": "x3",
            "yaxis": "y3",
            "hovertemplate": "p%{x} = %{y:.3f}<extra></extra>",
        },
    ]


def loss_traces(curves, lang):
    line = {"type": "scatter", "mode": "lines", "xaxis": "x4", "yaxis": "y4", "x": curves.steps.tolist()}
    return [
        {
            **line,
            "y": typed_array(curves.train_loss),
            "name": text(lang, "trn.fig.train"),
            "line": {"color": BLUE},
        },
        {
            **line,
            "y": typed_array(curves.val_loss),
            "name": text(lang, "trn.fig.val"),
            "line": {"color": ORANGE, "dash": "dash"},
        },
    ]


def marker_position(curves, frame):
    """The step marker's place on the loss curve at a frame (on the axis when the loss is not finite)."""
    loss = curves.train_loss[frame]
    return {
        "type": "scatter",
        "x": [int(curves.steps[frame])],
        "y": [float(loss) if np.isfinite(loss) else 0.0],
    }


def step_marker(curves, frame, ink):
    position = marker_position(curves, frame)
    return {
        **position,
        "mode": "markers",
        "xaxis": "x4",
        "yaxis": "y4",
        "marker": {"size": 11, "color": ink},
        "hoverinfo": "skip",
    }


def playback_frames(result, lang):
    """One frame per snapshot, updating only the moving traces."""
    planar, playback, curves = result.data.is_planar, result.playback, result.main.curves
    moving = FRAME_TRACES_PLANAR if planar else FRAME_TRACES_FLAT
    frames = []
    for index, step in enumerate(result.frame_steps):
        bars = sample_bars(result, index, lang)
        updates = [
            {"type": "bar", "y": bars[0]["y"]},
            {"type": "bar", "y": bars[1]["y"]},
            marker_position(curves, index),
        ]
        if planar:
            losses = np.nan_to_num(np.minimum(playback.point_losses[index], LOSS_CAP), nan=LOSS_CAP)
            updates = [
                {"type": "heatmap", "z": typed_array(playback.regions[index], "u1")},
                {"type": "scatter", "marker.color": typed_array(losses)},
                *updates,
            ]
        frames.append({"name": frame_name(step), "data": updates, "traces": list(moving)})
    return [go.Frame(**frame, _validate=False) for frame in frames]


def play_buttons(speed, lang, colours):
    """Play (at FRAMES_PER_SECOND times the speed), pause, and back to step 0, drawn by Plotly."""
    duration = 1000 / (FRAMES_PER_SECOND * float(speed))
    play = {
        "frame": {"duration": duration, "redraw": True},
        "transition": {"duration": 0},
        "fromcurrent": True,
        "mode": "immediate",
    }
    still = {"frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}, "mode": "immediate"}
    return {
        "type": "buttons",
        "direction": "left",
        "showactive": False,
        "x": 0,
        "y": 0,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"t": 30, "r": 8},
        "bgcolor": colours["grid"],
        "font": {"color": colours["ink"]},
        "buttons": [
            {"label": text(lang, "trn.fig.play"), "method": "animate", "args": [None, play]},
            {"label": text(lang, "trn.fig.pause"), "method": "animate", "args": [[None], still]},
            {"label": text(lang, "trn.fig.reset"), "method": "animate", "args": [["0"], still]},
        ],
    }


def step_slider(steps, lang, ink):
    """Plotly's slider over the frames: one step each, labelled by the SGD step it shows."""
    still = {"frame": {"duration": 0, "redraw": True}, "transition": {"duration": 0}, "mode": "immediate"}
    return {
        "active": 0,
        "steps": [
            {"method": "animate", "label": frame_name(s), "args": [[frame_name(s)], still]} for s in steps
        ],
        "currentvalue": {"prefix": text(lang, "trn.fig.slider_prefix"), "font": {"color": ink, "size": 13}},
        "x": 0,
        "len": 1.0,
        "y": 0,
        "yanchor": "top",
        "pad": {"t": 72, "b": 0},
        "ticklen": 2,
        "minorticklen": 0,
        "font": {"color": ink, "size": 9},
    }


def deflated(values, dtype):
    """Every frame's values in one block: base64 of the zlib-compressed little-endian bytes (the browser
    inflates it once with DecompressionStream). Regions are large areas of one class, so they shrink
    tens of times."""
    packed = np.ascontiguousarray(np.asarray(values).astype("<" + dtype if dtype != "u1" else "u1"))
    return base64.b64encode(zlib.compress(packed.tobytes(), 6)).decode("ascii")


def point_shades(point_losses):
    """Each training point's grey level per frame, 255 (white, loss 0) to 0 (black, loss >= LOSS_CAP): the
    shading the player draws, computed here so the browser only looks it up (uint8: 256 levels)."""
    capped = np.minimum(np.nan_to_num(point_losses, nan=LOSS_CAP, posinf=LOSS_CAP), LOSS_CAP)
    return np.round(255 * (1 - capped / LOSS_CAP)).astype(np.uint8)


def player_data(result, lang="en"):
    """What ui.training_player draws, every frame at once, sent once per run: the regions' classes
    (frames x n x n bytes, row 0 = the lowest x2) and each training point's grey level from its own
    cross-entropy (frames x points bytes), both deflated; the followed sample's logits and softmax, the
    training and validation cross-entropy per frame, and the words."""
    data, playback, curves, state = result.data, result.playback, result.main.curves, result.state
    classes = data.num_classes
    planar = data.is_planar
    finite_logits = playback.sample_logits[np.isfinite(playback.sample_logits)]
    grid = None
    if planar:
        grid = {
            "x0": float(playback.grid_x[0]),
            "x1": float(playback.grid_x[-1]),
            "y0": float(playback.grid_y[0]),
            "y1": float(playback.grid_y[-1]),
            "n": int(playback.grid_x.size),
        }
    sample = data.train_inputs[state.sample]
    return {
        "key": repr(replace(state, speed="1")),
        "steps": [int(step) for step in result.frame_steps],
        "fps": FRAMES_PER_SECOND,
        "speed": state.speed,
        "colours": PALETTE[:classes],
        "tints": [tint(colour) for colour in PALETTE[:classes]],
        "curveColours": [BLUE, ORANGE],
        "grid": grid,
        "regions": deflated(playback.regions, "u1") if planar else None,
        "points": {
            "x": deflated(data.train_inputs[:, 0], "f4") if planar else None,
            "y": deflated(data.train_inputs[:, 1], "f4") if planar else None,
            "label": deflated(data.train_labels, "u1"),
            "count": int(data.train_labels.size),
        },
        "shades": deflated(point_shades(playback.point_losses), "u1"),
        "sample": {"label": result.sample_label(), "x": float(sample[0]), "y": float(sample[1])},
        "logits": np.round(np.nan_to_num(playback.sample_logits), 4).tolist(),
        "probs": np.round(np.nan_to_num(playback.sample_probs), 4).tolist(),
        "logitRange": float(np.abs(finite_logits).max() * 1.1) if finite_logits.size else 1.0,
        "curve": {
            "train": [round(float(v), 5) if np.isfinite(v) else None for v in curves.train_loss],
            "val": [round(float(v), 5) if np.isfinite(v) else None for v in curves.val_loss],
        },
        "text": {
            key: text(lang, f"trn.player.{key}", sample=state.sample)
            for key in (
                "regions",
                "logits",
                "softmax",
                "curve",
                "play",
                "pause",
                "step",
                "reset",
                "slider",
                "stepOf",
                "train",
                "val",
            )
        },
    }


def stacked_layout(title, top_axis, bottom_axis, lang, theme, height=500):
    """Two panels over the same SGD steps: a loss on top, an accuracy (0..1) below, the legend under them."""
    return {
        "template": template(theme),
        "title": {"text": title},
        "height": height,
        "margin": {"l": 52, "r": 12, "t": 40, "b": 40},
        "legend": {"orientation": "h", "x": 0, "y": -0.1, "yanchor": "top", "font": {"size": 11}},
        "xaxis": {"anchor": "y", "matches": "x2", "showticklabels": False},
        "yaxis": {"domain": [0.5, 1], "title": {"text": top_axis}},
        "xaxis2": {"anchor": "y2"},  # the steps are named in the title: the legend sits under the axis
        "yaxis2": {"domain": [0, 0.42], "range": [0, 1.02], "title": {"text": bottom_axis}},
    }


def curves_figure(result, lang="en", theme="light"):
    """The chosen run: the true cross-entropy (training and validation) and the batch loss of the
    objective itself over the steps, and the accuracy below."""
    curves, run = result.main.curves, result.main.run
    steps = np.arange(1, len(run.batch_losses) + 1)
    line = {"type": "scatter", "mode": "lines", "x": curves.steps.tolist()}
    traces = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": steps.tolist(),
            "y": typed_array(run.batch_losses),
            "name": text(lang, "trn.fig.batch"),
            "line": {"color": "#9AA0A6", "width": 1},
        },
        {
            **line,
            "y": typed_array(curves.train_loss),
            "name": text(lang, "trn.fig.train"),
            "line": {"color": BLUE, "width": 2.5},
        },
        {
            **line,
            "y": typed_array(curves.val_loss),
            "name": text(lang, "trn.fig.val"),
            "line": {"color": ORANGE, "width": 2.5, "dash": "dash"},
        },
        {
            **line,
            "y": typed_array(curves.train_accuracy),
            "xaxis": "x2",
            "yaxis": "y2",
            "showlegend": False,
            "line": {"color": BLUE, "width": 2.5},
        },
        {
            **line,
            "y": typed_array(curves.val_accuracy),
            "xaxis": "x2",
            "yaxis": "y2",
            "showlegend": False,
            "line": {"color": ORANGE, "width": 2.5, "dash": "dash"},
        },
    ]
    layout = stacked_layout(
        text(lang, "trn.fig.curves"),
        text(lang, "trn.fig.loss_axis"),
        text(lang, "trn.fig.accuracy_axis"),
        lang,
        theme,
    )
    layout["yaxis"]["rangemode"] = "tozero"
    return unvalidated_figure(traces, layout)


def gradient_norm_figure(result, lang="en", theme="light"):
    """||dL/dθ|| at every step of the chosen run (log scale: the mistakes' gradients are orders smaller)."""
    norms = result.main.run.gradient_norms
    steps = np.arange(1, norms.size + 1)
    trace = {
        "type": "scatter",
        "mode": "lines",
        "x": steps.tolist(),
        "y": typed_array(norms),
        "line": {"color": VERMILION},
    }
    layout = {
        "template": template(theme),
        "title": {"text": text(lang, "trn.fig.gradient_norm")},
        "height": 280,
        "showlegend": False,
        "xaxis": {"title": {"text": text(lang, "trn.fig.step")}},
        "yaxis": {"type": "log", "dtick": 1, "title": {"text": "‖∂L/∂θ‖"}},
    }
    return unvalidated_figure([trace], layout)


def mistakes_figure(result, lang="en", theme="light"):
    """Every objective from the same start over the same batches: the true training cross-entropy (top)
    and the validation accuracy (bottom). nll_loss(log_softmax) is dotted over CrossEntropyLoss."""
    traces = []
    for objective, outcome in result.runs.items():
        curves = outcome.curves
        style = {"color": OBJECTIVE_COLOURS[objective], "width": 3 if objective == result.state.loss else 1.8}
        style["dash"] = OBJECTIVE_DASH.get(objective, "solid")
        name = text(lang, f"trn.loss.{objective}")
        line = {
            "type": "scatter",
            "mode": "lines",
            "x": curves.steps.tolist(),
            "name": name,
            "legendgroup": objective,
        }
        traces.append({**line, "y": typed_array(curves.train_loss), "line": style})
        traces.append(
            {
                **line,
                "y": typed_array(curves.val_accuracy),
                "line": style,
                "xaxis": "x2",
                "yaxis": "y2",
                "showlegend": False,
            }
        )
    titles = (text(lang, "trn.fig.true_ce_axis"), text(lang, "trn.fig.val_accuracy_axis"))
    layout = stacked_layout(text(lang, "trn.fig.mistakes"), *titles, lang, theme, height=620)
    layout["yaxis"]["range"] = [0, 3]
    return unvalidated_figure(traces, layout)


def page_figures(values, lang="en", theme="light"):
    """{name: PageFigure} for the state `values` (keyed as in topics.training.state.url_specs())."""
    result = experiment(state_from_values(values))
    return {
        "playback": playback_page_figure(result, lang, theme),
        "curves": curves_page_figure(result, lang, theme),
        "gradient_norm": gradient_norm_page_figure(result, lang, theme),
        "mistakes": mistakes_page_figure(result, lang, theme),
    }


def _numbers(result, lang):
    curves = result.main.curves
    return {
        "loss": text(lang, f"trn.loss.{result.state.loss}"),
        "dataset": text(lang, f"trn.data.{result.state.dataset}"),
        "classes": result.data.num_classes,
        "steps": result.steps,
        "first": fmt(curves.train_loss[0]),
        "last": fmt(curves.train_loss[-1]),
        "accuracy": fmt(100 * curves.val_accuracy[-1], 1),
    }


def playback_page_figure(result, lang="en", theme="light"):
    numbers = _numbers(result, lang)
    return PageFigure(
        playback_figure(result, lang, theme),
        text(lang, "trn.cap.playback", **numbers),
        text(lang, "trn.alt.playback", **numbers),
    )


def curves_page_figure(result, lang="en", theme="light"):
    numbers = _numbers(result, lang)
    return PageFigure(
        curves_figure(result, lang, theme),
        text(lang, "trn.cap.curves", **numbers),
        text(lang, "trn.alt.curves", **numbers),
    )


def gradient_norm_page_figure(result, lang="en", theme="light"):
    norms = result.main.run.gradient_norms
    finite = norms[np.isfinite(norms)]
    numbers = _numbers(result, lang) | {
        "first_norm": fmt(finite[0]) if finite.size else "NaN",
        "last_norm": fmt(finite[-1]) if finite.size else "NaN",
    }
    return PageFigure(
        gradient_norm_figure(result, lang, theme),
        text(lang, "trn.cap.gradient_norm", **numbers),
        text(lang, "trn.alt.gradient_norm", **numbers),
    )


def mistakes_page_figure(result, lang="en", theme="light"):
    numbers = _numbers(result, lang) | {"difference": fmt(result.correct_difference())}
    return PageFigure(
        mistakes_figure(result, lang, theme),
        text(lang, "trn.cap.mistakes", **numbers),
        text(lang, "trn.alt.mistakes", **numbers),
    )
