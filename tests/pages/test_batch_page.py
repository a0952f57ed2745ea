"""The batch page through Streamlit's AppTest: every control changes the page to core's (and torch's)
numbers, bad input names the problem and keeps the last good batch, the URL reproduces a state."""

import json
import re
from dataclasses import replace

import pytest
import torch
import torch.nn.functional as F

from apptest_pages import open_app_page, page_script
from snippet_runner import printed_by
from topics import batch
from topics.shared.formatting import fmt
from topics.shared.i18n import STRINGS

PAGE = "batch"
SEED_LOSS = 1.2288230657577515  # seed 000's printout of nn.CrossEntropyLoss()(logits, labels)


def open_batch(**query):
    return open_app_page(PAGE, **query)


@pytest.fixture
def app():
    return open_batch()


def shown_loss(app):
    return app.metric[0].value


def routes(app):
    return [m.value for m in app.metric[1:4]]


def rows_table(app):
    return next(d.value for d in app.dataframe if STRINGS["en"]["bt.col.neg_log"] in d.value.columns)


def table_key(app, index=0):
    """The key of a data editor (the batch table is first); it changes when the batch is replaced."""
    return app.data_editor[index].key


def edit_table(app, edited_rows=None, added_rows=(), deleted_rows=()):
    app.session_state[table_key(app)] = {
        "edited_rows": edited_rows or {},
        "added_rows": list(added_rows),
        "deleted_rows": list(deleted_rows),
    }
    app.run()
    assert not app.exception, app.exception
    return app


def core_loss(**changes):
    return batch.words.fmt_value(batch.numbers.evaluate(replace(batch.state.BatchState(), **changes)).loss)


def torch_loss(state):
    """The number torch gives for a state, computed here without core (the page's second oracle)."""
    z = torch.tensor(state.logits, dtype=torch.float64)
    labels = torch.tensor(state.labels)
    weight = torch.tensor(state.weight, dtype=torch.float64) if state.weight else None
    options = {"weight": weight, "reduction": state.reduction, "label_smoothing": state.label_smoothing}
    if state.target_form == "index":
        loss = F.cross_entropy(z, labels, ignore_index=state.ignore_index, **options)
    else:
        keep = (labels >= 0) & (labels < z.shape[1])
        loss = F.cross_entropy(z[keep], F.one_hot(labels[keep], z.shape[1]).double(), **options)
    return batch.words.fmt_value(loss.numpy() if loss.ndim else loss.item())


def errors(app):
    return " ".join(e.value for e in app.error)


# The default batch ------------------------------------------------------------------------------


def test_default_state_shows_the_seed_numbers(app):
    assert app.title[0].value == STRINGS["en"]["bt.title"]
    assert (
        shown_loss(app) == "1.2288" == fmt(SEED_LOSS) == core_loss() == torch_loss(batch.state.BatchState())
    )
    assert routes(app) == ["1.2288"] * 3
    table = rows_table(app)
    assert list(table[STRINGS["en"]["bt.col.p_target"]]) == ["0.6590", "0.1299"]
    assert list(table[STRINGS["en"]["bt.col.neg_log"]]) == ["0.4170", "2.0406"]
    latex = " ".join(block.value for block in app.latex)
    assert r"\frac{0.4170 + 2.0406}{2}" in latex and "1.2288" in latex
    softmax = json.loads(app.get("plotly_chart")[0].proto.spec)["data"][0]
    assert softmax["text"] == [["0.6590", "0.2424", "0.0986"], ["0.1587", "0.7113", "0.1299"]]
    assert not app.warning and not app.error


def test_gradient_sentence_states_the_one_over_n_scaling(app):
    text = " ".join(m.value for m in app.markdown)
    assert "1/2 = 0.5000" in text


# Each option ------------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["sum", "none", "mean"])
def test_reduction_changes_the_loss_to_core_and_torch(app, reduction):
    app.radio(key="bt_reduction").set_value(reduction).run()
    state = replace(batch.state.BatchState(), reduction=reduction)
    assert shown_loss(app) == core_loss(reduction=reduction) == torch_loss(state)
    assert app.query_params.get("bt_reduction", "mean") == reduction


def test_weights_give_the_weighted_mean_and_explain_it(app):
    app.text_input(key="bt_weight_text").input("1, 1, 2").run()
    state = replace(batch.state.BatchState(), weight=(1.0, 1.0, 2.0))
    assert shown_loss(app) == "1.4994" == core_loss(weight=(1.0, 1.0, 2.0)) == torch_loss(state)
    text = " ".join(m.value for m in app.markdown)
    assert "1.2288" in text and "= 3" in text  # the plain mean and the weight sum, side by side
    warnings = " ".join(w.value for w in app.warning)
    assert "2.2491" in warnings  # the same labels as one-hot rows
    assert app.query_params["bt_weight"] == "1,1,2"


