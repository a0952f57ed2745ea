"""The binary page through Streamlit's AppTest: every control changes the page to core's numbers."""

import json

import pytest

from apptest_pages import component_data, open_app_page
from topics import binary
from topics.shared.formatting import fmt
from topics.shared.i18n import STRINGS

EN = STRINGS["en"]
# The live chart's readout rows (topics.binary.figures.live_data) and the core field each one shows.
READOUT_ROWS = {
    "bceLogits": "bce_logits",
    "bceProbs": "bce_probs",
    "kerasLogits": "keras_logits",
    "kerasProbs": "keras_probs",
    "floor": "floor",
    "kl": "kl",
    "gradZ": "grad_z",
    "gradP": "grad_p",
}


def open_page(**query):
    return open_app_page("binary", **query)


def metric(app, key, lang="en"):
    label = STRINGS[lang][key]
    found = [m.value for m in app.metric if m.label == label]
    assert found, f"no metric {label!r}"
    return found[0]


def readout_shown(app):
    """What the live chart shows whenever nothing moves: core's readout, as the page sent it."""
    return component_data(app, "cee_live_binary")["core"]


def assert_readouts_are_cores(app, **state):
    readout = binary.numbers.evaluate(binary.state.BinaryState(**state))
    shown = {name: readout_shown(app)[name] for name in READOUT_ROWS}
    assert shown == {name: fmt(getattr(readout, field)) for name, field in READOUT_ROWS.items()}


def test_each_readout_is_shown_once_by_the_live_chart(default_app):
    """The losses, H(y), KL and the gradients are the live chart's rows (they move during a drag); no
    metric or caption of the page repeats them, nor the linked z or p."""
    row_labels = {label for _, label in component_data(default_app, "cee_live_binary")["text"]["rows"]}
    assert {EN[f"bin.m.{key}"] for key in ("logits", "probs", "floor", "kl", "grad_z")} <= row_labels
    assert not [m.label for m in default_app.metric if m.label in row_labels]
    linked = STRINGS["en"]["bin.linked_p"].split("{")[0]
    assert not [c.value for c in default_app.caption if c.value.startswith(linked)]


def page_text(app):
    parts = [m.value for m in app.markdown] + [c.value for c in app.caption]
    parts += [df.value.to_string() for df in app.dataframe]
    return "\n".join(parts)


def curves_spec(app):
    return next(
        json.loads(chart.proto.spec)
        for chart in app.get("plotly_chart")
        if json.loads(chart.proto.spec)["layout"].get("sliders")
    )


@pytest.fixture(scope="module")
def default_app():
    return open_page()


def test_page_renders_with_cores_numbers(default_app):
    app = default_app
    assert app.title[0].value == EN["bin.title"]
    assert_readouts_are_cores(app)
    assert metric(app, "bin.ml.mean") == "0.7193"


def test_seed_002_numbers_appear_on_the_page(default_app):
    text = page_text(default_app)
    assert "0.4217" in text  # BCELoss(softmax([0.2939, 0.939]), [0, 1])
    hard, soft = binary.numbers.puzzle()
    puzzle = next(df.value for df in default_app.dataframe if EN["bin.puzzle.kl"] in df.value.columns)
    assert list(puzzle[EN["bin.puzzle.bce"]]) == [fmt(hard.bce), fmt(soft.bce)] == ["0.0913", "0.2791"]
    assert list(puzzle[EN["bin.puzzle.kl"]]) == [fmt(hard.kl), fmt(soft.kl)]
    for value in binary.numbers.multilabel(
        binary.state.MULTILABEL_LOGITS, binary.state.MULTILABEL_LABELS
    ).losses.ravel():
        assert fmt(value) in json.dumps([json.loads(c.proto.spec) for c in default_app.get("plotly_chart")])


