"""topics.gradient (numbers, formulas, words and figures) against torch autograd, finite differences and the
closed forms of the gradient page (p - y, the smoothing minimum, the flat direction)."""

import numpy as np
import plotly.graph_objects as go
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from topics import gradient
from topics.shared import figures, sample
from topics.shared.formatting import fmt
from topics.shared.url_params import read_params

logits_on_the_map = st.floats(*gradient.state.LOGIT_RANGE, allow_subnormal=False)
states = st.builds(
    lambda z1, z2, c, t, eps: gradient.state.state_from_values(
        gradient.state.default_values() | {"gr_z1": z1, "gr_z2": z2, "gr_class": c, "gr_t": t, "gr_eps": eps}
    ),
    logits_on_the_map,
    logits_on_the_map,
    st.integers(0, gradient.state.NUM_CLASSES - 1),
    st.floats(*gradient.state.TEMPERATURE_RANGE),
    st.one_of(st.just(0.0), st.floats(0.01, gradient.state.SMOOTHING_RANGE[1])),
)


def state_with(**changes):
    return gradient.state.state_from_values(gradient.state.default_values() | changes)


def torch_loss_and_grad(rows, state):
    """torch's cross_entropy on rows / T (class index, label smoothing), per row; autograd's dL/dz."""
    z = torch.tensor(np.atleast_2d(rows), dtype=torch.float64, requires_grad=True)
    labels = torch.full((z.shape[0],), state.true_class)
    per_row = F.cross_entropy(
        z / state.temperature, labels, reduction="none", label_smoothing=state.smoothing
    )
    per_row.sum().backward()
    return per_row.detach(), z.grad


# The derivation ----------------------------------------------------------------------------------


@given(states)
def test_both_routes_and_the_chain_rule_end_at_torchs_gradient(oracle, state):
    readout = sample.evaluate(state)
    _, expected = torch_loss_and_grad(state.logits, state)
    oracle.close(readout.gradient, expected[0], "dL/dz = (p - y) / T")
    oracle.close(
        gradient.numbers.chain_rule_gradient(readout, state.temperature), expected[0], "J^T (-y / p) / T"
    )


@given(states)
def test_finite_differences_agree_with_the_formula_to_1e_6(state):
    check = gradient.numbers.finite_difference_check(state)
    assert check.max_difference < 1e-6
    np.testing.assert_allclose(check.analytic, sample.evaluate(state).gradient)


def test_softmax_jacobian_matches_torch_autograd_jacobian(oracle):
    for logits in ([0.0, -1.0, -1.9], [3.0, -2.0, 0.5], [0.0, 0.0, 0.0], [0.0, 6.0, -6.0]):
        s = torch.tensor(logits, dtype=torch.float64)
        expected = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=0), s)
        probs = sample.evaluate(sample.SampleState(logits=tuple(logits))).probs
        oracle.close(gradient.numbers.softmax_jacobian(probs), expected, f"Jacobian at {logits}")
        assert np.allclose(gradient.numbers.softmax_jacobian(probs).sum(axis=1), 0)


def test_derivation_lines_carry_the_seed_numbers():
    state = gradient.state.state_from_values(gradient.state.default_values())
    readout = sample.evaluate(state)
    chain, logsumexp = gradient.formulas.derivation_routes(state, readout)
    chain_text, lse_text = " ".join(chain), " ".join(logsumexp)
    for number in ("0.6590", "0.2424", "0.0986", "-1.5174", "0.2247", "-0.1598", "-0.3410"):
        assert number in chain_text, number  # p, -y/p, J, p - y
    assert "0.4170 - 0.0000 = 0.4170" in lse_text  # logsumexp(s) - s_0 = the loss
    assert "-0.3410" in lse_text
    assert "/" not in chain_text.split("softmax")[0]  # T = 1: no division shown
    line = gradient.formulas.chain_rule_line(readout, 1.0)
    assert "-1.5174" in line and "-0.3410" in line and "p - y" in line


