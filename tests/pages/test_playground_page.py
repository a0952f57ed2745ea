"""The app through Streamlit's AppTest: every control changes the page to core's numbers."""

import json
import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from topics import playground, registry
from topics.shared import sample
from topics.shared.formatting import fmt
from topics.shared.i18n import STRINGS

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")


def run_app(**query):
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def shown_loss(app):
    return app.metric[0].value


def core_loss(**overrides):
    values = {spec.key: spec.default for spec in playground.state.url_specs()} | overrides
    return fmt(sample.evaluate(playground.state.state_from_values(values)).loss)


@pytest.fixture
def app():
    app = run_app()
    assert not app.exception
    return app


@pytest.fixture
def slider_app(app):
    """The page with the per-logit sliders instead of the drag bars (the switch pg_input)."""
    app.segmented_control(key="pg_input").set_value("sliders").run()
    assert not app.exception
    return app


def logits_shown(app, count):
    """The logits the page holds (the sliders' or the drag bars' values)."""
    return [app.session_state[f"pg_z{i}"] for i in range(count)]


def drag_bar_elements(app):
    """The page's drag-bar components (app.py also draws one: ui/history, in the sidebar)."""
    return [c.proto for c in app.get("bidi_component") if c.proto.component_name == "cee_drag_logits"]


def drag_bars(app):
    """The drag bars' component element (AppTest sees its data, not its JavaScript)."""
    components = drag_bar_elements(app)
    assert len(components) == 1
    return components[0]


def drag_bar_data(app):
    return json.loads(drag_bars(app).json)


def release_drag(app, logits, **others):
    """Run the page as after the browser let go of a drag bar: the component's "release" trigger with the
    state it sends (`logits`, and any of weights, trueClass, temperature, smoothing), sent the way the
    frontend sends it (AppTest has no API for components v2 yet, hence the private calls)."""
    states = app._tree.get_widget_states()
    trigger = states.widgets.add()
    trigger.id = f"$$STREAMLIT_INTERNAL_KEY_{drag_bars(app).id}__events"
    sent = {"logits": logits, **others} if isinstance(logits, list | type(None)) else logits
    trigger.json_trigger_value = json.dumps([{"event": "release", "value": sent}])
    return app._run(states)


def test_default_page_is_the_playground_with_the_seed_numbers(app):
    assert app.title[0].value == STRINGS["en"]["pg.title"]
    assert shown_loss(app) == core_loss() == "0.4170"
    latex = " ".join(block.value for block in app.latex)
    assert r"-\log(0.6590)" in latex


@pytest.mark.parametrize("index, value", [(0, 3.0), (1, -2.5), (2, 7.7)])
def test_each_logit_slider_changes_the_loss_to_cores_value(slider_app, index, value):
    slider_app.slider(key=f"pg_z{index}").set_value(value).run()
    assert not slider_app.exception
    assert shown_loss(slider_app) == core_loss(**{f"pg_z{index}": value})


def test_number_of_classes_adds_sliders_and_changes_the_loss(slider_app):
    slider_app.slider(key="pg_k").set_value(5).run()
    assert [s.key for s in slider_app.slider if s.key.startswith("pg_z")] == [f"pg_z{i}" for i in range(5)]
    assert shown_loss(slider_app) == core_loss(pg_k=5)


def test_true_class_temperature_smoothing_and_soft_labels(slider_app):
    """With the sliders; with the drag bars the target, T and eps are set in the live component."""
    app = slider_app
    app.selectbox(key="pg_class").set_value(2).run()
    assert shown_loss(app) == core_loss(pg_class=2)
    app.slider(key="pg_t").set_value(2.5).run()
    assert shown_loss(app) == core_loss(pg_class=2, pg_t=2.5)
    app.radio(key="pg_target").set_value("smoothed").run()
    app.slider(key="pg_eps").set_value(0.3).run()
    assert shown_loss(app) == core_loss(pg_class=2, pg_t=2.5, pg_target="smoothed", pg_eps=0.3)
    app.radio(key="pg_target").set_value("soft").run()
    app.slider(key="pg_y2").set_value(0.9).run()
    assert shown_loss(app) == core_loss(pg_t=2.5, pg_target="soft", pg_y2=0.9)
    assert not app.exception


