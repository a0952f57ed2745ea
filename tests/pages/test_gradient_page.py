"""The gradient page through Streamlit's AppTest: every number on it is core's (and the playground's),
the finite-difference check holds, the descent path goes downhill, the smoothing minimum is the closed
form, a bad link opens with defaults and a notice, and both languages render."""

import base64
import json

import numpy as np
import pytest

from apptest_pages import component_data, open_app_page
from topics import gradient
from topics.shared import sample
from topics.shared.formatting import fmt, fmt_vector
from topics.shared.i18n import STRINGS

PAGE = "gradient"


def open_gradient(**query):
    return open_app_page(PAGE, **query)


@pytest.fixture
def app():
    return open_gradient()


def metric(app, key):
    """A number as the page shows it: the loss (gr_loss) and dL/dz entries (gr_grad0..2) are the live map's
    readout (core's, sent in its data); gr_fd_max is a metric."""
    if key == "gr_fd_max":
        return next(m.value for m in app.metric if m.label == STRINGS["en"]["gr.fd_max"])
    core = component_data(app, "cee_live_landscape")["core"]
    if key == "gr_loss":
        return core["loss"]
    return core["gradient"].strip("()").split(", ")[int(key[-1])]


def page_values(app):
    return {spec.key: app.session_state[spec.key] for spec in gradient.state.url_specs()}


def charts(app):
    """The landscape (drawn live on the page; the Plotly figure is the one its download button and the
    figure exporter give, for the page's state), then the page's Plotly charts."""
    lang = app.query_params.get("lang", "en")
    landscape = gradient.figures.page_figures(page_values(app), lang)["landscape"].figure
    rendered = [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]
    return [json.loads(landscape.to_json()), *rendered]


def trace(spec, name):
    return next(t for t in spec["data"] if t.get("name") == name)


def array(value):
    """A list from a figure spec: Plotly writes NumPy arrays as base64 typed arrays (dtype, bdata, shape)."""
    if isinstance(value, dict) and "bdata" in value:
        flat = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        shape = value.get("shape")
        return flat.reshape([int(n) for n in str(shape).split(",")]) if shape else flat
    return np.asarray(value, dtype=float)


def page_state(app):
    return gradient.state.state_from_values(page_values(app))


def markdown(app):
    return " ".join(m.value for m in app.markdown)


def latex(app):
    return " ".join(block.value for block in app.latex)


def test_default_page_shows_core_numbers_and_the_playgrounds_gradient(app):
    assert app.title[0].value == STRINGS["en"]["gr.title"]
    readout = sample.evaluate(page_state(app))
    # The playground draws the same gradient for seed 000's logits (2, 1, 0.1): softmax ignores a shift.
    playground = sample.evaluate(sample.SampleState(logits=(2.0, 1.0, 0.1)))
    assert metric(app, "gr_loss") == fmt(readout.loss) == fmt(playground.loss) == "0.4170"
    for k in range(3):
        assert metric(app, f"gr_grad{k}") == fmt(readout.gradient[k]) == fmt(playground.gradient[k])
    assert fmt_vector(playground.gradient) in markdown(app)  # "both routes end at the same vector"
    chain, logsumexp = gradient.formulas.derivation_routes(page_state(app), readout)
    assert [block.value.strip("$\n") for block in app.latex][:4] == chain + logsumexp
    assert "0.4170 - 0.0000 = 0.4170" in latex(app) and r"-0.3410" in latex(app)


def test_finite_difference_check_is_under_1e_6_and_matches_core(app):
    check = gradient.numbers.finite_difference_check(page_state(app))
    assert float(metric(app, "gr_fd_max")) < 1e-6
    assert metric(app, "gr_fd_max") == f"{check.max_difference:.1e}"
    table = app.dataframe[0].value
    assert list(table[STRINGS["en"]["gr.fd.analytic"]]) == [fmt(v, 8) for v in check.analytic]
    assert list(table[STRINGS["en"]["gr.fd.numerical"]]) == [fmt(v, 8) for v in check.numerical]
    assert STRINGS["en"]["gr.fd_ok"] in [s.value for s in app.success]


@pytest.mark.parametrize("z1, z2, true_class, temperature", [(3.0, -2.0, 0, 1.0), (-4.5, 5.5, 1, 0.5)])
def test_controls_change_every_number_to_cores(app, z1, z2, true_class, temperature):
    app.slider(key="gr_z1").set_value(z1)
    app.slider(key="gr_z2").set_value(z2)
    app.radio(key="gr_class").set_value(true_class)
    app.slider(key="gr_t").set_value(temperature).run()
    assert not app.exception
    state = page_state(app)
    assert state.logits == (0.0, z1, z2)
    readout = sample.evaluate(state)
    assert metric(app, "gr_loss") == fmt(readout.loss)
    assert [metric(app, f"gr_grad{k}") for k in range(3)] == [fmt(g) for g in readout.gradient]
    assert float(metric(app, "gr_fd_max")) < 1e-6
    landscape, sweep, jacobian = charts(app)
    point = trace(landscape, STRINGS["en"]["gr.fig.point"])
    assert (array(point["x"])[0], array(point["y"])[0]) == (z1, z2)
    np.testing.assert_allclose(
        array(jacobian["data"][0]["z"]), gradient.numbers.softmax_jacobian(readout.probs)
    )
    assert gradient.words.sweep_sentence(gradient.numbers.sweep(state), "en") in markdown(app)
    assert app.query_params["gr_z1"] == f"{z1:g}" and app.query_params.get("gr_class", "0") == str(true_class)


