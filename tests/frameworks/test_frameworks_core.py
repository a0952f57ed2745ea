"""The frameworks page's core: every card, table row and difference against the real torch and Keras.

Each snippet the page shows is executed here in a fresh namespace: its variables (the buggy and the
fixed loss, the tensors) are the framework's own values, compared with core through the `oracle`
fixture, and its printout is compared with the numbers the page shows.
"""

import importlib.util

import numpy as np
import plotly.graph_objects as go
import pytest

from snippet_runner import run_snippet
from topics import frameworks
from topics.shared import checks, inputs, snippets
from topics.shared.url_params import read_params

HAS_KERAS = importlib.util.find_spec("keras") is not None
STATES = {
    "seed": frameworks.state.FrameworkState(),
    "wide": frameworks.state.FrameworkState(
        logits=((-1.5, 0.25, 3.0, 0.5), (2.0, -0.5, 1.0, 4.0), (0.0, 0.0, 0.0, 0.0)),
        labels=(3, 0, 1),
        weight=(0.5, 1.0, 3.0, 2.0),
        big_logit=12.5,
    ),
}
LEAVES = {"bce_probs": "y_pred", "bce_saturation": "logit"}  # the tensor each snippet differentiates
SNIPPET_TOLERANCE = 2e-5  # printed to 6 decimals from float32 tensors


def assert_printed(output, expected):
    """Every (name, what) the page expects is printed, with the same numbers."""
    printed = snippets.parse_report(output)
    for key, values in expected.items():
        assert key in printed, f"{key} not printed in:\n{output}"
        want = np.ravel(np.asarray(values, dtype=float))
        got = printed[key]
        assert got.shape == want.shape, (key, got, want)
        assert np.allclose(got, want, rtol=SNIPPET_TOLERANCE, atol=SNIPPET_TOLERANCE, equal_nan=True), (
            key,
            got,
            want,
        )


def cards(state):
    return {card.key: card for card in frameworks.mistakes.all_mistakes(state)}


# Acceptance numbers from the seed articles (000 and the Keras example).


def test_seed_batch_keras_from_logits_false_gives_1_3359_instead_of_1_2288():
    card = cards(STATES["seed"])["keras_from_logits"]
    assert f"{card.written.loss:.4f}" == "1.3359"
    assert f"{card.meant.loss:.4f}" == "1.2288"


def test_seed_001_probabilities_through_bce_with_logits():
    card = cards(STATES["seed"])["bce_probs"]
    assert f"{card.written.loss:.4f}" == "0.5035"  # what seed 001's code prints
    assert f"{card.meant.loss:.4f}" == "0.1839"


# Each card against the framework, by running the card's own snippet.


@pytest.mark.parametrize("state_name", STATES)
@pytest.mark.parametrize("build", frameworks.mistakes.CARDS, ids=lambda build: build.__name__)
def test_card_values_and_gradients_equal_the_real_framework_call(build, state_name, oracle, torch_cpu):
    card = build(STATES[state_name])
    if card.framework == "Keras":
        if not HAS_KERAS:
            pytest.skip("keras not installed")
        check_keras_card(card, STATES[state_name], oracle, torch_cpu)
        return
    namespace, output = run_snippet(card.snippet)
    leaf = namespace[LEAVES.get(card.key, "logits")]
    for outcome, variable in ((card.written, "wrong"), (card.meant, "fixed")):
        loss = namespace[variable]
        (grad,) = torch_cpu.autograd.grad(loss, leaf)
        oracle.close(outcome.loss, loss, f"{card.key} {variable} loss", dtype=np.float32, check_dtype=False)
        oracle.close(
            outcome.gradient, grad, f"{card.key} {variable} grad", dtype=np.float32, check_dtype=False
        )
    assert_printed(output, card.printed())