def test_paste_sets_the_logits_and_a_bad_paste_keeps_them(app):
    app.text_input(key="pg_paste").input("tensor([0.5, 2.0, 0.3, -1.0])").run()
    assert logits_shown(app, 4) == [0.5, 2.0, 0.3, -1.0]
    assert shown_loss(app) == core_loss(pg_k=4, pg_z0=0.5, pg_z1=2.0, pg_z2=0.3, pg_z3=-1.0)
    app.text_input(key="pg_paste").input("[1, 2, abc]").run()
    assert not app.exception
    assert "abc" in app.error[0].value
    assert logits_shown(app, 1) == [0.5]


def test_one_step_lowers_the_loss_and_reset_restores_the_seed(app):
    app.button(key="pg_step_button").click().run()
    state = playground.state.state_from_values({s.key: s.default for s in playground.state.url_specs()})
    values, (before, after, _) = playground.numbers.values_after_step(state, 1.0)
    assert shown_loss(app) == fmt(after) == core_loss(**values)
    assert fmt(before) in app.info[0].value and fmt(after) in app.info[0].value
    app.button(key="pg_random_button").click().run()
    random_logits = {f"pg_z{i}": z for i, z in enumerate(logits_shown(app, 3))}
    assert shown_loss(app) == core_loss(**random_logits)
    app.button(key="pg_reset_button").click().run()
    assert shown_loss(app) == "0.4170"


def test_drag_bars_are_the_default_and_draw_the_url_state():
    app = run_app(pg_k="4", pg_z0="3.5", pg_z3="-2", pg_class="3", pg_t="2")
    assert not app.exception
    assert not [s for s in app.slider if s.key.startswith("pg_z")]  # the sliders sit behind the switch
    data = drag_bar_data(app)
    state = playground.state.state_from_values(
        {s.key: s.default for s in playground.state.url_specs()}
        | {"pg_k": 4, "pg_z0": 3.5, "pg_z3": -2.0, "pg_class": 3, "pg_t": 2.0}
    )
    sent = playground.figures.drag_data(state, "en")
    sent["text"]["stale"] = STRINGS["en"]["live.stale"]  # every live component gets its cue
    assert data == sent
    assert data["logits"] == [3.5, 1.0, 0.1, -2.0]
    assert data["trueLabels"][3] == "★3" and data["trueClass"] == 3 and data["temperature"] == 2.0


def test_a_released_target_temperature_and_smoothing_set_the_page_and_the_url(app):
    app.radio(key="pg_target").set_value("smoothed").run()
    release_drag(app, [2.0, 1.0, 0.1], trueClass=2, temperature=0.5, smoothing=0.25)
    assert not app.exception
    assert shown_loss(app) == core_loss(pg_target="smoothed", pg_class=2, pg_t=0.5, pg_eps=0.25)
    assert {key: app.query_params[key] for key in ("pg_class", "pg_t", "pg_eps")} == {
        "pg_class": "2",
        "pg_t": "0.5",
        "pg_eps": "0.25",
    }
    app.radio(key="pg_target").set_value("soft").run()
    release_drag(app, [2.0, 1.0, 0.1], weights=[0.2, 0.2, 0.6])
    assert shown_loss(app) == core_loss(pg_target="soft", pg_t=0.5, pg_y0=0.2, pg_y1=0.2, pg_y2=0.6)
    assert drag_bar_data(app)["weights"] == [0.2, 0.2, 0.6]


def test_a_released_drag_sets_the_loss_and_the_url_and_a_link_reopens_it(app):
    release_drag(app, [2.0, 4.2, 0.1])
    assert not app.exception
    assert shown_loss(app) == core_loss(pg_z1=4.2)
    assert app.query_params["pg_z1"] == "4.2"
    assert drag_bar_data(app)["logits"] == [2.0, 4.2, 0.1]
    reopened = run_app(**dict(app.query_params.items()))
    assert drag_bar_data(reopened)["logits"] == [2.0, 4.2, 0.1]
    assert shown_loss(reopened) == shown_loss(app)


