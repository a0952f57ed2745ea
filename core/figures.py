"""Plotly figure builders: numbers in, go.Figure out. The pages and the exporters both call these.

Each figure sets its own template (importing streamlit changes Plotly's default), uses one
colour-blind-safe palette (Okabe-Ito), fixed axis ranges so bars do not jump while values change, and
marks the true class by more than colour (a hatch pattern and a label). Alt text is written from the
same numbers.
"""

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.formatting import fmt, fmt_vector
from core.i18n import text

# Okabe-Ito, the colour-blind-safe palette.
BLUE, ORANGE, GREEN, PINK, SKY, VERMILION, YELLOW, BLACK = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
)
PALETTE = [BLUE, ORANGE, GREEN, PINK, SKY, VERMILION, YELLOW, "#7F7F7F", "#8C564B", BLACK]
# Diverging, for signed gradients: blue = the step raises the logit, vermilion = it lowers it.
RAISE_COLOUR, LOWER_COLOUR = BLUE, VERMILION
THEMES = {
    "light": {"paper": "#FFFFFF", "plot": "#FFFFFF", "ink": "#262730", "grid": "#E6E9EF", "muted": "#5C6370"},
    "dark": {"paper": "#0E1117", "plot": "#0E1117", "ink": "#FAFAFA", "grid": "#31333F", "muted": "#A3A8B8"},
}
FONT = "Source Sans Pro, Noto Sans CJK SC, PingFang SC, Microsoft YaHei, sans-serif"
CHART_HEIGHT = 280
DOWNLOAD_CONFIG = {
    "displaylogo": False,
    "toImageButtonOptions": {"format": "svg", "scale": 2},
    "modeBarButtonsToRemove": ["select2d", "lasso2d", "autoScale2d"],
}


def template(theme="light"):
    """The explicit layout template every figure uses."""
    colours = THEMES[theme]
    axis = {
        "gridcolor": colours["grid"],
        "zerolinecolor": colours["muted"],
        "linecolor": colours["grid"],
        "tickfont": {"color": colours["ink"]},
        "title": {"font": {"color": colours["ink"]}},
    }
    return go.layout.Template(
        layout={
            "font": {"family": FONT, "size": 13, "color": colours["ink"]},
            "paper_bgcolor": colours["paper"],
            "plot_bgcolor": colours["plot"],
            "colorway": PALETTE,
            "xaxis": axis,
            "yaxis": axis,
            "margin": {"l": 48, "r": 12, "t": 40, "b": 40},
            "title": {"font": {"size": 15}, "x": 0, "xanchor": "left"},
            "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "xanchor": "right", "x": 1},
            "hoverlabel": {"font": {"family": FONT}},
        }
    )


def class_labels(num_classes, true_class, lang):
    """Tick labels: '0', '1 (true)', ... so the true class is named, not only coloured."""
    return [text(lang, "fig.true_suffix", index=k) if k == true_class else str(k) for k in range(num_classes)]


def logits_figure(logits, true_class, lang="en", theme="light"):
    """Signed bars of the logits on a fixed axis (at least -10..10); the true class hatched."""
    logits = np.asarray(logits, dtype=float)
    labels = class_labels(logits.size, true_class, lang)
    bars = go.Bar(
        x=labels,
        y=logits,
        marker={
            "color": _class_colours(logits.size),
            "pattern": {"shape": _true_pattern(logits.size, true_class)},
        },
        text=[fmt(v, 1) for v in logits],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="z%{customdata} = %{y:.4f}<extra></extra>",
        customdata=np.arange(logits.size),
    )
    limit = max(10.5, float(np.max(np.abs(logits))) * 1.1)
    figure = go.Figure(bars)
    _finish(figure, text(lang, "fig.logits"), text(lang, "fig.logit_value"), [-limit, limit], theme)
    return figure


def probability_figure(probs, target, true_class, lang="en", theme="light"):
    """Bars of p on a fixed 0..1 axis with the target y drawn over them as black marks.

    `true_class` is None for soft labels (no single true class)."""
    probs, target = np.asarray(probs, dtype=float), np.asarray(target, dtype=float)
    labels = class_labels(probs.size, true_class, lang)
    figure = go.Figure()
    figure.add_bar(
        x=labels,
        y=probs,
        name="p",
        marker={
            "color": _class_colours(probs.size),
            "pattern": {"shape": _true_pattern(probs.size, true_class)},
        },
        text=[fmt(p) for p in probs],
        textposition="outside",
        cliponaxis=False,
        hovertemplate="p%{customdata} = %{y:.4f}<extra></extra>",
        customdata=np.arange(probs.size),
    )
    figure.add_scatter(
        x=labels,
        y=target,
        mode="markers",
        name=text(lang, "fig.target"),
        marker={
            "symbol": "line-ew-open",
            "size": 34,
            "color": THEMES[theme]["ink"],
            "line": {"width": 3, "color": THEMES[theme]["ink"]},
        },
        hovertemplate="y%{customdata} = %{y:.4f}<extra></extra>",
        customdata=np.arange(target.size),
    )
    _finish(figure, text(lang, "fig.probs"), text(lang, "fig.probability"), [0, 1.12], theme)
    inside_top_right = {
        "yanchor": "top",
        "y": 0.99,
        "xanchor": "right",
        "x": 0.99,
        "bgcolor": "rgba(0,0,0,0)",
    }
    figure.update_layout(showlegend=True, legend=inside_top_right)
    return figure


