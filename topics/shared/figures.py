"""What every page's figures share: the palette, the light and dark templates, the chart size, the
download button's options, PageFigure (a figure with its caption and alt text) and the class labels.

Each figure names its own template (importing streamlit changes Plotly's default), uses one
colour-blind-safe palette (Okabe-Ito), fixed axis ranges so bars do not jump while values change, and
marks the true class by more than colour (a hatch pattern and a star on its label). Alt text is
written from the same numbers.
"""

import base64
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from topics.shared.i18n import text

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


class FramesAsBuiltFigure(go.Figure):
    """A go.Figure whose frames go out as they were built. Plotly's to_dict deep-copies every frame and
    walks each for NumPy arrays to encode: ~7 ms for the binary page's 101 frames, on every run that draws
    it. The frames given to unvalidated_figure are built once, kept and shared read-only, and hold typed
    arrays and plain numbers already, so the result is the same dict (tests/shared check it)."""

    def to_dict(self):
        frames, self._frame_objs = self._frame_objs, ()
        try:
            result = super().to_dict()
        finally:
            self._frame_objs = frames
        if frames:
            result["frames"] = [dict(frame._props) for frame in frames]
        return result


def unvalidated_figure(traces, layout, frames=()):
    """A go.Figure from trusted dicts, without Plotly's per-property validation.

    `frames`: go.Frame objects built with _validate=False, attached as they are (given to go.Figure,
    Plotly validates every trace of every frame even with _validate=False: ~0.5 s for 505 traces)."""
    if not frames:
        return go.Figure(data=list(traces), layout=layout, _validate=False)
    figure = FramesAsBuiltFigure(data=list(traces), layout=layout, _validate=False)
    figure._frame_objs = tuple(frames)
    return figure


def typed_array(values, dtype="f4"):
    """Values as Plotly's typed-array spec (base64 of the little-endian bytes, with the shape of a 2-D
    array): float32 is half the size of float64 JSON, and it is encoded once here instead of by Plotly's
    JSON encoder for each of a figure's frames."""
    packed = np.ascontiguousarray(np.asarray(values).astype("<" + dtype if dtype != "u1" else "u1"))
    spec = {"dtype": dtype, "bdata": base64.b64encode(packed.tobytes()).decode("ascii")}
    if packed.ndim == 2:
        spec["shape"] = f"{packed.shape[0]}, {packed.shape[1]}"
    return spec
