"""The outputs page through Streamlit's AppTest: the digits example's numbers are torch's, an uploaded file
is analysed, each bad upload gets its message while the page keeps what it showed, the controls
recompute from the cached analysis, the worst sample's link opens its logits in the playground, and the
report is one self-contained, escaped HTML file."""

import io
import json
from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from apptest_pages import open_app_page
from topics.outputs import example, report
from topics.registry import BY_NAME
from topics.shared.formatting import fmt
from topics.shared.i18n import STRINGS
from ui import outputs_source

PAGE = "outputs"
EN = STRINGS["en"]
RNG = np.random.default_rng(3)
LABELS = RNG.integers(0, 5, 300)
LOGITS = (RNG.standard_normal((300, 5)) * 2 + 4 * np.eye(5)[LABELS]).astype(np.float32) * 2


def npz(**arrays):
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    return buffer.getvalue()


def metrics(app):
    return {m.label: m.value for m in app.metric}


def errors(app):
    return " ".join(e.value for e in app.error)


def torch_numbers(logits, labels):
    z, y = torch.from_numpy(logits), torch.from_numpy(labels)
    return fmt(F.cross_entropy(z, y).item()), f"{(z.argmax(1) == y).double().mean().item():.1%}"


@pytest.fixture
def app():
    return open_app_page(PAGE)


def upload(app, name, data, kind=None, labels=None):
    if app.radio(key="mo_source").value != "upload":
        app.radio(key="mo_source").set_value("upload").run()
    if kind is not None:
        app.radio(key="mo_kind").set_value(kind)
    app.file_uploader(key="mo_outputs_file").set_value((name, data, "application/octet-stream"))
    if labels is not None:
        app.file_uploader(key="mo_labels_file").set_value(labels)
    app.run()
    assert not app.exception, app.exception
    return app


def test_the_digits_example_shows_torch_numbers(app):
    arrays = example.example_arrays()
    loss, accuracy = torch_numbers(arrays["logits"], arrays["labels"])
    shown = metrics(app)
    assert shown[EN["mo.metric.torch"]] == loss
    assert shown[EN["mo.metric.keras"]] == loss
    assert shown[EN["mo.metric.accuracy"]] == accuracy
    assert len(app.get("plotly_chart")) == 4
    assert any("digits_outputs.npz" in m.value for m in app.markdown)


def test_an_uploaded_file_is_analysed_and_its_numbers_are_torch(app):
    upload(app, "val.npz", npz(logits=LOGITS, labels=LABELS))
    loss, accuracy = torch_numbers(LOGITS, LABELS)
    shown = metrics(app)
    assert shown[EN["mo.metric.torch"]] == loss and shown[EN["mo.metric.accuracy"]] == accuracy
    assert shown[EN["mo.metric.samples"]] == "300 × 5"
    assert any("val.npz" in m.value for m in app.markdown)
    assert not app.error


def test_outputs_and_labels_in_two_files(app):
    buffer = io.BytesIO()
    np.save(buffer, LABELS)
    upload(
        app,
        "logits.npz",
        npz(logits=LOGITS),
        labels=("labels.npy", buffer.getvalue(), "application/octet-stream"),
    )
    assert metrics(app)[EN["mo.metric.torch"]] == torch_numbers(LOGITS, LABELS)[0]


BAD_UPLOADS = {
    "empty": ("x.npz", b"", None, "mo.problem.empty"),
    "N mismatch": ("x.npz", npz(logits=LOGITS, labels=LABELS[:-1]), None, "mo.problem.count_mismatch"),
    "integer logits": (
        "x.npz",
        npz(logits=LOGITS.astype(np.int64), labels=LABELS),
        None,
        "mo.problem.integer_outputs",
    ),
    "label out of range": ("x.npz", npz(logits=LOGITS, labels=LABELS + 1), None, "mo.problem.label_range"),
    "NaN": (
        "x.npz",
        npz(logits=np.where(LOGITS > 7, np.nan, LOGITS), labels=LABELS),
        None,
        "mo.problem.nonfinite",
    ),
    "not probabilities": ("x.npz", npz(logits=LOGITS, labels=LABELS), "probs", "mo.problem.prob_range"),
    "rank": ("x.npz", npz(logits=LOGITS[:, 0], labels=LABELS), None, "mo.problem.rank"),
}


@pytest.mark.parametrize("name", BAD_UPLOADS)
def test_a_bad_upload_says_why_and_the_page_keeps_the_last_good_outputs(app, name):
    upload(app, "good.npz", npz(logits=LOGITS, labels=LABELS))
    before = metrics(app)
    file_name, data, kind, key = BAD_UPLOADS[name]
    upload(app, file_name, data, kind=kind)
    first_sentence = EN[key].split("{")[0].strip()
    assert first_sentence in errors(app) or key == "mo.problem.empty" and "empty" in errors(app)
    assert EN["mo.keeps"] in errors(app)
    assert metrics(app) == before  # the good outputs are still shown


