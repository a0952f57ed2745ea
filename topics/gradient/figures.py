"""Figures of the gradient page: the loss landscape with -grad arrows and the descent path, cross-entropy
against MSE along the true-class logit, and the softmax Jacobian. Pure builders: numbers in, go.Figure
out, in the style of topics.shared.figures (template, Okabe-Ito palette, fixed ranges, alt text from the
numbers).
"""

import numpy as np

from topics.gradient.numbers import (
    SWEEP_RANGE,
    click_grid,
    confidently_wrong,
    landscape,
    softmax_jacobian,
    sweep,
)
from topics.gradient.state import LOGIT_RANGE, state_from_values
from topics.gradient.words import landscape_caption, sweep_sentence
from topics.shared.figures import (
    BLUE,
    CHART_HEIGHT,
    GREEN,
    ORANGE,
    THEMES,
    VERMILION,
    PageFigure,
    template,
    unvalidated_figure,
)
from topics.shared.formatting import fmt, fmt_vector
from topics.shared.i18n import text
from topics.shared.sample import evaluate

LANDSCAPE_HEIGHT = 470
ARROW_LENGTH = 0.85  # the longest arrow, in logit units (the arrow grid is 1.0 apart)


# Light sequential fills so the dark arrows, the path and the markers stay readable on top.
LOSS_SCALES = {
    "light": [[0.0, "#F7FBFF"], [0.5, "#C6DBEF"], [1.0, "#6BAED6"]],
    "dark": [[0.0, "#0E1117"], [0.5, "#1B3A5C"], [1.0, "#2F6DA3"]],
}


# Diverging, 0 white: negative vermilion, positive blue (Okabe-Ito ends, as in the batch heat maps).
JACOBIAN_SCALE = [[0.0, VERMILION], [0.5, "#FFFFFF"], [1.0, BLUE]]
JACOBIAN_LIMIT = 0.25  # |J_kj| <= 1/4 for every p (p(1 - p) and p_k p_j are at most 1/4)


def live_data(state, land, values, lang="en", theme="light"):
    """What the live map (ui/live_landscape) draws: the point, the true class, T, eps, the learning rate and
    steps, core's loss, gradient and path end (shown whenever nothing moves), the square, the figure's
    colour scale and words. While the point moves the browser computes the same from the shared math."""
    gradient = evaluate(state).gradient
    steps = values["gr_steps"]
    return {
        "z1": float(state.logits[1]),
        "z2": float(state.logits[2]),
        "trueClass": int(state.true_class),
        "temperature": float(state.temperature),
        "smoothing": float(state.smoothing if state.target_kind == "smoothed" else 0.0),
        "learningRate": float(values["gr_lr"]),
        "steps": int(steps),
        "range": list(LOGIT_RANGE),
        "step": 0.1,
        "controlKeys": {"point": ["gr_z1", "gr_z2"]},
        "scale": LOSS_SCALES[theme],
        "core": {
            "loss": fmt(land.point_loss),
            "gradient": f"({', '.join(fmt(g) for g in gradient)})",
            "pathEnd": fmt(land.path.losses[-1]),
        },
        "text": {
            "group": text(lang, "gr.live.group"),
            "title": text(lang, "gr.live.title", true_class=state.true_class),
            "pointLabel": text(lang, "gr.live.point_label"),
            "pointText": text(lang, "gr.live.point_text", z1="{z1}", z2="{z2}", loss="{loss}"),
            "rows": [
                ["loss", text(lang, "gr.loss")],
                ["gradient", text(lang, "gr.live.gradient")],
                ["pathEnd", text(lang, "gr.live.path_end", steps=steps, lr=fmt(values["gr_lr"], 2))],
            ],
        },
    }