def test_derivation_shows_the_temperature_when_it_is_not_1():
    state = state_with(gr_t=2.0)
    readout = sample.evaluate(state)
    chain, _ = gradient.formulas.derivation_routes(state, readout)
    assert "s = z / 2.00" in chain[0]
    assert " ".join(fmt(v) for v in readout.gradient).split()[0] in chain[1]


# The landscape -----------------------------------------------------------------------------------


@given(states)
def test_landscape_rows_match_torch_autograd(oracle, state):
    rng = np.random.default_rng(0)
    rows = np.column_stack([np.zeros(8), rng.uniform(*gradient.state.LOGIT_RANGE, size=(8, 2))])
    losses, grads = gradient.numbers.batch_loss_and_gradient(rows, state)
    expected_losses, expected_grads = torch_loss_and_grad(rows, state)
    oracle.close(losses, expected_losses, "per-row loss")
    oracle.close(grads, expected_grads, "per-row dL/dz")


def test_landscape_grid_and_arrows_are_the_loss_and_minus_its_gradient(oracle):
    state = state_with(gr_class=2, gr_t=1.5, gr_eps=0.2)
    land = gradient.numbers.landscape(state, 0.5, 10)
    assert land.loss.shape == (gradient.numbers.GRID_POINTS, gradient.numbers.GRID_POINTS)
    z1, z2 = np.meshgrid(land.axis, land.axis)
    rows = np.column_stack([np.zeros(z1.size), z1.ravel(), z2.ravel()])
    expected_losses, _ = torch_loss_and_grad(rows, state)
    oracle.close(land.loss.ravel(), expected_losses, "landscape grid")
    tails = np.column_stack([np.zeros(len(land.arrow_tails)), land.arrow_tails])
    _, expected_grads = torch_loss_and_grad(tails, state)
    oracle.close(land.arrow_steps, -expected_grads[:, 1:], "arrows = -grad")
    assert land.loss[gradient.numbers.GRID_POINTS // 2, gradient.numbers.GRID_POINTS // 2] == pytest.approx(
        sample.evaluate(state_with(gr_class=2, gr_t=1.5, gr_eps=0.2, gr_z1=0.0, gr_z2=0.0)).loss
    )


@given(states, st.floats(0.01, 0.2), st.integers(1, 60))
def test_descent_path_never_goes_up_for_a_small_learning_rate(state, rate, steps):
    # |d2L/dz2| <= 1/(2 T^2) for softmax cross-entropy, so lr <= T^2 keeps every step downhill.
    path = gradient.numbers.descent_path(state, rate * state.temperature**2, steps)
    assert path.points.shape == (steps + 1, 2)
    np.testing.assert_allclose(path.points[0], state.logits[1:])
    assert np.all(np.diff(path.losses) <= 1e-12)


def test_descent_path_steps_against_the_plane_gradient():
    state = state_with(gr_z1=1.0, gr_z2=-2.0)
    path = gradient.numbers.descent_path(state, 0.7, 1)
    step = path.points[1] - path.points[0]
    np.testing.assert_allclose(step, -0.7 * sample.evaluate(state).gradient[1:])


@pytest.mark.parametrize("eps", [0.01, 0.1, 0.3, 0.5])
def test_smoothing_gap_is_the_closed_form_and_p_equals_y_there(eps):
    assert gradient.numbers.smoothing_gap(eps) == pytest.approx(np.log((1 - eps + eps / 3) / (eps / 3)))
    target = sample.target_distribution(state_with(gr_eps=eps))
    assert gradient.numbers.smoothing_gap(eps) == pytest.approx(np.log(target[0] / target[1]))