def check_keras_card(card, state, oracle, torch):
    """The Keras card: its snippet's losses, and Keras's gradient through the torch backend."""
    import keras

    namespace, output = run_snippet(card.snippet)
    assert_printed(output, card.printed())
    logits = torch.tensor(state.z, dtype=torch.float32, requires_grad=True)
    y_true = torch.tensor(state.onehot, dtype=torch.float32)
    for outcome, variable, from_logits in ((card.written, "wrong", False), (card.meant, "fixed", True)):
        oracle.close(outcome.loss, namespace[variable], f"{card.key} {variable}", check_dtype=False)
        loss = keras.losses.CategoricalCrossentropy(from_logits=from_logits)(y_true, logits)
        (grad,) = torch.autograd.grad(loss, logits)
        oracle.close(outcome.gradient, grad, f"{card.key} {variable} grad")


def test_double_softmax_floor_is_the_loss_of_a_perfect_one_hot_input(torch_cpu):
    import torch.nn.functional as F

    card = cards(STATES["wide"])["double_softmax"]
    perfect = torch_cpu.eye(4, dtype=torch_cpu.float64)[:1]
    floor = F.cross_entropy(perfect, torch_cpu.tensor([0])).item()
    assert card.facts["floor"] == f"{floor:.4f}"
    assert card.gradient_ratio < 1  # the gradient shrinks


def test_bce_saturation_is_the_clamp_and_a_zero_gradient_past_float32_rounding():
    saturated = cards(frameworks.state.FrameworkState(big_logit=20.0))["bce_saturation"]
    assert saturated.written.loss == 100.0
    assert np.all(saturated.written.gradient == 0)
    assert saturated.meant.loss == pytest.approx(20.0)
    below = cards(frameworks.state.FrameworkState(big_logit=5.0))["bce_saturation"]
    assert below.written.loss == pytest.approx(below.meant.loss, rel=1e-4)


def test_kl_mean_is_batchmean_divided_by_the_number_of_classes():
    card = cards(STATES["wide"])["kl_mean"]
    assert card.written.loss == pytest.approx(card.meant.loss / 4)


def test_every_card_has_a_symptom_the_finder_offers_and_the_filter_finds_it():
    all_cards = frameworks.mistakes.all_mistakes(STATES["seed"])
    assert len(all_cards) >= 9
    for card in all_cards:
        assert set(card.symptoms) <= set(frameworks.state.SYMPTOMS[1:])
        for symptom in card.symptoms:
            assert card in frameworks.mistakes.matching(all_cards, symptom)
    assert frameworks.mistakes.matching(all_cards, "all") == all_cards
    assert all(
        frameworks.mistakes.matching(all_cards, s) for s in frameworks.state.SYMPTOMS
    )  # no symptom leads nowhere


# The agreement table


@pytest.mark.parametrize("state_name", STATES)
def test_api_rows_agree_with_each_other_and_with_the_frameworks(state_name, oracle, torch_cpu):
    state = STATES[state_name]
    rows = frameworks.apis.api_rows(state)
    reference = frameworks.apis.reference_value(rows)
    for row in rows:
        assert abs(row.value - reference) <= 1e-6 * max(1, abs(reference)), row.key
        assert row.agrees_with(reference)
        if row.framework == "Keras" and not HAS_KERAS:
            continue
        namespace, output = run_snippet(row.snippet)
        dtype = np.float32 if row.framework != "NumPy" else np.float64
        framework_loss = namespace["loss"]
        framework_loss = framework_loss.item() if hasattr(framework_loss, "item") else framework_loss
        oracle.close(row.value, np.asarray(framework_loss), row.key, dtype=dtype, check_dtype=False)
        assert_printed(output, {("loss", "loss"): row.value})


def test_api_check_live_values_match_core(torch_cpu):
    state = STATES["wide"]
    core_values = {row.call: row.value for row in frameworks.apis.api_rows(state)}
    live = frameworks.check.torch_rows(state) + (frameworks.check.keras_rows(state) if HAS_KERAS else [])
    assert {row.call for row in live} <= set(core_values)
    assert all(row.core_loss == core_values[row.call] and row.agrees for row in live)
    assert not checks.CheckRow("PyTorch", "x", 1.0, 1.001, None, None, "float64").agrees


# PyTorch against Keras


