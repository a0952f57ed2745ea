"""Plotly figures of the outputs page: numbers from an Analysis in, PageFigure out.

The loss histogram has a log x axis (losses span 1e-6 .. 20); the per-class chart and the confusion
matrix show every class up to MAX_SHOWN_CLASSES and otherwise the classes with the most loss or errors
(a 1,000 x 1,000 heat map would be a million cells in the browser); the reliability diagram draws the
bins before and after temperature scaling against the diagonal of perfect calibration.
"""

import numpy as np

from topics.outputs.numbers import reliability_before_after
from topics.shared.figures import BLUE, ORANGE, THEMES, VERMILION, PageFigure, template, unvalidated_figure
from topics.shared.formatting import fmt
from topics.shared.i18n import text

MAX_SHOWN_CLASSES = 20
CONFUSION_SCALE = [[0.0, "#FFFFFF"], [1.0, BLUE]]


def _layout(theme, title, height=300, **extra):
    return {"template": template(theme), "title": {"text": title}, "height": height, **extra}


def loss_histogram(analysis, lang, theme="light"):
    """Counts of the per-sample losses in log-spaced bins, with the mean marked."""
    from core.outputs import log_histogram

    counted = analysis.losses[analysis.counted]
    histogram = log_histogram(counted)
    centres = np.sqrt(histogram.edges[:-1] * histogram.edges[1:])
    widths = histogram.edges[1:] - histogram.edges[:-1]
    bars = {
        "type": "bar",
        "x": centres.tolist(),
        "y": histogram.count.tolist(),
        "width": widths.tolist(),
        "marker": {"color": BLUE, "line": {"width": 0}},
        "name": text(lang, "mo.fig.samples"),
        "hovertemplate": text(lang, "mo.fig.hist_hover") + "<extra></extra>",
    }
    mean = analysis.torch_loss
    layout = _layout(
        theme,
        text(lang, "mo.fig.hist_title"),
        xaxis={"type": "log", "title": {"text": text(lang, "mo.fig.loss_axis")}},
        yaxis={"title": {"text": text(lang, "mo.fig.samples")}},
        bargap=0.05,
        showlegend=False,
        margin={"t": 64},
        shapes=[{"type": "line", "x0": mean, "x1": mean, "yref": "paper", "y0": 0, "y1": 1,
                 "line": {"color": VERMILION, "dash": "dash", "width": 2}}],
        annotations=[{"x": np.log10(mean) if mean > 0 else 0, "y": 1, "yref": "paper", "yanchor": "bottom",
                      "text": text(lang, "mo.fig.mean", value=fmt(mean)), "showarrow": False,
                      "font": {"color": VERMILION}}],
    )  # fmt: skip
    figure = unvalidated_figure([bars], layout)
    share = analysis.shares[0]
    words = {"mean": fmt(mean), "share": f"{share:.0%}", "zero": histogram.zero}
    return PageFigure(
        figure, text(lang, "mo.fig.hist_caption", **words), text(lang, "mo.fig.hist_alt", **words)
    )


def shown_classes(values, count=MAX_SHOWN_CLASSES):
    """All classes when there are at most `count`, else the `count` with the largest values (sorted by
    class)."""
    values = np.nan_to_num(np.asarray(values, dtype=np.float64), nan=-np.inf)
    if values.size <= count:
        return np.arange(values.size)
    return np.sort(np.argsort(-values, kind="stable")[:count])


def class_chart(analysis, lang, theme="light"):
    """Mean loss per true class (bars), its accuracy in the hover and on a second axis (diamonds)."""
    classes = analysis.classes
    shown = shown_classes(classes.mean_loss)
    names = [str(c) for c in shown]
    bars = {
        "type": "bar",
        "x": names,
        "y": np.nan_to_num(classes.mean_loss[shown]).tolist(),
        "marker": {"color": ORANGE},
        "name": text(lang, "mo.fig.class_loss"),
        "customdata": np.column_stack([classes.count[shown], classes.accuracy[shown]]).tolist(),
        "hovertemplate": text(lang, "mo.fig.class_hover") + "<extra></extra>",
    }
    accuracy = {
        "type": "scatter",
        "mode": "markers",
        "x": names,
        "y": np.nan_to_num(classes.accuracy[shown]).tolist(),
        "yaxis": "y2",
        "marker": {"symbol": "diamond", "size": 9, "color": BLUE},
        "name": text(lang, "mo.fig.class_accuracy"),
        "hoverinfo": "skip",
    }
    title_key = "mo.fig.class_title" if shown.size == analysis.num_classes else "mo.fig.class_title_top"
    layout = _layout(
        theme,
        text(lang, title_key, count=shown.size),
        xaxis={"type": "category", "title": {"text": text(lang, "mo.fig.true_class")}},
        yaxis={"title": {"text": text(lang, "mo.fig.class_loss")}, "rangemode": "tozero"},
        yaxis2={"overlaying": "y", "side": "right", "range": [0, 1.05], "showgrid": False, "dtick": 0.25,
                "title": {"text": text(lang, "mo.fig.class_accuracy")}, "tickformat": ".0%"},
        legend={"orientation": "h", "y": -0.32, "x": 0},
        margin={"r": 56, "b": 96},
        height=330,
    )  # fmt: skip
    worst = int(np.nanargmax(classes.mean_loss))
    words = {
        "worst": worst,
        "loss": fmt(classes.mean_loss[worst]),
        "accuracy": f"{classes.accuracy[worst]:.0%}",
    }
    return PageFigure(
        unvalidated_figure([bars, accuracy], layout),
        text(lang, "mo.fig.class_caption", **words),
        text(lang, "mo.fig.class_alt", count=shown.size, **words),
    )