@pytest.mark.parametrize("true_class", [0, 1, 2])
@pytest.mark.parametrize("eps, temperature", [(0.1, 1.0), (0.3, 0.5), (0.5, 2.0)])
def test_the_gradient_vanishes_at_the_smoothing_minimum(oracle, true_class, eps, temperature):
    state = state_with(gr_class=true_class, gr_eps=eps, gr_t=temperature)
    z1, z2 = gradient.numbers.smoothing_minimum(state)
    logits = np.array([0.0, z1, z2])
    assert logits.max() - np.sort(logits)[1] == pytest.approx(
        temperature * gradient.numbers.smoothing_gap(eps)
    )
    _, grad = torch_loss_and_grad(logits, state)
    oracle.close(np.zeros((1, 3)), grad, "torch's gradient at the smoothing minimum", scale=1e3)


def test_the_landscape_grid_is_lowest_next_to_the_smoothing_minimum():
    state = state_with(gr_class=1, gr_eps=0.3)  # gap log(0.8 / 0.1) = 2.079: inside the square
    land = gradient.numbers.landscape(state, 1.0, 1)
    row, column = np.unravel_index(np.argmin(land.loss), land.loss.shape)
    spacing = land.axis[1] - land.axis[0]
    assert abs(land.axis[column] - land.minimum[0]) <= spacing
    assert abs(land.axis[row] - land.minimum[1]) <= spacing


def test_without_smoothing_there_is_no_minimum():
    assert gradient.numbers.smoothing_gap(0.0) == np.inf
    assert gradient.numbers.smoothing_minimum(state_with(gr_eps=0.0)) is None


@given(states, st.floats(-20, 20))
def test_adding_a_constant_to_every_logit_changes_nothing(state, shift):
    before, after = gradient.numbers.flat_direction_check(state, shift)
    assert after == pytest.approx(before, rel=1e-9, abs=1e-9)


# CE against MSE ----------------------------------------------------------------------------------


@given(states)
def test_mse_on_softmax_matches_torch_mse_loss(oracle, state):
    rows = np.array([state.logits, [0.0, 3.0, -2.0], [-12.0, 1.0, 0.5]])
    target = sample.target_distribution(state)
    loss, grad = gradient.numbers.mse_on_softmax(rows, target, state.temperature)
    z = torch.tensor(rows, requires_grad=True)
    y = torch.tensor(np.tile(target, (3, 1)))
    per_row = F.mse_loss(torch.softmax(z / state.temperature, dim=1), y, reduction="none").mean(dim=1)
    per_row.sum().backward()
    oracle.close(loss, per_row, "MSE on softmax")
    oracle.close(grad, z.grad, "dMSE/dz")
    single = F.mse_loss(torch.softmax(z[0] / state.temperature, dim=0), y[0])
    assert float(single) == pytest.approx(float(loss[0]), rel=1e-12, abs=1e-15)


@given(states)
def test_sweep_current_point_is_the_pages_state(state):
    sweep = gradient.numbers.sweep(state)
    readout = sample.evaluate(state)
    c = state.true_class
    assert sweep.current["z"] == state.logits[c]
    assert sweep.current["ce_loss"] == pytest.approx(readout.loss)
    assert sweep.current["ce_push"] == pytest.approx(-readout.gradient[c])
    assert sweep.current["ce_grad_norm"] == pytest.approx(np.linalg.norm(readout.gradient))
    mse_loss, mse_grad = gradient.numbers.mse_on_softmax(
        np.asarray(state.logits), readout.target, state.temperature
    )
    assert sweep.current["mse_push"] == pytest.approx(-mse_grad[c], abs=1e-15)
    assert (
        sweep.values[0] == gradient.numbers.SWEEP_RANGE[0]
        and sweep.values[-1] == gradient.numbers.SWEEP_RANGE[1]
    )


@given(states)
def test_mse_push_carries_the_factor_p_c_and_ce_push_does_not(state):
    end = gradient.numbers.confidently_wrong(gradient.numbers.sweep(state))
    p_c, y_c = end["true_probs"], sample.target_distribution(state)[state.true_class]
    # CE: -(p_c - y_c) / T.  MSE: p_c (g_c - p.g) / T with |g_c - p.g| <= 4/3, so at most 4/3 p_c / T.
    assert end["ce_push"] == pytest.approx((y_c - p_c) / state.temperature)
    assert abs(end["mse_push"]) <= 4 / 3 * p_c / state.temperature