def landscape_figure(land, true_class, lang="en", theme="light"):
    """Contour map of the loss over (z1, z2) with z0 = 0, arrows of -grad, the descent path, the current
    point, the smoothing minimum (if any) and an invisible grid of points a click can select."""
    ink, muted = THEMES[theme]["ink"], THEMES[theme]["muted"]
    contour = {
        "type": "contour",
        "x": land.axis,
        "y": land.axis,
        "z": land.loss.astype(np.float32),  # half the bytes of float64 (121 x 121 per rerun), same picture
        "colorscale": LOSS_SCALES[theme],
        "showscale": False,
        "ncontours": 18,
        "contours": {"showlabels": True, "labelfont": {"size": 10, "color": muted}},
        "line": {"color": muted, "width": 0.6},
        "hoverinfo": "skip",  # a contour's hover would win the click: the click grid answers instead
    }
    traces = [contour, _arrows(land, ink), _click_grid(land, lang), _path(land, lang)]
    if land.minimum is not None:
        traces.append(_marker([land.minimum], "x-thin-open", GREEN, 16, text(lang, "gr.fig.minimum"), 4))
    traces.append(_marker([land.point], "star", ORANGE, 18, text(lang, "gr.fig.point"), 1.5, ink))
    axis = {"range": list(LOGIT_RANGE), "zeroline": False, "dtick": 2, "constrain": "domain"}
    layout = {
        "template": template(theme),
        "title": {"text": text(lang, "gr.fig.landscape", true_class=true_class)},
        "height": LANDSCAPE_HEIGHT,
        "margin": {"l": 44, "r": 8, "t": 40, "b": 84},
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.14, "x": 0, "yanchor": "top"},
        "xaxis": axis | {"title": {"text": "z1", "standoff": 4}},
        "yaxis": axis | {"title": {"text": "z2", "standoff": 4}, "scaleanchor": "x", "scaleratio": 1},
        "hovermode": "closest",
        "clickmode": "event+select",
        "dragmode": False,
    }
    return unvalidated_figure(traces, layout)


def _arrows(land, ink):
    """One trace of short segments from each grid point along -grad, an arrow head at each tip,
    length proportional to |grad| (the longest ARROW_LENGTH)."""
    steps = land.arrow_steps
    longest = float(np.max(np.linalg.norm(steps, axis=1)))
    scaled = steps * (ARROW_LENGTH / longest if longest > 0 else 0.0)
    tips = land.arrow_tails + scaled
    count = tips.shape[0]
    x = np.column_stack([land.arrow_tails[:, 0], tips[:, 0], np.full(count, np.nan)]).ravel()
    y = np.column_stack([land.arrow_tails[:, 1], tips[:, 1], np.full(count, np.nan)]).ravel()
    # The head's angle: degrees clockwise from up (the axes share one scale, so data angles are screen
    # angles); heads shrink with their arrows so a vanishing gradient has no head.
    angles = np.degrees(np.arctan2(scaled[:, 0], scaled[:, 1]))
    lengths = np.linalg.norm(scaled, axis=1)
    head_size = np.where(lengths > 0.08, 7, 0)
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "lines+markers",
        "line": {"color": ink, "width": 1},
        "marker": {
            "symbol": "triangle-up",
            "size": np.column_stack([np.zeros(count), head_size, np.zeros(count)]).ravel(),
            "angle": np.column_stack([np.zeros(count), angles, np.zeros(count)]).ravel(),
            "color": ink,
        },
        "connectgaps": False,
        "name": "−∇L",
        "hoverinfo": "skip",
        "unselected": {"marker": {"opacity": 1}},
    }


def _click_grid(land, lang):
    points = click_grid()
    return {
        "type": "scatter",
        "x": points[:, 0],
        "y": points[:, 1],
        "mode": "markers",
        "marker": {"size": 14, "opacity": 0},
        "selected": {"marker": {"opacity": 0}},
        "unselected": {"marker": {"opacity": 0}},
        "showlegend": False,
        "name": "",
        "hovertemplate": text(lang, "gr.fig.click_hover", x="%{x:.1f}", y="%{y:.1f}") + "<extra></extra>",
    }


def _path(land, lang):
    return {
        "type": "scatter",
        "x": land.path.points[:, 0],
        "y": land.path.points[:, 1],
        "mode": "lines+markers",
        "line": {"color": VERMILION, "width": 2.5},
        "marker": {"size": 5, "color": VERMILION},
        "name": text(lang, "gr.fig.path"),
        "customdata": land.path.losses,
        "hovertemplate": "(%{x:.2f}, %{y:.2f}) L = %{customdata:.4f}<extra></extra>",
        "unselected": {"marker": {"opacity": 1}},
    }


def _marker(points, symbol, colour, size, name, width, line_colour=None):
    points = np.asarray(points, dtype=float)
    return {
        "type": "scatter",
        "x": points[:, 0],
        "y": points[:, 1],
        "mode": "markers",
        "marker": {
            "symbol": symbol,
            "size": size,
            "color": colour,
            "line": {"width": width, "color": line_colour or colour},
        },
        "name": name,
        "hovertemplate": name + " (%{x:.2f}, %{y:.2f})<extra></extra>",
        "unselected": {"marker": {"opacity": 1}},
        "cliponaxis": False,
    }


