"""topics.playground, the shared pieces it stands on (sample, url_params, i18n, formatting, figures), and
its check."""

import re
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import pytest
import torch

from snippet_runner import printed_by
from topics import playground
from topics.shared import figures, sample
from topics.shared.formatting import fmt, fmt_signed
from topics.shared.i18n import STRINGS, normalise_language, placeholders, text
from topics.shared.url_params import read_params

REPO = Path(__file__).resolve().parents[2]


def torch_loss_and_grad(state):
    """The independent oracle: torch on z / T with the same target, autograd for the gradient."""
    logits = torch.tensor(state.logits, dtype=torch.float64, requires_grad=True)
    target, smoothing = sample.loss_arguments(state)
    target = torch.tensor(target) if target.ndim == 0 else torch.tensor(target, dtype=torch.float64)
    loss = torch.nn.functional.cross_entropy(logits / state.temperature, target, label_smoothing=smoothing)
    loss.backward()
    return loss.item(), logits.grad.numpy()


STATES = [
    sample.SampleState(),
    sample.SampleState(logits=(0.5, -3.0, 2.2, 9.9), true_class=3, temperature=0.3),
    sample.SampleState(logits=(1.0, 2.0), target_kind="smoothed", smoothing=0.25, temperature=4.0),
    sample.SampleState(logits=(-10.0, 10.0, 0.0), target_kind="soft", soft_weights=(0.2, 0.0, 0.6)),
]


@pytest.mark.parametrize("state", STATES)
def test_readout_matches_torch(state):
    readout = sample.evaluate(state)
    loss, grad = torch_loss_and_grad(state)
    assert readout.loss == pytest.approx(loss, rel=1e-12)
    np.testing.assert_allclose(readout.gradient, grad, atol=1e-12)
    np.testing.assert_allclose(
        readout.gradient, (readout.probs - readout.target) / state.temperature, atol=1e-12
    )
    assert readout.loss == pytest.approx(readout.logsumexp - readout.target_logit, rel=1e-12)


def test_seed_state_shows_the_seed_numbers():
    readout = sample.evaluate(sample.SampleState())
    np.testing.assert_allclose(readout.probs, [0.6590, 0.2424, 0.0986], atol=5e-5)
    assert fmt(readout.loss) == "0.4170"
    lines = playground.formulas.formula_lines(sample.SampleState(), readout)
    assert r"-\log(0.6590)" in lines[0] and "0.4170" in lines[0]
    assert "2.4170 - 2.0000" in lines[1]


def test_soft_weights_are_normalised_and_all_zero_means_uniform():
    state = sample.SampleState(target_kind="soft", soft_weights=(2.0, 1.0, 1.0))
    np.testing.assert_allclose(sample.target_distribution(state), [0.5, 0.25, 0.25])
    uniform = sample.SampleState(target_kind="soft", soft_weights=(0.0, 0.0, 0.0))
    np.testing.assert_allclose(sample.target_distribution(uniform), [1 / 3] * 3)


def test_one_step_moves_against_the_gradient_and_lowers_the_loss():
    state = sample.SampleState()
    values, (before, after, clipped) = playground.numbers.values_after_step(state, 1.0)
    expected = np.round(np.asarray(state.logits) - sample.evaluate(state).gradient, 1)
    np.testing.assert_allclose([values[f"pg_z{i}"] for i in range(3)], expected)
    assert after < before and not clipped


def test_descent_path_loss_never_increases_for_a_small_learning_rate():
    path = playground.numbers.descent_path(STATES[1], learning_rate=0.05, steps=50)
    assert np.all(np.diff(path.losses) <= 1e-12)
    np.testing.assert_allclose(path.probs.sum(axis=1), 1)


def test_url_params_accept_valid_values_and_refuse_hostile_ones():
    specs = playground.state.url_specs()
    query = {
        "pg_k": "4",
        "pg_z0": "3.46",
        "pg_target": "soft",
        "pg_t": "2",
        "pg_z1": "abc",
        "pg_z2": "1e308",
        "pg_class": "1.5",
        "pg_eps": "nan",
        "pg_lr": "9" * 60,
        "pg_steps": "-3",
        "unrelated": "x",
    }
    valid, refused = read_params(query, specs)
    assert valid == {"pg_k": 4, "pg_z0": 3.5, "pg_target": "soft", "pg_t": 2.0}
    assert sorted(refused) == sorted(["pg_z1", "pg_z2", "pg_class", "pg_eps", "pg_lr", "pg_steps"])
    assert playground.state.inconsistent_values({"pg_k": 3, "pg_class": 7}) == ["pg_class"]