@pytest.mark.parametrize("sent", [[1.0, 2.0], ["1", 2.0, 3.0], [1.0, float("nan"), 0.0], None, {"a": 1}])
def test_a_broken_drag_message_changes_nothing(app, sent):
    release_drag(app, sent)
    assert not app.exception
    assert shown_loss(app) == "0.4170"


def test_paste_random_reset_and_step_drive_the_drag_bars(app):
    app.text_input(key="pg_paste").input("0.5, 2, 0.3, -1").run()
    assert drag_bar_data(app)["logits"] == [0.5, 2.0, 0.3, -1.0]
    app.button(key="pg_step_button").click().run()
    assert drag_bar_data(app)["logits"] == logits_shown(app, 4)
    app.button(key="pg_random_button").click().run()
    assert drag_bar_data(app)["logits"] == logits_shown(app, 4)
    app.button(key="pg_reset_button").click().run()
    assert drag_bar_data(app)["logits"] == [2.0, 1.0, 0.1]


def test_switching_to_sliders_keeps_the_logits_and_goes_in_the_url(app):
    release_drag(app, [-3.0, 1.0, 0.1])
    app.segmented_control(key="pg_input").set_value("sliders").run()
    assert app.slider(key="pg_z0").value == -3.0
    assert not drag_bar_elements(app)
    assert app.query_params["pg_input"] == "sliders"
    assert run_app(pg_input="sliders").slider(key="pg_z0").value == 2.0


def test_url_parameters_reproduce_a_state():
    app = run_app(
        pg_k="4", pg_z0="-1.5", pg_z3="4", pg_class="3", pg_target="smoothed", pg_eps="0.2", pg_t="0.5"
    )
    assert not app.exception
    assert shown_loss(app) == core_loss(
        pg_k=4, pg_z0=-1.5, pg_z3=4.0, pg_class=3, pg_target="smoothed", pg_eps=0.2, pg_t=0.5
    )
    assert not app.warning


@pytest.mark.parametrize(
    "query",
    [
        {"pg_k": "1000"},
        {"pg_z0": "abc"},
        {"pg_z0": "1e308"},
        {"pg_class": "7"},
        {"pg_target": "<script>"},
        {"pg_t": "-1"},
        {"lang": "xx"},
        {"pg_steps": "1" * 100},
    ],
)
def test_bad_url_parameters_give_defaults_and_a_notice(query):
    app = run_app(**query)
    assert not app.exception
    assert shown_loss(app) == "0.4170"
    if "lang" not in query:
        assert app.warning and next(iter(query)) in app.warning[0].value


def test_chinese_page_renders_every_string_in_chinese():
    app = run_app(lang="zh")
    assert not app.exception
    assert app.title[0].value == STRINGS["zh"]["pg.title"]
    assert app.metric[0].label == STRINGS["zh"]["pg.loss"]
    shown_text = " ".join(str(e.value) for e in [*app.markdown, *app.caption] if isinstance(e.value, str))
    assert not re.search(r"\b(pg|fig|check|app)\.[a-z_]+\b", shown_text)  # no raw keys leaked


def test_check_panel_is_built_only_when_opened(app):
    assert not app.code and [toggle.key for toggle in app.toggle] == ["pg_path"]
    app.session_state["pg_check_open"] = True  # what a click on the expander's label sets
    app.run()
    assert "torch.tensor([2.0, 1.0, 0.1]" in app.code[0].value


def test_check_panel_runs_torch_and_keras_and_agrees(app):
    app.session_state["pg_check_open"] = True
    app.run()
    app.toggle(key="pg_check").set_value(True).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table.iloc[:, 0]) == ["PyTorch", "Keras 3"]
    loss_column = table.columns[2]
    np.testing.assert_allclose(table[loss_column].astype(float), 0.4170, atol=1e-4)
    assert "torch.tensor([2.0, 1.0, 0.1]" in app.code[0].value


def test_every_page_file_is_in_the_registry():
    registered = {page.script for page in registry.PAGES}
    on_disk = {f"pages/{path.name}" for path in (REPO / "pages").glob("*.py")}
    assert on_disk == registered