def test_the_ends_show_torchs_100_keras_16_and_20_for_the_logit_form(default_app):
    ends = next(df.value for df in default_app.dataframe if EN["bin.ends.exact"] in df.value.columns)
    rows = {row[EN["bin.ends.case"]]: row for _, row in ends.iterrows()}
    assert rows["p = 0, y = 1"][EN["bin.ends.torch_probs"]] == "100.0000"
    assert rows["p = 0, y = 1"][EN["bin.ends.keras_probs"]] == "16.1181"
    assert rows["p = 1, y = 0"][EN["bin.ends.keras_probs"]] == "15.9424"
    far = rows["z = 20, y = 0"]
    assert far[EN["bin.ends.torch_logits"]] == "20.0000"
    assert far[EN["bin.ends.torch_probs"]] == "100.0000"


def test_the_far_logit_slider_changes_the_ends():
    app = open_page()
    app.slider(key="bin_far").set_value(17).run()
    case = binary.numbers.ends(17)[2]
    ends = next(df.value for df in app.dataframe if EN["bin.ends.exact"] in df.value.columns)
    assert list(ends[EN["bin.ends.torch_probs"]])[2] == fmt(case.torch_probs)
    app.slider(key="bin_far").set_value(100).run()
    assert "cannot hold σ(z)" in page_text(app)


@pytest.mark.parametrize(
    "query, state",
    [
        ({"bin_form": "prob", "bin_p": "0", "bin_y": "1"}, {"form": "prob", "p": 0.0, "y": 1.0}),
        ({"bin_form": "prob", "bin_p": "1", "bin_y": "0"}, {"form": "prob", "p": 1.0, "y": 0.0}),
    ],
)
def test_p_exactly_0_and_1_show_torchs_100_and_keras_clip(query, state):
    app = open_page(**query)
    assert readout_shown(app)["bceProbs"] == "100.0000"
    assert readout_shown(app)["kerasProbs"] == ("16.1181" if state["p"] == 0 else "15.9424")
    assert_readouts_are_cores(app, **state)


def test_each_control_changes_the_numbers_to_cores_values():
    app = open_page()
    app.slider(key="bin_z").set_value(-1.5).run()
    assert_readouts_are_cores(app, z=-1.5)
    app.slider(key="bin_y").set_value(0.3).run()
    assert_readouts_are_cores(app, z=-1.5, y=0.3)
    app.slider(key="bin_pw").set_value(4.0).run()
    assert_readouts_are_cores(app, z=-1.5, y=0.3, pos_weight=4.0)
    app.slider(key="bin_ls").set_value(0.2).run()
    assert_readouts_are_cores(app, z=-1.5, y=0.3, pos_weight=4.0, smoothing=0.2)
    app.button(key="bin_quick_0.9").click().run()
    assert_readouts_are_cores(app, z=-1.5, y=0.9, pos_weight=4.0, smoothing=0.2)
    # Switching to the probability keeps the prediction: p = sigmoid(-1.5) on the p grid.
    app.radio(key="bin_form").set_value("prob").run()
    p = binary.state.prob_for_logit(-1.5)
    assert app.slider(key="bin_p").value == p
    assert_readouts_are_cores(app, form="prob", p=p, y=0.9, pos_weight=4.0, smoothing=0.2)
    app.slider(key="bin_p").set_value(0.25).run()
    assert_readouts_are_cores(app, form="prob", p=0.25, y=0.9, pos_weight=4.0, smoothing=0.2)
    app.radio(key="bin_form").set_value("logit").run()
    assert app.slider(key="bin_z").value == binary.state.logit_for_prob(0.25)
    assert not app.exception


def test_the_curve_figure_carries_frames_for_its_slider_in_step_with_y():
    app = open_page(bin_y="0.25")
    spec = curves_spec(app)
    assert len(spec["frames"]) == 101
    slider = spec["layout"]["sliders"][0]
    assert slider["active"] == 25
    assert slider["steps"][25]["args"][0] == ["0.25"]
    app.button(key="bin_quick_0.92").click().run()
    assert curves_spec(app)["layout"]["sliders"][0]["active"] == 92


def test_mistake_switch_shows_both_numbers():
    app = open_page()
    result = binary.numbers.mistake()
    assert metric(app, "bin.mistake.loss") == fmt(result.wrong_mean) == "0.5035"
    app.toggle(key="bin_mistake").set_value(False).run()
    assert metric(app, "bin.mistake.loss") == fmt(result.right_mean) == "0.1839"