def confusion_chart(analysis, lang, theme="light"):
    """The confusion matrix (rows: true class, columns: predicted), every class up to MAX_SHOWN_CLASSES,
    else the classes most often involved in an error."""
    confusion = analysis.classes.confusion
    errors = confusion.sum(axis=0) + confusion.sum(axis=1) - 2 * np.diag(confusion)
    shown = shown_classes(errors)
    matrix = confusion[np.ix_(shown, shown)]
    names = [str(c) for c in shown]
    heat = {
        "type": "heatmap",
        "z": matrix.tolist(),
        "x": names,
        "y": names,
        "colorscale": CONFUSION_SCALE,
        "showscale": False,
        "hovertemplate": text(lang, "mo.fig.confusion_hover") + "<extra></extra>",
    }
    if matrix.size <= 400:
        heat["text"] = matrix.tolist()
        heat["texttemplate"] = "%{text}"
    title_key = "mo.fig.confusion_title" if shown.size == analysis.num_classes else "mo.fig.confusion_top"
    layout = _layout(
        theme,
        text(lang, title_key, count=shown.size),
        height=380,
        margin={"b": 64},
        xaxis={"type": "category", "title": {"text": text(lang, "mo.fig.predicted"), "standoff": 12},
               "side": "bottom"},
        yaxis={"type": "category", "title": {"text": text(lang, "mo.fig.true_class")},
               "autorange": "reversed", "scaleanchor": "x"},
    )  # fmt: skip
    off = confusion.copy()
    np.fill_diagonal(off, 0)
    true_class, predicted = np.unravel_index(int(off.argmax()), off.shape)
    words = {"count": int(off.max()), "true": int(true_class), "predicted": int(predicted)}
    return PageFigure(
        unvalidated_figure([heat], layout),
        text(lang, "mo.fig.confusion_caption", **words),
        text(lang, "mo.fig.confusion_alt", shown=shown.size, **words),
    )


def reliability_chart(analysis, num_bins, lang, theme="light"):
    """Accuracy against mean confidence per bin, before and after temperature scaling, with the
    diagonal of perfect calibration; the marker area follows the bin's sample count."""
    before, after = reliability_before_after(analysis, num_bins)
    ink = THEMES[theme]["muted"]
    traces = [
        {"type": "scatter", "mode": "lines", "x": [0, 1], "y": [0, 1], "line": {"color": ink, "dash": "dot"},
         "name": text(lang, "mo.fig.perfect"), "hoverinfo": "skip"},
    ]  # fmt: skip
    for bins, colour, symbol, key, temperature in (
        (before, ORANGE, "circle", "mo.fig.before", 1.0),
        (after, BLUE, "square", "mo.fig.after", analysis.fit.temperature),
    ):
        filled = bins.count > 0
        size = 6 + 18 * np.sqrt(bins.count[filled] / max(1, bins.count.max()))
        traces.append({
            "type": "scatter",
            "mode": "lines+markers",
            "x": bins.confidence[filled].tolist(),
            "y": bins.accuracy[filled].tolist(),
            "customdata": bins.count[filled].tolist(),
            "marker": {"color": colour, "symbol": symbol, "size": size.tolist()},
            "line": {"color": colour},
            "name": text(lang, key, temperature=fmt(temperature, 3), ece=fmt(bins.ece)),
            "hovertemplate": text(lang, "mo.fig.reliability_hover") + "<extra></extra>",
        })  # fmt: skip
    layout = _layout(
        theme,
        text(lang, "mo.fig.reliability_title", bins=num_bins),
        height=420,
        xaxis={"range": [0, 1.02], "title": {"text": text(lang, "mo.fig.confidence")}, "tickformat": ".0%"},
        yaxis={"range": [0, 1.02], "title": {"text": text(lang, "mo.fig.accuracy")}, "tickformat": ".0%"},
        # At the figure's foot, not below the plot: on a phone the legend wraps to three lines and, hung
        # from the plot, ran into the axis title.
        legend={"orientation": "h", "yref": "container", "y": 0, "yanchor": "bottom", "x": 0},
        margin={"l": 64, "b": 130},  # the template's 48 px put "accuracy" over the "100%" ticks
    )
    words = {
        "before": fmt(before.ece),
        "after": fmt(after.ece),
        "temperature": fmt(analysis.fit.temperature, 3),
        "bins": num_bins,
    }
    return PageFigure(
        unvalidated_figure(traces, layout),
        text(lang, "mo.fig.reliability_caption", **words),
        text(lang, "mo.fig.reliability_alt", **words),
    )


def figures_of(analysis, values, lang="en", theme="light"):
    """Every figure of the page for an Analysis and the control values, by name."""
    return {
        "losses": loss_histogram(analysis, lang, theme),
        "classes": class_chart(analysis, lang, theme),
        "confusion": confusion_chart(analysis, lang, theme),
        "reliability": reliability_chart(analysis, values["mo_bins"], lang, theme),
    }


def page_figures(values, lang="en", theme="light"):
    """The page's figures for the shipped digits example (an upload is not part of a URL state)."""
    from topics.outputs.example import example_analysis

    return figures_of(example_analysis(), values, lang, theme)