def test_confidently_wrong_mse_has_almost_no_push_and_ce_almost_full():
    end = gradient.numbers.confidently_wrong(
        gradient.numbers.sweep(gradient.state.state_from_values(gradient.state.default_values()))
    )
    assert end["z"] == -12 and end["true_probs"] < 2e-5
    assert end["ce_push"] > 0.9999 and end["mse_push"] < 2e-5 and end["ratio"] > 5e4


# URL, figures ------------------------------------------------------------------------------------


def test_url_params_accept_the_controls_and_refuse_hostile_values():
    specs = gradient.state.url_specs()
    assert all(spec.key.startswith("gr_") for spec in specs)
    query = {
        "gr_z1": "2.5",
        "gr_z2": "abc",
        "gr_class": "7",
        "gr_t": "1e308",
        "gr_eps": "0.25",
        "gr_lr": "nan",
    }
    valid, refused = read_params(query, specs)
    assert valid == {"gr_z1": 2.5, "gr_eps": 0.25}
    assert sorted(refused) == ["gr_class", "gr_lr", "gr_t", "gr_z2"]


def test_values_for_point_rounds_and_clips_to_the_square():
    assert gradient.state.values_for_point(2.04, -7.3) == {"gr_z1": 2.0, "gr_z2": -6.0}


def test_default_state_is_seed_000_shifted():
    readout = sample.evaluate(gradient.state.state_from_values(gradient.state.default_values()))
    np.testing.assert_allclose(readout.probs, [0.6590, 0.2424, 0.0986], atol=5e-5)
    assert fmt(readout.loss) == "0.4170"


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_page_figures_validate_and_carry_the_states_numbers(lang, theme):
    values = gradient.state.default_values() | {"gr_eps": 0.1, "gr_t": 1.5, "gr_class": 1}
    page = gradient.figures.page_figures(values, lang, theme)
    assert set(page) == {"landscape", "ce_vs_mse", "jacobian"}
    for name, item in page.items():
        validated = go.Figure(item.figure.to_dict())  # raises ValueError on any invalid property
        assert validated.layout.template.layout.paper_bgcolor == figures.THEMES[theme]["paper"]
        assert item.caption and item.alt, name
    state = gradient.state.state_from_values(values)
    assert fmt(sample.evaluate(state).loss) in page["landscape"].alt
    landscape = page["landscape"].figure
    assert (
        list(landscape.layout.xaxis.range)
        == list(gradient.state.LOGIT_RANGE)
        == list(landscape.layout.yaxis.range)
    )
    assert len(landscape.data) <= 6  # contour, arrows, click grid, path, minimum, point
    minimum = next(tr for tr in landscape.data if tr.type == "scatter" and tr.marker.symbol == "x-thin-open")
    assert minimum.x[0] == pytest.approx(1.5 * gradient.numbers.smoothing_gap(0.1))
    jacobian = page["jacobian"].figure.data[0]
    assert (jacobian.zmin, jacobian.zmax) == (
        -gradient.figures.JACOBIAN_LIMIT,
        gradient.figures.JACOBIAN_LIMIT,
    )
    assert list(page["ce_vs_mse"].figure.layout.xaxis.range) == list(gradient.numbers.SWEEP_RANGE)


def test_arrow_heads_point_along_minus_the_gradient():
    land = gradient.numbers.landscape(state_with(gr_class=1), 1.0, 1)
    arrows = gradient.figures._arrows(land, "#000")
    angles = np.asarray(arrows["marker"]["angle"])[1::3]
    expected = np.degrees(np.arctan2(land.arrow_steps[:, 0], land.arrow_steps[:, 1]))
    np.testing.assert_allclose(angles, expected)
