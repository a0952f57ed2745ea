"""Figures with frames (topics.shared.figures.FramesAsBuiltFigure): to_dict hands the frames over as built
instead of deep-copying and walking them, and must give what Plotly's own to_dict gives."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio

from topics import binary, training
from topics.shared.figures import FramesAsBuiltFigure, unvalidated_figure


def plotlys_own_dict(figure):
    """What go.Figure.to_dict makes of the same figure: deep copies, NumPy arrays encoded."""
    return go.Figure.to_dict(figure)


def framed_figures():
    yield binary.figures.curves_figure(0.9129, 0.92)
    yield binary.figures.curves_figure(0.05, 0.0, lang="zh", theme="dark")
    defaults = {spec.key: spec.default for spec in training.state.url_specs()}
    result = training.numbers.experiment(training.state.state_from_values(defaults))
    yield training.figures.playback_figure(result)


def test_frames_go_out_as_plotly_would_send_them():
    for figure in framed_figures():
        assert isinstance(figure, FramesAsBuiltFigure)
        ours = figure.to_dict()
        assert ours == plotlys_own_dict(figure)
        assert pio.to_json(ours, validate=False) == pio.to_json(plotlys_own_dict(figure), validate=False)
        go.Figure(ours)  # valid for Plotly, frames included


def test_changing_the_result_leaves_the_kept_frames_alone():
    figure = binary.figures.curves_figure(0.3, 0.5)
    before = json.dumps(plotlys_own_dict(figure)["frames"])
    sent = figure.to_dict()
    sent["frames"][0]["name"] = "changed"
    sent["frames"].pop()
    assert json.dumps(figure.to_dict()["frames"]) == before
    assert len(figure.frames) == 101


def test_a_figure_without_frames_is_a_plain_figure():
    figure = unvalidated_figure([{"type": "bar", "y": np.arange(3)}], {"title": {"text": "t"}})
    assert type(figure) is go.Figure
    assert figure.to_dict()["data"][0]["y"]["dtype"] == "i1"  # Plotly's own encoding of NumPy arrays
