"""Plotly figure builders: numbers in, go.Figure out. The pages and the exporters both call these.

Each figure names its own template (importing streamlit changes Plotly's default), uses one
colour-blind-safe palette (Okabe-Ito), fixed axis ranges so bars do not jump while values change, and
marks the true class by more than colour (a hatch pattern and a star on its label). Alt text is
written from the same numbers.
"""

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from core.formatting import fmt, fmt_vector
from core.i18n import text

# Okabe-Ito, the colour-blind-safe palette.
BLUE, ORANGE, GREEN, PINK, SKY, VERMILION, YELLOW, BLACK = (
    "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000",
)  # fmt: skip
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


def _build_template(theme):
    colours = THEMES[theme]
    axis = {
        "gridcolor": colours["grid"],
        "zerolinecolor": colours["muted"],
        "linecolor": colours["grid"],
        "tickfont": {"color": colours["ink"]},
        "title": {"font": {"color": colours["ink"]}},
        "fixedrange": True,
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
            "hoverlabel": {"font": {"family": FONT}},
        }
    )


# Built and validated once. Figures are assembled from plain dicts with Plotly's validation off
# (0.4 ms instead of ~18 ms a figure, and a page draws five on every change); the tests validate every
# builder's output by rebuilding it with validation on.
TEMPLATES = {theme: _build_template(theme).to_plotly_json() for theme in THEMES}
for _theme, _template in TEMPLATES.items():
    pio.templates[f"cee_{_theme}"] = _template


@dataclass(frozen=True)
class PageFigure:
    """One figure a page shows, with words for documentation, both written from the state's numbers.

    Each page's core module has `page_figures(values, lang="en", theme="light") -> {name: PageFigure}`
    (values keyed as in its `url_specs()`), built with the same builders the page calls, so the
    figure exporter draws exactly what the page draws."""

    figure: go.Figure
    caption: str  # one sentence under the figure, e.g. "Softmax of logits [2.0, 1.0, 0.1]: ..."
    alt: str  # what a screen reader says instead of the picture


def template(theme="light"):
    """The layout template every figure uses, as a dict."""
    return TEMPLATES[theme]


def class_labels(num_classes, true_class, lang):
    """Tick labels: '★0', '1', ... so the true class is named, not only coloured."""
    return [text(lang, "fig.true_label", index=k) if k == true_class else str(k) for k in range(num_classes)]


def logits_figure(logits, true_class, lang="en", theme="light"):
    """Signed bars of the logits on a fixed axis (at least -10..10); the true class hatched."""
    logits = np.asarray(logits, dtype=float)
    limit = max(10.5, float(np.max(np.abs(logits))) * 1.1)
    bars = _class_bars(logits, true_class, lang, [fmt(v, 1) for v in logits], "z")
    return _bar_figure(bars, text(lang, "fig.logits"), text(lang, "fig.logit_value"), [-limit, limit], theme)


def probability_figure(probs, target, true_class, lang="en", theme="light"):
    """Bars of p on a fixed 0..1 axis with the target y drawn over them as short lines.

    `true_class` is None for soft labels (no single true class)."""
    probs, target = np.asarray(probs, dtype=float), np.asarray(target, dtype=float)
    bars = _class_bars(probs, true_class, lang, [fmt(p) for p in probs], "p")
    ink = THEMES[theme]["ink"]
    target_marks = {
        "type": "scatter",
        "x": bars["x"],
        "y": target,
        "mode": "markers",
        "name": text(lang, "fig.target"),
        "marker": {"symbol": "line-ew-open", "size": 34, "color": ink, "line": {"width": 3, "color": ink}},
        "customdata": np.arange(target.size),
        "hovertemplate": "y%{customdata} = %{y:.4f}<extra></extra>",
    }
    title, value_label = text(lang, "fig.probs"), text(lang, "fig.probability")
    return _bar_figure(bars, title, value_label, [0, 1.12], theme, extra=[target_marks])


def gradient_figure(gradient, temperature, lang="en", theme="light"):
    """Signed bars of dL/dz, blue where a gradient step raises the logit and vermilion where it lowers
    it, each labelled with the direction; the axis is fixed at +-1.5/T (|p - y| <= 1, plus room for the
    labels)."""
    gradient = np.asarray(gradient, dtype=float)
    bars = {
        "type": "bar",
        "x": [str(k) for k in range(gradient.size)],
        "y": gradient,
        "text": [f"{fmt(g, 3)}<br>{_direction(g, lang)}" for g in gradient],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": [RAISE_COLOUR if g < 0 else LOWER_COLOUR for g in gradient]},
        "hovertemplate": "dL/dz%{x} = %{y:.4f}<extra></extra>",
    }
    limit = 1.5 / temperature
    title, value_label = text(lang, "fig.gradient"), text(lang, "fig.gradient_value")
    return _bar_figure(bars, title, value_label, [-limit, limit], theme)