def gradient_figure(gradient, temperature, lang="en", theme="light"):
    """Signed bars of dL/dz, blue where a gradient step raises the logit and vermilion where it lowers
    it, each labelled with the direction; the axis is fixed at +-1/T (|p - y| <= 1)."""
    gradient = np.asarray(gradient, dtype=float)
    direction = [
        text(lang, "fig.moves_up") if g < 0 else text(lang, "fig.moves_down") if g > 0 else ""
        for g in gradient
    ]
    figure = go.Figure(
        go.Bar(
            x=[str(k) for k in range(gradient.size)],
            y=gradient,
            marker={"color": [RAISE_COLOUR if g < 0 else LOWER_COLOUR for g in gradient]},
            text=[f"{fmt(g, 3)}<br>{d}" for g, d in zip(gradient, direction, strict=True)],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="dL/dz%{x} = %{y:.4f}<extra></extra>",
        )
    )
    limit = 1.25 / temperature
    _finish(figure, text(lang, "fig.gradient"), text(lang, "fig.gradient_value"), [-limit, limit], theme)
    return figure


def descent_figure(path, lang="en", theme="light"):
    """Two panels over the steps of gradient descent: the loss, and each class's probability."""
    steps = np.arange(path.losses.size)
    figure = make_subplots(
        rows=1, cols=2, subplot_titles=(text(lang, "fig.path_loss"), text(lang, "fig.path_probs"))
    )
    figure.add_scatter(
        x=steps,
        y=path.losses,
        mode="lines+markers",
        name=text(lang, "fig.loss"),
        line={"color": BLACK if theme == "light" else "#FAFAFA"},
        row=1,
        col=1,
        hovertemplate="%{x}: %{y:.4f}<extra></extra>",
    )
    for k in range(path.probs.shape[1]):
        figure.add_scatter(
            x=steps,
            y=path.probs[:, k],
            mode="lines",
            name=f"p{k}",
            line={"color": PALETTE[k % len(PALETTE)]},
            row=1,
            col=2,
            hovertemplate=f"p{k}" + " %{x}: %{y:.4f}<extra></extra>",
        )
    below = {"orientation": "h", "yanchor": "top", "y": -0.32, "xanchor": "left", "x": 0}
    figure.update_layout(
        template=template(theme),
        height=CHART_HEIGHT + 40,
        showlegend=True,
        margin={"t": 40, "b": 90},
        legend=below,
    )
    figure.update_xaxes(title_text=text(lang, "fig.step"))
    figure.update_yaxes(rangemode="tozero", row=1, col=1)
    figure.update_yaxes(range=[0, 1.02], row=1, col=2)
    return figure


def logits_alt(logits, true_class, lang="en"):
    return text(lang, "alt.logits", values=fmt_vector(logits, 1), true_class=true_class)


def probability_alt(probs, target, loss, lang="en"):
    return text(lang, "alt.probs", probs=fmt_vector(probs), target=fmt_vector(target), loss=fmt(loss))


def gradient_alt(gradient, lang="en"):
    return text(lang, "alt.gradient", values=fmt_vector(gradient))


def descent_alt(path, lang="en"):
    return text(
        lang, "alt.path", first=fmt(path.losses[0]), last=fmt(path.losses[-1]), steps=path.losses.size - 1
    )


def _finish(figure, title, value_label, value_range, theme):
    figure.update_layout(
        template=template(theme),
        title=title,
        height=CHART_HEIGHT,
        showlegend=False,
        bargap=0.35,
        yaxis={"range": value_range, "title": value_label, "fixedrange": True},
        xaxis={"title": None, "fixedrange": True, "type": "category"},
    )


def _class_colours(num_classes):
    return [PALETTE[k % len(PALETTE)] for k in range(num_classes)]


def _true_pattern(num_classes, true_class):
    return ["/" if k == true_class else "" for k in range(num_classes)]