def landscape_alt(land, lang="en"):
    return text(
        lang,
        "gr.alt.landscape",
        z1=fmt(land.point[0], 1),
        z2=fmt(land.point[1], 1),
        loss=fmt(land.point_loss),
        low=fmt(float(np.min(land.loss))),
        high=fmt(float(np.max(land.loss))),
        steps=land.path.losses.size - 1,
        last=fmt(land.path.losses[-1]),
    )


def sweep_figure(sweep, lang="en", theme="light"):
    """Two panels sharing the z_c axis: the loss (top) and the gradient (bottom) of cross-entropy and
    MSE on softmax outputs; solid = the push -dL/dz_c on the true logit, dotted = ||dL/dz||. A
    vertical line marks the current z_c."""
    c = sweep.true_class
    ce_name, mse_name = text(lang, "gr.fig.ce"), text(lang, "gr.fig.mse")
    traces = [
        _sweep_line(sweep.values, sweep.ce_loss, ce_name, BLUE, "solid", "y", True),
        _sweep_line(sweep.values, sweep.mse_loss, mse_name, ORANGE, "dash", "y", True),
        _sweep_line(sweep.values, sweep.ce_push, ce_name, BLUE, "solid", "y2", False, width=3),
        _sweep_line(sweep.values, sweep.mse_push, mse_name, ORANGE, "dash", "y2", False, width=3),
        _sweep_line(sweep.values, sweep.ce_grad_norm, ce_name + " ‖∇‖", BLUE, "dot", "y2", False, width=1.5),
        _sweep_line(
            sweep.values, sweep.mse_grad_norm, mse_name + " ‖∇‖", ORANGE, "dot", "y2", False, width=1.5
        ),
        _current_points(sweep, [sweep.current["ce_loss"], sweep.current["mse_loss"]], "y", lang),
        _current_points(sweep, [sweep.current["ce_push"], sweep.current["mse_push"]], "y2", lang),
    ]
    loss_top = max(float(np.max(sweep.ce_loss)), 1.0) * 1.05
    grad_top = max(float(np.max(sweep.ce_grad_norm)), float(np.max(sweep.ce_push)), 1.0) * 1.1
    grad_bottom = min(-0.05 * grad_top, 1.1 * float(np.min([sweep.ce_push, sweep.mse_push])))
    muted = THEMES[theme]["muted"]
    layout = {
        "template": template(theme),
        "title": {"text": text(lang, "gr.fig.sweep", true_class=c)},
        "height": CHART_HEIGHT * 2,
        "margin": {"l": 52, "r": 8, "t": 40, "b": 96},
        "showlegend": True,
        "legend": {"orientation": "h", "y": -0.14, "x": 0, "yanchor": "top"},
        "xaxis": {"range": list(SWEEP_RANGE), "anchor": "y2", "title": {"text": f"z{c}", "standoff": 4}},
        "yaxis": {"domain": [0.56, 1], "range": [0, loss_top], "title": {"text": text(lang, "gr.fig.loss")}},
        "yaxis2": {
            "domain": [0, 0.44],
            "range": [grad_bottom, grad_top],
            "title": {"text": text(lang, "gr.fig.gradient")},
        },
        "shapes": [
            {
                "type": "line",
                "xref": "x",
                "yref": "paper",
                "x0": sweep.current["z"],
                "x1": sweep.current["z"],
                "y0": 0,
                "y1": 1,
                "line": {"color": muted, "width": 1, "dash": "dot"},
            }
        ],
        "annotations": [
            _wrong_right_label(text(lang, "gr.fig.wrong"), SWEEP_RANGE[0], "left", muted),
            _wrong_right_label(text(lang, "gr.fig.right"), SWEEP_RANGE[1], "right", muted),
        ],
        "hovermode": "x",
    }
    return unvalidated_figure(traces, layout)


def _sweep_line(x, y, name, colour, dash, axis, show_legend, width=2.5):
    return {
        "type": "scatter",
        "x": x,
        "y": y,
        "mode": "lines",
        "name": name,
        "yaxis": axis,
        "line": {"color": colour, "dash": dash, "width": width},
        "showlegend": show_legend or dash == "dot",
        "legendgroup": name,
        "hovertemplate": name + " %{y:.4g}<extra></extra>",
    }


