"""The figure exporter: page registry and states (topics.registry, tools.page_states), captions, the
manifest, and files rendered through kaleido and Chromium (tools/).

Every test that renders shares one kaleido server (the `exporter` fixture); the tests are parametrised
over topics.registry.BY_NAME and each page's figure names, so a page added to the registry is tested here
without new code. The element screenshot test is in tests/browser/test_export_browser.py.
"""

import json
import re
import struct
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from tools import page_states
from tools.export import main
from tools.figure_export import ExportError, FigureExporter, stable_svg
from tools.manifest import Builder, EntryError, entry, read_manifest
from tools.screenshots import CHROMIUM, file_stem, in_ci
from topics import registry
from topics.shared.figures import PageFigure
from topics.shared.formatting import fmt, fmt_vector
from topics.shared.i18n import LANGUAGES

REPO = Path(__file__).resolve().parents[2]
FIGURES = [(page, name) for page in registry.BY_NAME for name in page_states.figure_names(page)]
SIZES = {"svg": (420, 260), "png": (380, 240)}


def defaults(page):
    return {spec.key: spec.default for spec in page_states.page_entry(page).url_specs()}


# ------------------------------------------------------------------------------ pages and states


@pytest.mark.parametrize("page", list(registry.BY_NAME))
def test_every_registered_page_gives_figures_with_words_in_both_languages(page):
    by_lang = {lang: page_states.page_entry(page).page_figures(defaults(page), lang) for lang in LANGUAGES}
    assert list(by_lang["en"]) == list(by_lang["zh"]) == page_states.figure_names(page)
    for name, english in by_lang["en"].items():
        chinese = by_lang["zh"][name]
        assert isinstance(english, PageFigure) and isinstance(english.figure, go.Figure)
        go.Figure(english.figure.to_dict())  # the figure is valid Plotly (built without validation)
        for words in (english.caption, english.alt, chinese.caption, chinese.alt):
            assert re.search(r"\d", words), f"{page}/{name}: no number in {words!r}"
        assert english.caption != chinese.caption and re.search(r"[\u4e00-\u9fff]", chinese.caption)


@pytest.mark.parametrize(("page", "name"), FIGURES)
def test_every_figure_draws_in_the_dark_theme_too(page, name):
    light = page_states.page_figure(page, "", name, theme="light").figure.layout.template.layout.paper_bgcolor
    dark = page_states.page_figure(page, "", name, theme="dark").figure.layout.template.layout.paper_bgcolor
    assert light != dark


def test_playground_captions_carry_the_states_numbers_in_both_languages():
    query = "pg_k=4&pg_z0=3&pg_z1=-1.5&pg_z2=0.2&pg_z3=1&pg_class=3&pg_t=2"
    logits = torch.tensor([3.0, -1.5, 0.2, 1.0], dtype=torch.float64)
    probs = torch.softmax(logits / 2, dim=0).numpy()
    loss = torch.nn.functional.cross_entropy(logits / 2, torch.tensor(3)).item()
    for lang in LANGUAGES:
        caption = page_states.page_figure("playground", query, "probs", lang=lang).caption
        assert "[3.0, -1.5, 0.2, 1.0]" in caption
        assert fmt_vector(probs, 3) in caption and fmt(loss, 3) in caption
        assert "T = 2" in caption


def test_batch_captions_carry_the_states_numbers_in_both_languages():
    logits = torch.tensor([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]], dtype=torch.float64)
    labels = torch.tensor([0, 2])
    weight = torch.tensor([1.0, 1.0, 2.0], dtype=torch.float64)
    probs = torch.softmax(logits, dim=1).numpy()
    loss = torch.nn.functional.cross_entropy(logits, labels, weight=weight).item()
    for lang in LANGUAGES:
        caption = page_states.page_figure("batch", "bt_weight=1,1,2", "softmax", lang=lang).caption
        assert fmt_vector([probs[0, 0], probs[1, 2]], 3) in caption
        assert fmt(loss) in caption and "[1, 1, 2]" in caption


def test_the_querys_language_is_the_figures_language_unless_one_is_given():
    assert page_states.page_figure("playground", "lang=zh", "probs").caption.startswith("logits")
    assert page_states.page_figure("playground", "lang=zh", "probs", lang="en").caption.startswith("Softmax")


