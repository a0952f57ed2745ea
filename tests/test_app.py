"""The app through Streamlit's AppTest: every control changes the page to core's numbers."""

import re
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core import playground
from core.formatting import fmt
from core.i18n import STRINGS

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")


def run_app(**query):
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    return app.run()


def shown_loss(app):
    return app.metric[0].value


def core_loss(**overrides):
    values = {spec.key: spec.default for spec in playground.url_specs()} | overrides
    return fmt(playground.evaluate(playground.state_from_values(values)).loss)


@pytest.fixture
def app():
    app = run_app()
    assert not app.exception
    return app


def test_default_page_is_the_playground_with_the_seed_numbers(app):
    assert app.title[0].value == STRINGS["en"]["pg.title"]
    assert shown_loss(app) == core_loss() == "0.4170"
    latex = " ".join(block.value for block in app.latex)
    assert r"-\log(0.6590)" in latex


@pytest.mark.parametrize("index, value", [(0, 3.0), (1, -2.5), (2, 7.7)])
def test_each_logit_slider_changes_the_loss_to_cores_value(app, index, value):
    app.slider(key=f"pg_z{index}").set_value(value).run()
    assert not app.exception
    assert shown_loss(app) == core_loss(**{f"pg_z{index}": value})


def test_number_of_classes_adds_sliders_and_changes_the_loss(app):
    app.slider(key="pg_k").set_value(5).run()
    assert [s.key for s in app.slider if s.key.startswith("pg_z")] == [f"pg_z{i}" for i in range(5)]
    assert shown_loss(app) == core_loss(pg_k=5)


def test_true_class_temperature_smoothing_and_soft_labels(app):
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
    assert [app.slider(key=f"pg_z{i}").value for i in range(4)] == [0.5, 2.0, 0.3, -1.0]
    assert shown_loss(app) == core_loss(pg_k=4, pg_z0=0.5, pg_z1=2.0, pg_z2=0.3, pg_z3=-1.0)
    app.text_input(key="pg_paste").input("[1, 2, abc]").run()
    assert not app.exception
    assert "abc" in app.error[0].value
    assert app.slider(key="pg_z0").value == 0.5


def test_one_step_lowers_the_loss_and_reset_restores_the_seed(app):
    app.button(key="pg_step_button").click().run()
    state = playground.state_from_values({s.key: s.default for s in playground.url_specs()})
    values, (before, after, _) = playground.values_after_step(state, 1.0)
    assert shown_loss(app) == fmt(after) == core_loss(**values)
    assert fmt(before) in app.info[0].value and fmt(after) in app.info[0].value
    app.button(key="pg_random_button").click().run()
    random_logits = {f"pg_z{i}": app.slider(key=f"pg_z{i}").value for i in range(3)}
    assert shown_loss(app) == core_loss(**random_logits)
    app.button(key="pg_reset_button").click().run()
    assert shown_loss(app) == "0.4170"


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


def test_check_panel_runs_torch_and_keras_and_agrees(app):
    app.toggle(key="pg_check").set_value(True).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert list(table.iloc[:, 0]) == ["PyTorch", "Keras 3"]
    loss_column = table.columns[2]
    np.testing.assert_allclose(table[loss_column].astype(float), 0.4170, atol=1e-4)
    assert "torch.tensor([2.0, 1.0, 0.1]" in app.code[0].value


def test_every_page_file_is_registered_in_app_py():
    app_source = (REPO / "app.py").read_text()
    registered = set(re.findall(r'st\.Page\(\s*"(pages/[^"]+\.py)"', app_source))
    on_disk = {f"pages/{path.name}" for path in (REPO / "pages").glob("*.py")}
    assert on_disk == registered