def test_multilabel_table_from_the_url_and_pos_weight():
    logits = ((1.0, -2.0, 0.5), (0.0, 3.0, -1.0), (2.0, 2.0, -3.0))
    labels = ((1.0, 0.0, 0.5), (0.0, 1.0, 1.0), (1.0, 0.0, 0.0))
    query = {
        "bin_ml_z": ";".join(",".join(f"{v:g}" for v in row) for row in logits),
        "bin_ml_y": ";".join(",".join(f"{v:g}" for v in row) for row in labels),
        "bin_pw": "2",
    }
    app = open_page(**query)
    assert metric(app, "bin.ml.mean") == fmt(binary.numbers.multilabel(logits, labels, 2.0).mean)


def edit_cell(app, table, row, column, value):
    """Type `value` into a cell of the logits (table 0) or labels (table 1) editor, as the browser would."""
    key = app.data_editor[table].key
    app.session_state[key] = {"edited_rows": {row: {column: value}}, "added_rows": [], "deleted_rows": []}
    app.run()
    assert not app.exception, app.exception


def test_editing_the_multilabel_table_changes_the_mean_and_bad_cells_are_named():
    app = open_page()
    edit_cell(app, 1, 0, "y0", "1")
    labels = ((1.0, 1.0, 1.0), *binary.state.MULTILABEL_LABELS[1:])
    assert metric(app, "bin.ml.mean") == fmt(
        binary.numbers.multilabel(binary.state.MULTILABEL_LOGITS, labels).mean
    )
    assert app.query_params["bin_ml_y"] == "1,1,1;0,0,1;1,0,1"
    edit_cell(app, 1, 2, "y2", "1.5")
    problems = [e.value for e in app.error]
    assert problems and "Row 2, column y2: 1.50 is above 1" in problems[0]
    assert metric(app, "bin.ml.mean") == fmt(
        binary.numbers.multilabel(binary.state.MULTILABEL_LOGITS, labels).mean
    )
    edit_cell(app, 0, 1, "z1", "abc")
    assert "Row 1, column z1: 'abc' is not a number." in app.error[0].value


def test_bad_url_values_open_defaults_with_a_notice():
    app = open_page(bin_z="1e308", bin_y="abc", bin_form="<b>x</b>", bin_ml_y="0,2,1;0,0,1;1,0,1")
    notice = [w.value for w in app.warning]
    assert notice and all(key in notice[0] for key in ("bin_z", "bin_y", "bin_form", "bin_ml_y"))
    assert_readouts_are_cores(app)
    assert metric(app, "bin.ml.mean") == "0.7193"


def test_chinese_page_has_its_own_words_and_the_same_numbers():
    app = open_page(lang="zh")
    assert app.title[0].value == STRINGS["zh"]["bin.title"]
    readout = binary.numbers.evaluate(binary.state.BinaryState())
    assert readout_shown(app)["floor"] == fmt(readout.floor)
    labels = dict(component_data(app, "cee_live_binary")["text"]["rows"])
    assert labels["floor"] == STRINGS["zh"]["bin.m.floor"]
    assert "0.4217" in page_text(app)


def test_check_panel_runs_torch_and_keras_and_agrees():
    app = open_page(bin_z="-3", bin_y="0.25", bin_pw="4", bin_ls="0.1")
    app.session_state["bin_check_open"] = True  # the panel is built only while open
    app.run()
    app.toggle(key="bin_check").set_value(True).run(timeout=120)
    assert not app.exception
    table = next(df.value for df in app.dataframe if EN["check.core"] in df.value.columns)
    assert list(table[EN["check.framework"]]) == ["PyTorch", "PyTorch", "Keras 3", "Keras 3"]
    assert list(table[EN["check.loss"]]) == list(table[EN["check.core"]])
    assert any(EN["bin.check.agree"].split("{")[0] in m.value for m in app.markdown)
