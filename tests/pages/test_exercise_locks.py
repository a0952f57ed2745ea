"""A control an exercise locks is drawn disabled through Streamlit's own `disabled` parameter (no CSS), for
every kind of widget the pages draw: slider, selectbox, segmented control, toggle, radio, number input
and data editor. Each test opens a teacher's link with `ex_lock` and reads the widget's own state, and a
control left unlocked beside it stays enabled."""

import pytest

from tests.pages.test_exercise_page import open_page
from ui.exercise import OPENED


def exercise_link(locked, **state):
    return {"ex_lock": ",".join(locked), "ex_check": "below:loss:10", **state}


def test_a_locked_selectbox_is_disabled():
    app = open_page("playground", **exercise_link(["pg_class"], pg_input="sliders"))
    assert app.selectbox(key="pg_class").disabled
    assert app.session_state[OPENED]["playground"].locked == ("pg_class",)


def test_a_locked_segmented_control_is_disabled():
    app = open_page("playground", **exercise_link(["pg_input"], pg_input="sliders"))
    assert app.segmented_control(key="pg_input").disabled
    assert not app.selectbox(key="pg_class").disabled  # the others stay open


def test_a_locked_toggle_is_disabled_on_two_pages():
    playground = open_page("playground", **exercise_link(["pg_path"], pg_input="sliders"))
    assert playground.toggle(key="pg_path").disabled
    binary = open_page("binary", ex_lock="bin_mistake", ex_check="below:mistake_error:1")
    assert binary.toggle(key="bin_mistake").disabled


def test_a_locked_radio_is_disabled_whether_a_page_or_ui_controls_draws_it():
    gradient = open_page("gradient", ex_lock="gr_class", ex_check="below:loss:10")
    assert gradient.radio(key="gr_class").disabled
    batch = open_page("batch", **exercise_link(["bt_reduction"]))
    assert batch.radio(key="bt_reduction").disabled and not batch.radio(key="bt_target").disabled


def test_a_locked_number_input_is_disabled():
    app = open_page("batch", **exercise_link(["bt_ignore"]))
    assert app.number_input(key="bt_ignore").disabled
    assert not app.number_input(key="bt_rows").disabled


def test_a_locked_batch_disables_its_data_editor_its_shape_its_paste_and_its_examples():
    app = open_page("batch", **exercise_link(["bt_logits", "bt_labels"]))
    editors = [frame.proto for frame in app.get("dataframe") if frame.proto.id]
    assert editors and all(editor.disabled for editor in editors)
    assert app.number_input(key="bt_rows").disabled and app.number_input(key="bt_classes").disabled
    assert app.selectbox(key="bt_example").disabled and app.button(key="bt_reset_button").disabled
    assert not app.number_input(key="bt_ignore").disabled


def test_an_unlocked_batch_keeps_its_data_editor_editable():
    app = open_page("batch", **exercise_link(["bt_ignore"]))
    editors = [frame.proto for frame in app.get("dataframe") if frame.proto.id]
    assert editors and not any(editor.disabled for editor in editors)


@pytest.mark.parametrize(
    ("page", "key", "widget"),
    [("playground", "pg_t", "slider"), ("frameworks", "fw_symptom", "selectbox")],
)
def test_other_locked_controls_are_disabled(page, key, widget):
    state = {"pg_input": "sliders"} if page == "playground" else {}
    quantity = "loss" if page == "playground" else "api_spread"
    app = open_page(page, ex_lock=key, ex_check=f"below:{quantity}:10", **state)
    assert getattr(app, widget)(key=key).disabled


def test_no_css_greys_out_locked_controls():
    app = open_page("playground", **exercise_link(["pg_class", "pg_t"], pg_input="sliders"))
    styles = " ".join(element.proto.body for element in app.get("html"))
    assert "pointer-events" not in styles and ".st-key-pg_class" not in styles


def test_the_training_pages_own_widgets_are_disabled_when_locked():
    locks = ["trn_data", "trn_seed", "trn_hidden", "trn_lr", "trn_loss", "trn_sample", "trn_speed"]
    app = open_page("training", ex_lock=",".join(locks), ex_check="below:final_loss:10")
    widgets = [
        app.selectbox(key="trn_data"), app.number_input(key="trn_seed"), app.toggle(key="trn_hidden"),
        app.number_input(key="trn_lr"), app.selectbox(key="trn_loss"), app.number_input(key="trn_sample"),
        app.segmented_control(key="trn_speed"),
    ]
    assert all(widget.disabled for widget in widgets)
    assert not app.slider(key="trn_momentum").disabled  # the others stay open