def _current_points(sweep, values, axis, lang):
    """The current z_c on one panel: cross-entropy's value (circle) and MSE's (diamond)."""
    return {
        "type": "scatter",
        "x": [sweep.current["z"]] * 2,
        "y": values,
        "yaxis": axis,
        "mode": "markers",
        "marker": {"size": 10, "color": [BLUE, ORANGE], "symbol": ["circle", "diamond"]},
        "name": text(lang, "gr.fig.here"),
        "showlegend": False,
        "hovertemplate": "%{y:.4g}<extra></extra>",
    }


def _wrong_right_label(label, x, anchor, colour):
    return {
        "text": label,
        "x": x,
        "xref": "x",
        "y": 1,
        "yref": "paper",
        "xanchor": anchor,
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 11, "color": colour},
    }


def sweep_alt(sweep, lang="en"):
    end = confidently_wrong(sweep)
    return text(
        lang,
        "gr.alt.sweep",
        c=sweep.true_class,
        low=fmt(end["z"], 0),
        ce=fmt(end["ce_push"]),
        mse=fmt(end["mse_push"]),
        z=fmt(sweep.current["z"], 1),
    )


def jacobian_figure(jacobian, lang="en", theme="light"):
    """The softmax Jacobian diag(p) - p p^T as a signed heat map (RdBu, 0 white, fixed at +-1/4) with
    each entry written in its cell."""
    size = jacobian.shape[0]
    heat = {
        "type": "heatmap",
        "z": jacobian,
        "x": [f"s{j}" for j in range(size)],
        "y": [f"p{k}" for k in range(size)],
        "zmin": -JACOBIAN_LIMIT,
        "zmax": JACOBIAN_LIMIT,
        "zmid": 0,
        "colorscale": JACOBIAN_SCALE,
        "showscale": False,
        "text": [[fmt(v) for v in row] for row in jacobian],
        "texttemplate": "%{text}",
        "textfont": {"size": 13},
        "hovertemplate": "∂%{y}/∂%{x} = %{z:.4f}<extra></extra>",
        "xgap": 2,
        "ygap": 2,
    }
    axis = {"showgrid": False, "zeroline": False, "ticks": ""}
    layout = {
        "template": template(theme),
        "title": {"text": text(lang, "gr.fig.jacobian")},
        "height": CHART_HEIGHT,
        "margin": {"l": 40, "r": 8, "t": 64, "b": 8},
        "xaxis": axis | {"side": "top"},
        "yaxis": axis | {"autorange": "reversed"},
    }
    return unvalidated_figure([heat], layout)


def jacobian_alt(jacobian, lang="en"):
    return text(lang, "gr.alt.jacobian", diagonal=fmt_vector(np.diag(jacobian)))


def landscape_page_figure(state, land, values, lang="en", theme="light"):
    """The landscape with its path, caption and alt text (`land`: numbers.landscape of the state)."""
    figure = landscape_figure(land, state.true_class, lang, theme)
    return PageFigure(figure, landscape_caption(land, values, lang), landscape_alt(land, lang))


def sweep_page_figure(along_true_logit, lang="en", theme="light"):
    """Cross-entropy against MSE along the true-class logit (`along_true_logit`: numbers.sweep)."""
    figure = sweep_figure(along_true_logit, lang, theme)
    return PageFigure(figure, sweep_sentence(along_true_logit, lang), sweep_alt(along_true_logit, lang))


def jacobian_page_figure(probs, lang="en", theme="light"):
    """The softmax Jacobian at p as a signed heat map."""
    jacobian = softmax_jacobian(probs)
    caption = text(lang, "gr.cap.jacobian", probs=fmt_vector(probs))
    return PageFigure(jacobian_figure(jacobian, lang, theme), caption, jacobian_alt(jacobian, lang))


def page_figures(values, lang="en", theme="light"):
    """{name: PageFigure} for the control values (keys as in topics.gradient.state.url_specs()): the
    same builders the page calls, with captions and alt text from the state's numbers."""
    state = state_from_values(values)
    land = landscape(state, values["gr_lr"], values["gr_steps"])
    return {
        "landscape": landscape_page_figure(state, land, values, lang, theme),
        "ce_vs_mse": sweep_page_figure(sweep(state), lang, theme),
        "jacobian": jacobian_page_figure(evaluate(state).probs, lang, theme),
    }