def test_ignore_index_leaves_rows_out(app):
    app.number_input(key="bt_ignore").set_value(2).run()
    state = replace(batch.state.BatchState(), ignore_index=2)
    assert shown_loss(app) == "0.4170" == core_loss(ignore_index=2) == torch_loss(state)
    assert list(rows_table(app)[STRINGS["en"]["bt.col.status"]]) == ["counted", "ignored"]


def test_label_smoothing_changes_the_loss(app):
    app.slider(key="bt_ls").set_value(0.25).run()
    state = replace(batch.state.BatchState(), label_smoothing=0.25)
    assert shown_loss(app) == core_loss(label_smoothing=0.25) == torch_loss(state)


def test_one_hot_targets_with_weights_show_both_means(app):
    app.text_input(key="bt_weight_text").input("1, 1, 2").run()
    app.radio(key="bt_target").set_value("onehot").run()
    state = replace(batch.state.BatchState(), weight=(1.0, 1.0, 2.0), target_form="onehot")
    assert shown_loss(app) == "2.2491" == torch_loss(state)
    warnings = " ".join(w.value for w in app.warning)
    assert "1.4994" in warnings and "2.2491" in warnings


def test_probability_rows_are_editable_and_normalised(app):
    app.radio(key="bt_target").set_value("probs").run()
    assert shown_loss(app) == "1.2288"  # seeded from the labels: one-hot rows
    assert table_key(app, 1).startswith("bt_probs_")
    app.session_state[table_key(app, 1)] = {
        "edited_rows": {0: {"t1": "1"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    app.run()
    probs = ((1.0, 1.0, 0.0), (0.0, 0.0, 1.0))
    assert shown_loss(app) == core_loss(target_form="probs", probs=probs)
    assert app.query_params["bt_probs"] == "1,1,0;0,0,1"
    assert any("0" in w.value and "2" in w.value for w in app.warning)  # row 0 divided by its sum 2


def test_classes_and_rows_inputs_resize_the_batch(app):
    app.number_input(key="bt_classes").set_value(4).run()
    assert list(app.data_editor[0].value.columns) == ["label", "z0", "z1", "z2", "z3"]
    app.number_input(key="bt_rows").set_value(3).run()
    logits = ((2.0, 1.0, 0.1, 0.0), (0.5, 2.0, 0.3, 0.0), (0.0, 0.0, 0.0, 0.0))
    assert shown_loss(app) == core_loss(logits=logits, labels=(0, 2, 0))
    assert app.query_params["bt_logits"] == "2,1,0.1,0;0.5,2,0.3,0;0,0,0,0"


# The table --------------------------------------------------------------------------------------


def test_editing_a_cell_updates_every_number(app):
    edit_table(app, {1: {"z2": "3.0"}})
    logits = ((2.0, 1.0, 0.1), (0.5, 2.0, 3.0))
    state = replace(batch.state.BatchState(), logits=logits)
    assert shown_loss(app) == core_loss(logits=logits) == torch_loss(state)
    assert app.query_params["bt_logits"] == "2,1,0.1;0.5,2,3"


def test_adding_and_deleting_rows(app):
    edit_table(app, added_rows=[{"label": "1", "z0": "0", "z1": "1", "z2": "2"}])
    logits = ((2.0, 1.0, 0.1), (0.5, 2.0, 0.3), (0.0, 1.0, 2.0))
    assert shown_loss(app) == core_loss(logits=logits, labels=(0, 2, 1))
    edit_table(app, deleted_rows=[0])
    assert shown_loss(app) == core_loss(logits=logits[1:], labels=(2, 1))
    assert list(app.data_editor[0].value.index) == [0, 1]  # renumbered after the deletion


@pytest.mark.parametrize(
    "edit, words",
    [
        ({"edited_rows": {1: {"z2": "abc"}}}, ["Row 1, column z2", "'abc' is not a number"]),
        ({"edited_rows": {0: {"z0": "nan"}}}, ["Row 0, column z0", "NaN"]),
        ({"edited_rows": {0: {"z1": None}}}, ["Row 0, column z1 is empty"]),
        ({"edited_rows": {1: {"label": "5"}}}, ["Row 1: label 5 is out of range", "0 … 2"]),
        ({"edited_rows": {1: {"label": "1.5"}}}, ["Row 1, column label", "whole number"]),
        ({"edited_rows": {0: {"z0": "1e9"}}}, ["too large"]),
        ({"deleted_rows": [0, 1]}, ["The batch is empty"]),
        ({"added_rows": [{"label": "0"}]}, ["Row 2, column z0 is empty"]),
    ],
)
def test_bad_cells_are_named_and_the_last_good_batch_stays(app, edit, words):
    edit_table(app, **edit)
    message = errors(app)
    for word in words:
        assert word in message, message
    assert STRINGS["en"]["bt.keeps_last_good"] in message
    assert shown_loss(app) == "1.2288"
    assert "bt_logits" not in app.query_params


# Paste ------------------------------------------------------------------------------------------


def paste(app, logits, labels=""):
    app.text_area(key="bt_paste_logits").input(logits)
    app.text_input(key="bt_paste_labels").input(labels)
    app.button(key="bt_paste_apply").click().run()
    assert not app.exception, app.exception
    return app


def test_pasting_a_torch_printout_sets_the_batch(app):
    paste(
        app,
        "tensor([[0.5, 2.0, 0.3, 1.0], [1.0, 1.0, 1.0, 1.0], [3.0, -1.0, 0.0, 2.5]])",
        "tensor([1, 3, 0])",
    )
    logits = ((0.5, 2.0, 0.3, 1.0), (1.0, 1.0, 1.0, 1.0), (3.0, -1.0, 0.0, 2.5))
    state = replace(batch.state.BatchState(), logits=logits, labels=(1, 3, 0))
    assert shown_loss(app) == core_loss(logits=logits, labels=(1, 3, 0)) == torch_loss(state)
    assert list(app.data_editor[0].value["z3"]) == ["1.0", "1.0", "2.5"]
    assert app.success


@pytest.mark.parametrize(
    "logits, labels, words",
    [
        ("[[1, 2, 3], [4, 5]]", "0, 1", ["row 2 has 2 numbers but row 1 has 3"]),
        ("[[1, 2, nan], [4, 5, 6]]", "0, 1", ["NaN"]),
        ("[[1, 2], [3, 4]]", "0, 9", ["Row 1: label 9 is out of range"]),
        ("[[1, 2], [3, 4]]", "0", ["1 labels for 2 rows"]),
        ("", "", ["empty"]),
    ],
)
def test_a_bad_paste_says_what_is_wrong_and_keeps_the_batch(app, logits, labels, words):
    paste(app, logits, labels)
    message = errors(app)
    for word in words:
        assert word in message, message
    assert shown_loss(app) == "1.2288"


def test_bad_weights_are_refused_with_a_message(app):
    app.text_input(key="bt_weight_text").input("1, 2").run()
    assert "2 weights for 3 classes" in errors(app)
    assert shown_loss(app) == "1.2288"


# Corner cases and examples ----------------------------------------------------------------------


@pytest.mark.parametrize("name", list(batch.state.EXAMPLES))
def test_each_example_loads_and_shows_cores_numbers(app, name):
    app.selectbox(key="bt_example").set_value(name).run()
    assert not app.exception
    state = batch.state.state_from_values(batch.state.example_values(name))
    assert shown_loss(app) == batch.words.fmt_value(batch.numbers.evaluate(state).loss)
    if state.target_form != "probs":
        assert shown_loss(app) == torch_loss(state)
    readout = batch.numbers.evaluate(state)
    for note in batch.words.notes(state, readout, batch.keras_route.keras_routes(state, readout)):
        shown = " ".join(w.value for w in app.warning)
        assert STRINGS["en"][f"bt.note.{note.kind}"].format(**note.params) in shown


def test_every_row_ignored_shows_nan_and_why(app):
    app.selectbox(key="bt_example").set_value("all_ignored").run()
    assert shown_loss(app) == "NaN"
    assert "0 by 0" in " ".join(w.value for w in app.warning)


# Check panel and code ---------------------------------------------------------------------------


def test_check_panel_runs_torch_and_keras_and_explains_keras_default(app):
    app.text_input(key="bt_weight_text").input("1, 1, 2").run()
    app.session_state["bt_check_open"] = True  # the panel is built only while open
    app.run()
    app.toggle(key="bt_check").set_value(True).run()
    assert not app.exception
    table = next(d.value for d in app.dataframe if STRINGS["en"]["bt.check.core"] in d.value.columns)
    assert list(table.iloc[:, 0]) == ["PyTorch", "PyTorch", "Keras 3", "Keras 3"]
    assert list(table[STRINGS["en"]["check.loss"]]) == ["1.4994", "1.4994", "2.2491", "1.4994"]
    info = " ".join(i.value for i in app.info)
    assert "N = 2" in info and "Σ w[y_n] = 3.0000" in info and "mean_with_sample_weight" in info


@pytest.mark.parametrize("query", [{}, {"bt_weight": "1,1,2", "bt_labels": "0,-100", "bt_reduction": "none"}])
def test_the_pages_pytorch_snippet_prints_the_pages_numbers(query):
    app = open_batch(**query)
    code = app.code[0].value
    output = printed_by(code)
    printed = re.search(r"^loss = (.*)$", output, re.M).group(1)
    shown = shown_loss(app).strip("[]").replace("NaN", "nan")
    assert [float(v) for v in printed.split(",")] == pytest.approx([float(v) for v in shown.split(",")])


# URL state and languages ------------------------------------------------------------------------


def test_url_reproduces_a_state_including_the_batch():
    query = {
        "bt_logits": "1,2,3,0;-1,0.5,2,2;4,4,0,1",
        "bt_labels": "3,-100,0",
        "bt_reduction": "sum",
        "bt_weight": "1,2,0.5,1",
        "bt_ls": "0.1",
    }
    app = open_batch(**query)
    logits = ((1.0, 2.0, 3.0, 0.0), (-1.0, 0.5, 2.0, 2.0), (4.0, 4.0, 0.0, 1.0))
    state = batch.state.BatchState(logits, (3, -100, 0), "sum", (1.0, 2.0, 0.5, 1.0), label_smoothing=0.1)
    assert shown_loss(app) == batch.words.fmt_value(batch.numbers.evaluate(state).loss) == torch_loss(state)
    assert list(app.data_editor[0].value["z2"]) == ["3.0", "2.0", "0.0"]
    assert app.text_input(key="bt_weight_text").value == "1, 2, 0.5, 1"
    assert not app.warning or "bt_" not in " ".join(w.value for w in app.warning)
    assert {k: app.query_params[k] for k in query} == query


@pytest.mark.parametrize(
    "query, refused",
    [
        ({"bt_logits": "1,2;3"}, "bt_logits"),
        ({"bt_logits": "nan,1;2,3"}, "bt_logits"),
        ({"bt_logits": "1e300,1;2,3"}, "bt_logits"),
        ({"bt_labels": "0,9"}, "bt_labels"),
        ({"bt_labels": "0,1,2"}, "bt_labels"),
        ({"bt_weight": "1,2"}, "bt_weight"),
        ({"bt_reduction": "<script>"}, "bt_reduction"),
        ({"bt_ls": "2"}, "bt_ls"),
        ({"bt_ignore": "1.5"}, "bt_ignore"),
        ({"bt_probs": "1,0"}, "bt_probs"),
        ({"bt_logits": "1," * 1500}, "bt_logits"),
    ],
)
def test_bad_url_values_give_defaults_and_a_notice(query, refused):
    app = open_batch(**query)
    assert shown_loss(app) == "1.2288"
    assert app.warning and refused in app.warning[0].value


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_both_languages_render_without_raw_keys(lang):
    app = open_batch(lang=lang, bt_weight="1,1,2", bt_labels="0,-100", bt_ls="0.1")
    assert app.title[0].value == STRINGS[lang]["bt.title"]
    assert app.metric[0].label == STRINGS[lang]["bt.loss"].format(reduction="mean")
    shown = " ".join(
        str(e.value)
        for e in [*app.markdown, *app.caption, *app.warning, *app.info]
        if isinstance(e.value, str)
    )
    assert not re.search(r"\b(bt|pg|fig|check|app)\.[a-z_]+\.?[a-z_]*\b", shown), shown
    assert shown_loss(app) == core_loss(weight=(1.0, 1.0, 2.0), labels=(0, -100), label_smoothing=0.1)


def test_switching_language_keeps_the_edited_batch(app):
    edit_table(app, {0: {"z0": "4"}})
    before = shown_loss(app)
    app.session_state["lang"] = "zh"
    app.run()
    assert not app.exception
    assert shown_loss(app) == before != "1.2288"
    assert list(app.data_editor[0].value["z0"]) == ["4.0", "0.5"]


def test_leaving_and_coming_back_keeps_the_batch_and_the_options(app):
    edit_table(app, {0: {"z0": "4"}})
    app.text_input(key="bt_weight_text").input("1, 1, 2").run()
    before = shown_loss(app)
    app.switch_page(page_script("playground")).run()
    assert not app.exception
    app.switch_page(page_script(PAGE)).run()
    assert not app.exception
    assert (
        shown_loss(app)
        == before
        == core_loss(logits=((4.0, 1.0, 0.1), (0.5, 2.0, 0.3)), weight=(1.0, 1.0, 2.0))
    )
    assert app.text_input(key="bt_weight_text").value == "1, 1, 2"
    assert list(app.data_editor[0].value["z0"]) == ["4.0", "0.5"]


def test_gradient_figure_is_centred_on_zero_with_a_fixed_range(app):
    spec = json.loads(app.get("plotly_chart")[1].proto.spec)
    heat = spec["data"][0]
    assert (heat["zmin"], heat["zmid"], heat["zmax"]) == (-0.5, 0, 0.5)
    grad = batch.numbers.evaluate(batch.state.BatchState()).gradient
    assert [[cell.split()[0] for cell in row] for row in heat["text"]] == [
        [fmt(g, 3) for g in row] for row in grad
    ]
    assert heat["text"][0][0].endswith("↑") and heat["text"][0][1].endswith("↓")