@pytest.mark.parametrize(
    ("page", "query", "named"),
    [
        ("playground", "pg_z0=abc", "pg_z0"),
        ("playground", "pg_t=1e308", "pg_t"),
        ("playground", "pg_k=2&pg_class=2", "pg_class"),  # valid alone, not together
        ("playground", "pg_zz=1", "pg_zz"),  # a typo is not silently ignored
        ("playground", "lang=fr", "lang"),
        ("batch", "bt_logits=1,2;3,4&bt_labels=0,1,1", "bt_labels"),
        ("nowhere", "", "nowhere"),
    ],
)
def test_a_broken_state_or_unknown_page_is_refused_by_name(page, query, named):
    with pytest.raises(page_states.StateError, match=named):
        page_states.read_state(page, query)


def test_an_unknown_figure_is_refused_with_the_pages_figure_names():
    with pytest.raises(page_states.StateError, match="logits, probs"):
        page_states.page_figure("playground", "", "nope")


# ------------------------------------------------------------------------------ files and names


def test_stable_svg_renames_ids_and_their_references_in_order():
    svg = (
        b'<svg><defs id="defs-74d2c6"><clipPath id="clip74d2c6x"/><clipPath id="clip74d2c6xy"/>'
        b'<pattern id="p74d2c6-0"/></defs>'
        b'<g clip-path="url(#clip74d2c6xy)" style="fill: url(\'#p74d2c6-0\')"/>'
        b'<use xlink:href="#clip74d2c6x"/></svg>'
    )
    other = svg.replace(b"74d2c6", b"a1b2c3")
    assert stable_svg(svg) == stable_svg(other)
    assert b'id="i2"' in stable_svg(svg) and b"url(#i2)" in stable_svg(svg)  # clip..xy is not clip..x + y
    assert b"74d2c6" not in stable_svg(svg)


def test_file_stems_of_long_states_are_short_stable_and_distinct():
    long_state = "bt_logits=" + ";".join(["1.5,2.25,0.125,3.5,4.75,1.25,2.5,0.5"] * 16)
    stem = file_stem("batch", "390", long_state)
    assert len(stem) <= 60 and stem == file_stem("batch", "390", long_state)
    assert stem != file_stem("batch", "390", long_state + "&bt_ls=0.1")
    assert file_stem("playground", "1280", "pg_z0=3") == "playground_1280_pg-z0-3"


# ------------------------------------------------------------------------------ the manifest


def test_manifest_entries_are_checked_and_bad_ones_named(tmp_path):
    manifest = tmp_path / "figures.toml"
    manifest.write_text(
        """
[[figure]]
name = "good"
page = "playground"
figure = "probs"

[[figure]]
name = "typo"
page = "playground"
figure = "probs"
widht = 300

[[figure]]
name = "both"
page = "playground"
figure = "probs"
screenshot = "page"

[[figure]]
name = "good"
page = "batch"
figure = "softmax"

[[figure]]
name = "pdf-shot"
page = "playground"
screenshot = "page"
format = "pdf"
"""
    )
    entries, errors = read_manifest(manifest)
    assert [made.name for made in entries] == ["good"]
    assert [error.name for error in errors] == ["typo", "both", "good", "pdf-shot"]
    assert "widht" in str(errors[0])


def test_the_repositorys_manifest_names_existing_pages_and_figures():
    entries, errors = read_manifest(REPO / "docs" / "figures.toml")
    assert not errors and entries
    for made in entries:
        page_states.read_state(made.page, made.state)
        assert made.figure is None or made.figure in page_states.figure_names(made.page), made.name


def test_a_screenshot_entry_defaults_to_png_and_a_figure_entry_to_svg():
    assert entry(name="a", page="playground", screenshot="page").format == "png"
    assert entry(name="b", page="playground", figure="probs").format == "svg"
    with pytest.raises(EntryError, match="theme"):
        entry(name="c", page="playground", figure="probs", theme="sepia")


# ------------------------------------------------------------------------------ rendering (Chromium)


def png_size(data):
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def svg_size(data):
    root = re.search(rb"<svg\b[^>]*>", data).group(0)
    return tuple(
        int(float(re.search(rb'\b%s="([\d.]+)"' % name, root).group(1))) for name in (b"width", b"height")
    )