def test_the_page_in_chinese():
    app = open_app_page(PAGE, lang="zh")
    assert app.title[0].value == STRINGS["zh"]["mo.title"]
    assert STRINGS["zh"]["mo.metric.torch"] in metrics(app)


def test_a_pickle_is_refused():
    app = open_app_page(PAGE, mo_source="upload")
    buffer = io.BytesIO()
    torch.save(
        {"logits": torch.from_numpy(LOGITS), "labels": torch.from_numpy(LABELS), "model": {"a": "b"}}, buffer
    )
    upload(app, "x.pt", buffer.getvalue())
    assert "not plain tensors" in errors(app) and "model: dict" in errors(app)
    assert EN["mo.keeps_example"] in errors(app)
    assert metrics(app)[EN["mo.metric.samples"]] == "899 × 10"  # the example stays


def test_the_what_if_controls_give_torch_numbers_without_analysing_again(app, monkeypatch):
    calls = []
    monkeypatch.setattr(outputs_source, "analyse", lambda *a, **k: calls.append(a))  # a cache miss shows
    app.slider(key="mo_ls").set_value(0.2).run()
    app.radio(key="mo_weight").set_value("inverse").run()
    app.number_input(key="mo_ignore").set_value(3).run()
    arrays = example.example_arrays()
    analysis = example.example_analysis()
    labels = torch.from_numpy(arrays["labels"].copy())
    labels[labels == 3] = -100
    weight = torch.from_numpy(analysis.class_weights["inverse"]).float()
    expected = F.cross_entropy(torch.from_numpy(arrays["logits"]), labels, weight=weight, label_smoothing=0.2)
    sentence = app.get("markdown")
    assert any(f"**{fmt(expected.item())}**" in m.value for m in app.markdown), [m.value for m in sentence]
    assert not calls  # the cached analysis served every rerun


def test_the_bins_slider_and_the_url(app):
    app.slider(key="mo_bins").set_value(10).run()
    assert app.query_params["mo_bins"] in ("10", ["10"])
    spec = json.loads(app.get("plotly_chart")[3].proto.spec)
    assert "10" in spec["layout"]["title"]["text"]
    opened = open_app_page(PAGE, mo_bins="10", mo_rows="25", mo_ls="0.1")
    assert opened.slider(key="mo_bins").value == 10 and opened.slider(key="mo_rows").value == 25
    refused = open_app_page(PAGE, mo_bins="1000")
    assert any("mo_bins" in w.value for w in refused.warning)


def test_the_worst_samples_link_opens_their_logits_in_the_playground(app):
    table = app.dataframe[0].value
    link = table[EN["mo.col.open"]].iloc[0]
    query = dict(parse_qsl(urlsplit(link).query))
    assert urlsplit(link).path == "/"
    analysis = example.example_analysis()
    worst = int(analysis.worst[0])
    logits = example.example_arrays()["logits"][worst].astype(np.float64)
    assert int(query["pg_k"]) == 10 and int(query["pg_class"]) == int(analysis.labels[worst])
    shown = np.array([float(query[f"pg_z{i}"]) for i in range(10)])
    shift = shown - logits
    assert np.allclose(shift, shift[0], atol=0.06) or np.any(np.abs(shown) == 10)  # shifted, rounded to 0.1
    playground = open_app_page("playground", **query)
    assert playground.session_state["pg_k"] == 10
    assert playground.session_state["pg_class"] == int(analysis.labels[worst])
    assert not playground.warning  # every parameter of the link was accepted


def test_the_report_is_self_contained_and_escapes_the_file_name():
    analysis = example.example_analysis()
    values = {spec.key: spec.default for spec in BY_NAME[PAGE].url_specs()}
    specs = BY_NAME["playground"].url_specs()
    document = report.report_html(analysis, values, "en", "<script>alert(1)</script>.npz", specs)
    assert "<script>alert(1)</script>" not in document and "&lt;script&gt;alert(1)&lt;/script&gt;" in document
    assert document.count("Plotly.newPlot") == 4 and "<script src" not in document  # Plotly's JS is inlined
    assert fmt(analysis.torch_loss, 6) in document and fmt(analysis.fit.temperature, 6) in document
    assert "http" not in document.split("<body>")[1].split("<script")[0]  # no link out before the figures


def test_the_report_reads_the_controls_from_one_dict_that_every_run_updates(app):
    """The report download's callable runs outside any script run, and a fragment's run does not redraw
    the button: it holds the dict ui.outputs_source.report_values keeps, which every run (the page's or
    a fragment's) updates in place, so the report has the values the page shows."""
    held = app.session_state[outputs_source.REPORT_VALUES]
    app.slider(key="mo_bins").set_value(7).run()
    app.slider(key="mo_ls").set_value(0.25).run()
    assert app.session_state[outputs_source.REPORT_VALUES] is held
    assert held["mo_bins"] == 7 and held["mo_ls"] == 0.25