@pytest.mark.parametrize("state_name", STATES)
def test_difference_rows_are_what_each_framework_returns(state_name, oracle, torch_cpu):
    for row in frameworks.differences.diff_rows(STATES[state_name]):
        namespace, output = run_snippet(row.torch_snippet)
        oracle.close(
            row.torch_value, namespace["value"], f"{row.key} torch", dtype=np.float32, check_dtype=False
        )
        assert_printed(output, {("PyTorch", "loss"): row.torch_value})
        if HAS_KERAS:
            namespace, output = run_snippet(row.keras_snippet)
            oracle.close(row.keras_value, namespace["value"], f"{row.key} keras", check_dtype=False)
            assert_printed(output, {("Keras", "loss"): row.keras_value})


def test_difference_rows_really_differ_on_the_seed_batch():
    for row in frameworks.differences.diff_rows(STATES["seed"]):
        assert abs(row.torch_value - row.keras_value) > 1e-3, row.key


# State, URL and input


def test_bad_url_values_are_refused_and_inconsistent_ones_reset():
    specs = frameworks.state.url_specs()
    _, refused = read_params({"fw_logits": "1,nan;2,3", "fw_labels": "-1", "fw_big": "1e308"}, specs)
    assert set(refused) == {"fw_logits", "fw_labels", "fw_big"}
    defaults = {spec.key: spec.default for spec in specs}
    assert frameworks.state.inconsistent_values(defaults) == []
    assert frameworks.state.inconsistent_values({**defaults, "fw_labels": (0, 3)}) == [
        "fw_logits",
        "fw_labels",
        "fw_weight",
    ]
    assert frameworks.state.inconsistent_values({**defaults, "fw_weight": (1.0, 1.0)})


def test_read_batch_parses_torch_text_and_names_problems():
    current = {"fw_labels": (0, 2)}
    new = frameworks.inputs.read_batch("tensor([[1., 2.], [3., 4.], [0., 1.]])", "[1, 0, 1]", "", current)
    assert new == {
        "fw_logits": ((1.0, 2.0), (3.0, 4.0), (0.0, 1.0)),
        "fw_labels": (1, 0, 1),
        "fw_weight": (1.0, 2.0),
    }
    for logits, labels, weight, kind in (
        ("[[1, 2], [3, nan]]", "[0, 1]", "", "paste_logits"),
        ("[[1, 2], [3, 4]]", "[0, 5]", "", "label_range"),
        ("[[1, 2], [3, 4]]", "[0, -1]", "", "fw.problem.label_negative"),
        ("[[1, 2], [3, 4]]", "[0, 1]", "1, 2, 3", "weight_count"),
        ("[[1, 2], [3, 4]]", "[0, 1]", "0, 0", "fw.problem.weight_zero"),
        ("__import__('os')", "[0]", "", "paste_logits"),
    ):
        with pytest.raises(inputs.InputError) as error:
            frameworks.inputs.read_batch(logits, labels, weight, current)
        assert error.value.problems[0].kind == kind


# Figures


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_figures_have_fixed_ranges_alt_text_and_validate(lang):
    values = {spec.key: spec.default for spec in frameworks.state.url_specs()}
    result = frameworks.figures.page_figures(values, lang=lang, theme="dark")
    assert set(result) == {"mistakes", "saturation"}
    for page_figure in result.values():
        go.Figure(page_figure.figure.to_dict())  # Plotly's validation
        layout = page_figure.figure.layout
        assert layout.xaxis.range is not None
        assert page_figure.caption and page_figure.alt
    assert "1.3359" in result["mistakes"].alt
    assert "100.0000" in result["saturation"].alt
    assert list(result["saturation"].figure.layout.yaxis.range) == [0, frameworks.figures.SATURATION_TOP]


def test_nice_bound_moves_in_steps():
    values = (0.3, 1.2, 2.0, 2.25, 7, 100, 101, -1234, float("nan"))
    bounds = [frameworks.figures.nice_bound(v) for v in values]
    assert bounds == pytest.approx([1, 1.5, 2, 3, 8, 100, 150, 1500, 1])