def test_every_language_has_the_same_keys_and_placeholders():
    english = STRINGS["en"]
    for lang, table in STRINGS.items():
        assert table.keys() == english.keys(), lang
        for key, template in table.items():
            assert placeholders(template) == placeholders(english[key]), (lang, key)


def test_every_string_key_used_in_the_code_exists():
    used = set()
    for path in [
        *REPO.glob("pages/*.py"),
        *REPO.glob("ui/*.py"),
        *REPO.glob("topics/**/*.py"),
        REPO / "app.py",
    ]:
        used |= set(
            re.findall(
                r"""\bt(?:ext)?\((?:lang, |current_language\(\), )?["']([a-z]+\.[\w.]+)["']""",
                path.read_text(),
            )
        )
    used |= {f"pg.target.{kind}" for kind in playground.state.TARGET_KINDS}
    assert used, "the pattern found no keys: update it"
    assert used <= STRINGS["en"].keys(), used - STRINGS["en"].keys()


@pytest.mark.parametrize(
    "code, expected", [("zh-CN", "zh"), ("zh_TW", "zh"), ("en-US", "en"), (None, "en"), ("fr", "en")]
)
def test_language_follows_the_browser_locale(code, expected):
    assert normalise_language(code) == expected


def test_formatting():
    assert fmt(0.41703) == "0.4170"
    assert fmt(-0.00001) == "-1.000e-05"
    assert fmt(-0.0) == "0.0000" and fmt(-0.00004, 4) != "-0.0000"
    assert fmt(float("nan")) == "NaN" and fmt(float("inf")) == "∞"
    assert fmt(123456.0) == "1.235e+05"
    assert fmt_signed(0.5) == "+0.5000" and fmt_signed(-0.5) == "-0.5000"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figures_have_fixed_axes_an_explicit_template_and_mark_the_true_class(lang):
    readout = sample.evaluate(sample.SampleState())
    probs = playground.figures.probability_figure(readout.probs, readout.target, 0, lang)
    assert list(probs.layout.yaxis.range) == [0, 1.12]
    assert probs.layout.template.layout.font.family == figures.FONT  # resolved from the named template
    assert probs.data[0].marker.pattern.shape[0] == "/"
    assert probs.data[0].x[0] == text(lang, "fig.true_label", index=0) == "★0"
    logits = playground.figures.logits_figure(readout.logits, 0, lang)
    assert list(logits.layout.yaxis.range) == [-10.5, 10.5]
    gradient = playground.figures.gradient_figure(readout.gradient, 1.0, lang)
    colours = gradient.data[0].marker.color
    assert colours[0] == figures.RAISE_COLOUR and colours[1] == figures.LOWER_COLOUR
    assert "0.6590" in playground.figures.probability_alt(readout.probs, readout.target, readout.loss, lang)


def every_figure(lang, theme):
    state = sample.SampleState(logits=(2.0, -11.0, 0.1, 4.0), true_class=1)
    readout = sample.evaluate(state)
    path = playground.numbers.descent_path(state, 0.5, 10)
    return [
        playground.figures.logits_figure(readout.logits, 1, lang, theme),
        playground.figures.probability_figure(readout.probs, readout.target, None, lang, theme),
        playground.figures.gradient_figure(readout.gradient, 0.5, lang, theme),
        playground.figures.loss_path_figure(path, lang, theme),
        playground.figures.probability_path_figure(path, 1, lang, theme),
    ]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_figure_passes_plotlys_validation_and_carries_the_template(lang, theme):
    """The builders skip Plotly's validation for speed; here every output is rebuilt with it on."""
    for figure in every_figure(lang, theme):
        validated = go.Figure(figure.to_dict())  # raises ValueError on any invalid property
        assert validated.layout.template.layout.paper_bgcolor == figures.THEMES[theme]["paper"]
        assert validated.layout.height >= figures.CHART_HEIGHT