def test_the_path_goes_downhill_for_a_small_learning_rate(app):
    app.slider(key="gr_z1").set_value(4.0)
    app.slider(key="gr_lr").set_value(0.1)
    app.slider(key="gr_steps").set_value(100).run()
    path = trace(charts(app)[0], STRINGS["en"]["gr.fig.path"])
    losses = array(path["customdata"])
    assert losses.size == 101 and losses[-1] < losses[0]
    assert np.all(np.diff(losses) <= 1e-12)
    assert not app.warning
    assert gradient.words.landscape_caption(
        gradient.numbers.landscape(page_state(app), 0.1, 100),
        gradient.state.default_values() | {"gr_lr": 0.1, "gr_steps": 100},
        "en",
    ) in [c.value for c in app.caption]


def test_a_large_learning_rate_at_low_temperature_overshoots_and_says_so(app):
    app.slider(key="gr_t").set_value(0.2)
    app.slider(key="gr_eps").set_value(0.3)  # smoothing gives the loss a floor to overshoot
    app.slider(key="gr_lr").set_value(5.0).run()
    path = trace(charts(app)[0], STRINGS["en"]["gr.fig.path"])
    assert np.any(np.diff(array(path["customdata"])) > 0)
    assert "overshoots" in " ".join(w.value for w in app.warning)


def test_smoothing_minimum_is_drawn_at_the_closed_form(app):
    app.radio(key="gr_class").set_value(1)
    app.slider(key="gr_eps").set_value(0.3)
    app.slider(key="gr_t").set_value(1.5).run()
    gap = np.log((1 - 0.3 + 0.3 / 3) / (0.3 / 3))  # log 8, written out independently of core
    minimum = trace(charts(app)[0], STRINGS["en"]["gr.fig.minimum"])
    assert array(minimum["x"])[0] == pytest.approx(1.5 * gap)
    assert array(minimum["y"])[0] == pytest.approx(0.0, abs=1e-12)
    sentence = markdown(app)
    assert f"= {fmt(1.5 * gap)}" in sentence and "ε = 0.30" in sentence
    assert STRINGS["en"]["gr.minimum_outside"] not in sentence


def test_without_smoothing_the_page_says_there_is_no_minimum(app):
    assert STRINGS["en"]["gr.no_minimum"].format(c=0) in markdown(app)
    names = [t.get("name") for t in charts(app)[0]["data"]]
    assert STRINGS["en"]["gr.fig.minimum"] not in names


def test_flat_direction_sentence_has_two_equal_losses(app):
    before, after = gradient.numbers.flat_direction_check(page_state(app))
    assert STRINGS["en"]["gr.flat_direction"].format(before=fmt(before), after=fmt(after)) in markdown(app)
    assert fmt(before) == fmt(after)


def test_url_state_opens_the_same_page():
    app = open_gradient(gr_z1="2.5", gr_z2="-3", gr_class="2", gr_eps="0.1", gr_lr="0.5", gr_steps="7")
    state = page_state(app)
    assert state.logits == (0.0, 2.5, -3.0) and state.true_class == 2 and state.smoothing == 0.1
    assert metric(app, "gr_loss") == fmt(sample.evaluate(state).loss)
    assert array(trace(charts(app)[0], STRINGS["en"]["gr.fig.path"])["x"]).size == 8
    assert not app.warning


@pytest.mark.parametrize(
    "query, refused",
    [
        ({"gr_z1": "abc"}, ["gr_z1"]),
        ({"gr_t": "1e308", "gr_class": "7"}, ["gr_t", "gr_class"]),
        ({"gr_eps": "nan", "gr_steps": "2.5", "gr_z2": "-inf"}, ["gr_eps", "gr_steps", "gr_z2"]),
    ],
)
def test_bad_url_values_open_with_defaults_and_a_notice(query, refused):
    app = open_gradient(**query)
    notice = " ".join(w.value for w in app.warning)
    assert STRINGS["en"]["app.notice_bad_url"].split("{")[0] in notice
    for key in refused:
        assert key in notice
    assert metric(app, "gr_loss") == "0.4170"  # every control at its default
    assert page_state(app) == gradient.state.state_from_values(gradient.state.default_values())


def test_chinese_page_has_every_string_and_the_same_numbers():
    app = open_gradient(lang="zh", gr_eps="0.1")
    assert app.title[0].value == STRINGS["zh"]["gr.title"]
    state = page_state(app)
    assert gradient.words.sweep_sentence(gradient.numbers.sweep(state), "zh") in markdown(app)
    assert ["loss", STRINGS["zh"]["gr.loss"]] in component_data(app, "cee_live_landscape")["text"]["rows"]
    assert metric(app, "gr_loss") == fmt(sample.evaluate(state).loss)
    landscape = charts(app)[0]
    assert landscape["layout"]["title"]["text"] == STRINGS["zh"]["gr.fig.landscape"].format(true_class=0)



def test_one_map_and_each_number_once(app):
    """The live map is the page's only map, and its readout the only place for the loss and dL/dz; the
    download button gives the Plotly landscape (the exported figure)."""
    assert len(app.get("plotly_chart")) == 2  # the CE/MSE sweep and the Jacobian
    assert not [m for m in app.metric if m.label in (STRINGS["en"]["gr.loss"], "dL/dz0")]
    buttons = [b for b in app.get("download_button") if b.proto.label == STRINGS["en"]["gr.download_map"]]
    assert len(buttons) == 1