def loss_path_figure(path, lang="en", theme="light"):
    """The loss at each step of gradient descent."""
    line = {
        "type": "scatter",
        "x": np.arange(path.losses.size),
        "y": path.losses,
        "mode": "lines+markers",
        "name": text(lang, "fig.loss"),
        "line": {"color": THEMES[theme]["ink"]},
        "marker": {"size": 5},
        "hovertemplate": "%{x}: %{y:.4f}<extra></extra>",
    }
    top = max(float(np.nanmax(path.losses)) * 1.1, 1e-3)
    return _line_figure([line], text(lang, "fig.path_loss"), text(lang, "fig.loss"), [0, top], lang, theme)


def probability_path_figure(path, true_class, lang="en", theme="light"):
    """Each class's probability at each step of gradient descent; the true class drawn thicker."""
    num_classes = path.probs.shape[1]
    names = class_labels(num_classes, true_class, lang)
    lines = [
        {
            "type": "scatter",
            "x": np.arange(path.losses.size),
            "y": path.probs[:, k],
            "mode": "lines",
            "name": names[k],
            "line": {"color": PALETTE[k % len(PALETTE)], "width": 4 if k == true_class else 2},
            "hovertemplate": f"p{k}" + " %{x}: %{y:.4f}<extra></extra>",
        }
        for k in range(num_classes)
    ]
    legend = {
        "showlegend": True,
        "height": CHART_HEIGHT + 30,
        "margin": {"b": 96},
        "legend": {"orientation": "h", "y": -0.42, "x": 0, "yanchor": "top"},
    }
    title, value_label = text(lang, "fig.path_probs"), text(lang, "fig.probability")
    return _line_figure(lines, title, value_label, [0, 1.02], lang, theme, **legend)


def logits_alt(logits, true_class, lang="en"):
    return text(lang, "alt.logits", values=fmt_vector(logits, 1), true_class=true_class)


def probability_alt(probs, target, loss, lang="en"):
    return text(lang, "alt.probs", probs=fmt_vector(probs), target=fmt_vector(target), loss=fmt(loss))


def gradient_alt(gradient, lang="en"):
    return text(lang, "alt.gradient", values=fmt_vector(gradient))


def path_alt(path, lang="en"):
    first, last = fmt(path.losses[0]), fmt(path.losses[-1])
    return text(lang, "alt.path", first=first, last=last, steps=path.losses.size - 1)


def _class_bars(values, true_class, lang, labels, symbol):
    return {
        "type": "bar",
        "x": class_labels(values.size, true_class, lang),
        "y": values,
        "text": labels,
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": np.arange(values.size),
        "marker": {
            "color": [PALETTE[k % len(PALETTE)] for k in range(values.size)],
            "pattern": {"shape": ["/" if k == true_class else "" for k in range(values.size)]},
        },
        "hovertemplate": f"{symbol}" + "%{customdata} = %{y:.4f}<extra></extra>",
    }


def _bar_figure(bars, title, value_label, value_range, theme, extra=()):
    layout = {
        "template": template(theme),
        "title": {"text": title},
        "height": CHART_HEIGHT,
        "showlegend": False,
        "bargap": 0.35,
        "yaxis": {"range": value_range, "title": {"text": value_label}},
        "xaxis": {"type": "category", "tickangle": 0},
    }
    return _figure([bars, *extra], layout)


def _line_figure(lines, title, value_label, value_range, lang, theme, **more_layout):
    layout = {
        "template": template(theme),
        "title": {"text": title},
        "height": CHART_HEIGHT,
        "showlegend": False,
        "yaxis": {"range": value_range, "title": {"text": value_label}},
        "xaxis": {"title": {"text": text(lang, "fig.step")}},
    }
    return _figure(lines, layout | more_layout)


def _figure(traces, layout):
    """A go.Figure from trusted dicts, without Plotly's per-property validation."""
    return go.Figure(data=list(traces), layout=layout, _validate=False)


def _direction(gradient_entry, lang):
    if gradient_entry < 0:
        return text(lang, "fig.moves_up")
    return text(lang, "fig.moves_down") if gradient_entry > 0 else ""