def test_torch_check_agrees_with_core():
    for state in STATES:
        result = playground.check.torch_rows(state)[0]
        readout = sample.evaluate(state)
        assert result.loss == pytest.approx(readout.loss, rel=1e-12)
        np.testing.assert_allclose(result.gradient, readout.gradient, atol=1e-12)
        assert result.agrees and result.dtype == "float64"


def test_keras_check_agrees_with_core_to_float32():
    for state in STATES:
        result = playground.check.keras_rows(state)[0]
        readout = sample.evaluate(state)
        assert result.core_loss == readout.loss and result.dtype == "float32"
        assert result.agrees, result  # core.agreement's float32 rule, as the panel says


@pytest.mark.parametrize("state", STATES)
def test_generated_torch_snippet_runs_and_prints_the_pages_numbers(state):
    snippet = playground.snippets.torch_snippet(state)
    output = printed_by(snippet)
    readout = sample.evaluate(state)
    assert f"loss = {readout.loss:.4f}" in output
    printed_gradient = re.search(r"gradient = \[(.*)\]", output).group(1)
    np.testing.assert_allclose([float(g) for g in printed_gradient.split(",")], readout.gradient, atol=6e-5)


def test_drag_data_carries_the_state_and_the_figures_labels_and_colours():
    state = sample.SampleState(
        logits=(1.0, -2.0, 0.5, 3.0), target_kind="smoothed", true_class=2, smoothing=0.2, temperature=0.5
    )
    data = playground.figures.drag_data(state, "zh")
    assert data["logits"] == [1.0, -2.0, 0.5, 3.0] and data["temperature"] == 0.5
    assert data["targetKind"] == "smoothed" and data["trueClass"] == 2 and data["smoothing"] == 0.2
    assert data["labels"] == figures.class_labels(4, None, "zh")
    assert data["trueLabels"][2] == figures.class_labels(4, 2, "zh")[2]
    assert data["colours"] == figures.PALETTE[:4]
    assert data["text"]["valueText"] == "{z},概率 {p}"
    assert "{lse}" in data["text"]["lossTerms"] and "{kl}" in data["text"]["klLine"]
    soft = playground.figures.drag_data(sample.SampleState(target_kind="soft", soft_weights=(1, 1, 2)))
    assert soft["trueClass"] is None and soft["weights"] == [1.0, 1.0, 2.0]
    assert "★" not in "".join(soft["labels"])


@pytest.mark.parametrize(
    "sent, expected",
    [
        (
            {"logits": [2.04, 1, 0], "weights": [0.504, 0.3, 0.2], "trueClass": 2, "temperature": 2.04},
            {"pg_k": 3, "pg_z0": 2.0, "pg_z1": 1.0, "pg_z2": 0.0, "pg_y0": 0.5, "pg_y1": 0.3, "pg_y2": 0.2}
            | {"pg_class": 2, "pg_t": 2.0},
        ),
        ({"smoothing": 0.337, "trueClass": None}, {"pg_eps": 0.34}),
        ({"weights": [0.5, 0.5], "trueClass": 3, "temperature": 0.0, "smoothing": 1.5}, {}),  # stale or out
        ({"weights": [0.5, float("nan"), 0.1], "trueClass": 1.5, "temperature": True}, {}),
        ({"weights": [0.5, -0.1, 0.1], "trueClass": "1", "temperature": "2"}, {}),
        ([1.0, 2.0, 3.0], {}),
        (None, {}),
    ],
)
def test_a_release_of_the_live_controls_sets_only_valid_values(sent, expected):
    assert playground.state.dragged(sent, 3).values == expected


@pytest.mark.parametrize(
    "sent, expected",
    [
        ([2.04, -11.0, 0.1], {"pg_k": 3, "pg_z0": 2.0, "pg_z1": -10.0, "pg_z2": 0.1}),
        ([1, 2, 3], {"pg_k": 3, "pg_z0": 1.0, "pg_z1": 2.0, "pg_z2": 3.0}),
        ([1.0, 2.0], {}),  # a stale message from before K changed
        ([1.0, True, 0.0], {}),
        ([1.0, "2", 0.0], {}),
        ([1.0, float("inf"), 0.0], {}),
        (None, {}),
        ("1, 2, 3", {}),
    ],
)
def test_values_from_drag_rounds_and_clips_and_refuses_anything_else(sent, expected):
    assert playground.state.values_from_drag(sent, 3) == expected