@pytest.fixture(scope="module")
def exporter():
    """One kaleido server for the module (skipped locally without /usr/bin/chromium, a failure in CI)."""
    if not CHROMIUM.is_file():
        message = f"{CHROMIUM} not found (apt-get install -y chromium)"
        pytest.fail(f"CI: {message}", pytrace=False) if in_ci() else pytest.skip(message)
    with FigureExporter() as started:
        yield started


@pytest.mark.browser
@pytest.mark.parametrize(("page", "name"), FIGURES)
def test_each_figure_exports_to_svg_and_png_of_the_requested_size(exporter, page, name):
    figure = page_states.page_figure(page, "", name).figure
    svg = exporter.render(figure, "svg", *SIZES["svg"])
    assert svg_size(svg) == SIZES["svg"]
    assert exporter.render(figure, "svg", *SIZES["svg"]) == svg  # the same state gives the same bytes
    width, height = SIZES["png"]
    assert png_size(exporter.render(figure, "png", width, height, scale=2)) == (2 * width, 2 * height)


@pytest.mark.browser
def test_pdf_export_and_an_unknown_format(exporter):
    figure = page_states.page_figure("playground", "", "probs").figure
    assert exporter.render(figure, "pdf", 400, 300).startswith(b"%PDF")
    with pytest.raises(ExportError, match="format"):
        exporter.render(figure, "bmp")


@pytest.mark.browser
def test_a_state_exports_to_the_same_svg_twice_and_another_state_does_not(exporter):
    first = exporter.render(page_states.page_figure("playground", "pg_z0=3", "probs").figure, "svg")
    again = exporter.render(page_states.page_figure("playground", "pg_z0=3", "probs").figure, "svg")
    other = exporter.render(page_states.page_figure("playground", "pg_z0=2.9", "probs").figure, "svg")
    assert first == again != other


@pytest.mark.browser
def test_build_reports_bad_entries_by_name_and_builds_the_others(exporter, tmp_path):
    tables = [
        {"name": "probs", "page": "playground", "state": "pg_z0=3", "figure": "probs", "width": 300},
        {"name": "no-page", "page": "nowhere", "figure": "probs"},
        {"name": "broken-state", "page": "playground", "state": "pg_t=abc", "figure": "probs"},
        {"name": "no-figure", "page": "batch", "figure": "landscape"},
        {"name": "grad", "page": "batch", "state": "bt_ls=0.1", "figure": "gradient", "format": "png"},
    ]
    lines = []
    with Builder(tmp_path, log=lines.append, exporter=exporter) as builder:
        failed = builder.build_all([entry(**table) for table in tables])
    assert [error.name for error in failed] == ["no-page", "broken-state", "no-figure"]
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "grad.json",
        "grad.png",
        "probs.json",
        "probs.svg",
    ]
    assert [line.split(":")[0] for line in lines] == [f"figure {n} of 5" for n in range(1, 6)]
    assert "nowhere" in lines[1] and "pg_t" in lines[2] and "landscape" in lines[3]
    words = json.loads((tmp_path / "probs.json").read_text(encoding="utf-8"))
    probs = torch.softmax(torch.tensor([3.0, 1.0, 0.1]), dim=0).numpy()
    for lang in LANGUAGES:
        assert fmt_vector(probs, 3) in words["caption"][lang]
        assert fmt_vector(np.round(probs, 4)) in words["alt"][lang]
    assert words["link"] == "/?pg_z0=3" and words["state"] == "pg_z0=3"


@pytest.mark.browser
def test_the_command_builds_a_manifest_and_fails_at_the_end_for_a_bad_entry(exporter, tmp_path, capsys):
    manifest = tmp_path / "figures.toml"
    manifest.write_text(
        '[[figure]]\nname = "bad"\npage = "playground"\nstate = "pg_k=99"\nfigure = "probs"\n\n'
        '[[figure]]\nname = "good"\npage = "batch"\nfigure = "softmax"\nformat = "pdf"\n'
    )
    assert main(["build", "--manifest", str(manifest)]) == 1
    out, err = capsys.readouterr()
    assert "figure 1 of 2: bad FAILED" in out and "pg_k" in out and "failed: bad" in err
    assert (tmp_path / "figures" / "good.pdf").read_bytes().startswith(b"%PDF")
    assert main(["list"]) == 0
    assert "playground: logits, probs" in capsys.readouterr().out
