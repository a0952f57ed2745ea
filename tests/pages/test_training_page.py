"""The training page through Streamlit's AppTest: the numbers are core's, every setting reaches the run and
the URL, and bad settings (a diverging learning rate, an empty class, a broken link) are messages."""

import json
from dataclasses import replace
from urllib.parse import parse_qs, urlparse

import pytest
from streamlit.testing.v1 import AppTest

from apptest_pages import APP, open_app_page, page_script
from topics import playground, training
from topics.shared.formatting import fmt
from topics.shared.i18n import STRINGS
from topics.shared.url_params import read_params
from topics.training.state import TrainingState

EN, ZH = STRINGS["en"], STRINGS["zh"]
DEFAULT = TrainingState()


def open_page(**query):
    return open_app_page("training", **query)


def metric(app, key, lang="en"):
    found = [m.value for m in app.metric if m.label == STRINGS[lang][key]]
    assert found, f"no metric {key}"
    return found[0]


def chart_specs(app):
    return [json.loads(chart.proto.spec) for chart in app.get("plotly_chart")]


def assert_metrics_are_cores(app, training_state):
    result = training.numbers.experiment(training_state)
    assert metric(app, "trn.m.train_loss") == fmt(result.main.curves.train_loss[-1])
    assert metric(app, "trn.m.steps") == str(result.steps)


def open_comparison(app):
    """Open the side-by-side runs (trained only when opened)."""
    app.session_state["trn_compare"] = True
    app.run()
    assert not app.exception
    return app


@pytest.fixture(scope="module")
def default_app():
    return open_page()


def test_page_renders_cores_run_and_trains_the_mistakes_only_when_opened(default_app):
    app = default_app
    assert app.title[0].value == EN["trn.title"]
    assert_metrics_are_cores(app, DEFAULT)
    titles = [spec["layout"]["title"]["text"] for spec in chart_specs(app)]
    assert titles == [EN["trn.fig.curves"], EN["trn.fig.gradient_norm"]]
    assert not app.dataframe and not app.error
    open_comparison(app)
    titles = [spec["layout"]["title"]["text"] for spec in chart_specs(app)]
    assert titles == [EN["trn.fig.curves"], EN["trn.fig.gradient_norm"], EN["trn.fig.mistakes"]]
    table = app.dataframe[0].value
    assert list(table[EN["trn.table.loss"]]) == [EN[f"trn.loss.{name}"] for name in training.state.LOSSES]
    difference = fmt(training.numbers.experiment(DEFAULT).correct_difference())
    assert any(difference in block.value for block in app.markdown)  # the one-curve sentence


def test_the_code_tab_holds_the_snippet_of_this_run(default_app):
    result = training.numbers.experiment(DEFAULT)
    codes = [block.value for block in default_app.code]
    assert training.snippets.torch_snippet(DEFAULT, result.epochs) in codes
    assert training.snippets.keras_snippet(DEFAULT, result.epochs) in codes


def test_the_playground_link_carries_the_samples_last_logits(default_app):
    result = training.numbers.experiment(DEFAULT)
    (button,) = [b for b in default_app.get("link_button") if "playground" in b.proto.label]
    query = {key: values[-1] for key, values in parse_qs(urlparse(button.proto.url).query).items()}
    specs = playground.state.url_specs()
    valid, refused = read_params(query, specs)
    assert not refused
    values = {spec.key: spec.default for spec in specs} | valid
    opened = playground.state.state_from_values(values)
    expected = [round(float(z), 1) for z in result.playback.sample_logits[-1]]
    assert list(opened.logits) == pytest.approx(expected, abs=1e-9)
    assert opened.true_class == result.sample_label()


def test_switching_on_a_mistake_retrains_nothing_and_shows_its_run():
    app = open_comparison(open_page())
    app.selectbox(key="trn_loss").set_value("softmax_ce").run()
    assert not app.exception
    assert_metrics_are_cores(app, replace(DEFAULT, loss="softmax_ce"))
    mistakes = chart_specs(app)[2]["data"]
    widths = {trace["name"]: trace["line"]["width"] for trace in mistakes if trace.get("showlegend", True)}
    assert widths[EN["trn.loss.softmax_ce"]] == max(widths.values())  # the chosen run is drawn thicker
    assert app.query_params["trn_loss"] == "softmax_ce"


@pytest.mark.parametrize(
    "key, value, field",
    [
        ("trn_classes", 4, "num_classes"),
        ("trn_noise", 0.6, "noise"),
        ("trn_size", 100, "size"),
        ("trn_momentum", 0.5, "momentum"),
        ("trn_wd", 0.01, "weight_decay"),
        ("trn_batch", 32, "batch_size"),
        ("trn_epochs", 5, "epochs"),
        ("trn_ls", 0.1, "label_smoothing"),
    ],
)
def test_each_slider_reaches_the_run_and_the_url(key, value, field):
    app = open_page()
    app.slider(key=key).set_value(value).run()
    assert not app.exception
    assert_metrics_are_cores(app, replace(DEFAULT, **{field: value}))
    assert key in app.query_params


def test_every_setting_is_read_from_the_url():
    query = {
        "trn_data": "moons",
        "trn_classes": "2",
        "trn_noise": "0.1",
        "trn_size": "120",
        "trn_seed": "9",
        "trn_hidden": "0",
        "trn_lr": "0.3",
        "trn_momentum": "0.9",
        "trn_wd": "0.001",
        "trn_batch": "16",
        "trn_epochs": "6",
        "trn_loss": "sigmoid_bce",
        "trn_ls": "0",
        "trn_sample": "7",
        "trn_speed": "2",
    }
    app = open_page(**query)
    values = {spec.key: spec.parse(query[spec.key]) for spec in training.state.url_specs()}
    training_state = training.state.state_from_values(values)
    assert_metrics_are_cores(app, training_state)
    assert app.number_input(key="trn_sample").value == 7


def test_a_diverging_learning_rate_is_a_message_not_a_traceback():
    app = open_page(trn_data="blobs", trn_batch="10", trn_lr="100", trn_epochs="10", trn_seed="7")
    assert not app.exception
    assert app.error and "diverged at step" in app.error[0].value
    assert len(chart_specs(app)) == 2
    assert len(chart_specs(open_comparison(app))) == 3


def test_an_empty_class_is_a_warning():
    seed = next(s for s in range(200) if training.data.make_dataset("seed004", 5, 20, 0.0, s).empty_classes())
    app = open_page(trn_data="seed004", trn_classes="5", trn_size="20", trn_seed=str(seed))
    assert not app.exception
    assert any("No training sample has class" in w.value for w in app.warning)
    assert any("20 features" in i.value for i in app.info)


def test_bad_url_values_open_defaults_with_a_notice():
    app = open_page(trn_lr="nan", trn_loss="eval()", trn_batch="-3", trn_size="20", trn_sample="400")
    notice = [w.value for w in app.warning]
    assert notice and all(key in notice[0] for key in ("trn_lr", "trn_loss", "trn_batch", "trn_sample"))
    assert_metrics_are_cores(app, replace(DEFAULT, size=20))


def test_chinese():
    app = AppTest.from_file(APP, default_timeout=90)
    app.query_params["lang"] = "zh"
    app.session_state["trn_compare"] = True  # the side-by-side runs open from the first run
    app.switch_page(page_script("training")).run()
    assert not app.exception
    assert app.title[0].value == ZH["trn.title"]
    assert metric(app, "trn.m.steps", "zh") == "300"
    assert chart_specs(app)[2]["layout"]["title"]["text"] == ZH["trn.fig.mistakes"]
