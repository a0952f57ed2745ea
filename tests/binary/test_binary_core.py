"""topics.binary (numbers, figures, inputs, check and snippets) against the real torch and Keras.

Every number the binary page shows is compared with the framework call it stands for, in float32 as the
page computes it; seed 001's and 002's printed numbers are acceptance checks at 4 decimals; the snippets
are executed and what they print is compared with the page's numbers.
"""

import base64
import os

import numpy as np
import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st

from core import losses
from snippet_runner import printed_by
from topics import binary
from topics.shared.formatting import fmt
from topics.shared.i18n import LANGUAGES
from topics.shared.inputs import InputError
from topics.shared.url_params import read_params

F32 = np.float32
logits = st.floats(-10, 10, allow_nan=False).map(lambda v: round(v, 2))
labels = st.integers(0, 100).map(lambda k: k / 100)
pos_weights = st.integers(1, 100).map(lambda k: k / 10)
smoothings = st.sampled_from([0.0, 0.1, 0.25, 1.0])


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "torch")
    import keras

    return keras


def torch_losses(torch, z, p, y, pos_weight):
    """(BCEWithLogitsLoss(pos_weight)(z, y), dL/dz, BCELoss(p, y), dL/dp) by the real torch, float32."""
    z_leaf = torch.tensor([z], dtype=torch.float32, requires_grad=True)
    p_leaf = torch.tensor([p], dtype=torch.float32, requires_grad=True)
    target = torch.tensor([y], dtype=torch.float32)
    with_logits = torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor([pos_weight]))(z_leaf, target)
    on_probs = torch.nn.BCELoss()(p_leaf, target)
    with_logits.backward()
    on_probs.backward()
    return with_logits, z_leaf.grad[0], on_probs, p_leaf.grad[0]


def keras_loss(keras, torch, y, pred, from_logits, smoothing=0.0):
    loss = keras.losses.BinaryCrossentropy(from_logits=from_logits, label_smoothing=smoothing)
    return loss(torch.tensor([[y]], dtype=torch.float32), torch.tensor([[pred]], dtype=torch.float32))


# ---------------------------------------------------------------------------------------------------
# The readouts
# ---------------------------------------------------------------------------------------------------


@given(z=logits, y=labels, pos_weight=pos_weights, smoothing=smoothings)
def test_logit_form_readouts_equal_torch_and_keras(oracle, torch_cpu, keras, z, y, pos_weight, smoothing):
    torch = torch_cpu
    state = binary.state.BinaryState(form="logit", z=z, y=y, pos_weight=pos_weight, smoothing=smoothing)
    readout = binary.numbers.evaluate(state)
    p = torch.sigmoid(torch.tensor([z], dtype=torch.float32))[0].item()
    oracle.close(F32(readout.p), F32(p), "float32 sigmoid")
    with_logits, grad_z, on_probs, grad_p = torch_losses(torch, z, p, y, pos_weight)
    oracle.close(F32(readout.bce_logits), with_logits, "BCEWithLogitsLoss")
    oracle.close(F32(readout.bce_probs), on_probs, "BCELoss on sigmoid(z)")
    oracle.close(F32(readout.grad_z), grad_z, "dL/dz", scale=max(1.0, pos_weight))
    oracle.close(F32(readout.grad_p), grad_p, "dL/dp")
    oracle.close(F32(readout.keras_logits), keras_loss(keras, torch, y, z, True, smoothing), "Keras logits")
    oracle.close(F32(readout.keras_probs), keras_loss(keras, torch, y, p, False, smoothing), "Keras probs")


@pytest.mark.parametrize("p, y", [(0.0, 1.0), (1.0, 0.0), (0.0, 0.0), (1.0, 1.0), (0.0, 0.92), (0.5, 0.3)])
def test_probability_form_readouts_including_exact_0_and_1(oracle, torch_cpu, keras, p, y):
    torch = torch_cpu
    readout = binary.numbers.evaluate(binary.state.BinaryState(form="prob", p=p, y=y))
    z = torch.logit(torch.tensor([p], dtype=torch.float32))[0].item()
    assert readout.z == z or (np.isinf(z) and readout.z == z)
    with_logits, _, on_probs, grad_p = torch_losses(torch, z, p, y, 1.0)
    oracle.close(F32(readout.bce_probs), on_probs, "BCELoss")
    oracle.close(F32(readout.bce_logits), with_logits, "BCEWithLogitsLoss on logit(p) (NaN at the ends)")
    oracle.close(F32(readout.grad_p), grad_p, "dL/dp")
    oracle.close(F32(readout.keras_probs), keras_loss(keras, torch, y, p, False), "Keras probs")


def test_bce_at_p_0_and_1_is_torchs_100_and_keras_clips():
    assert binary.numbers.evaluate(binary.state.BinaryState(form="prob", p=0.0, y=1.0)).bce_probs == 100.0
    assert binary.numbers.evaluate(binary.state.BinaryState(form="prob", p=1.0, y=0.0)).bce_probs == 100.0
    assert (
        fmt(binary.numbers.evaluate(binary.state.BinaryState(form="prob", p=0.0, y=1.0)).keras_probs)
        == "16.1181"
    )


def test_floor_plus_kl_is_the_bce_and_kl_is_zero_at_p_equal_y(torch_cpu):
    readout = binary.numbers.evaluate(binary.state.BinaryState(form="prob", p=0.3, y=0.3))
    assert readout.kl == pytest.approx(0.0, abs=1e-6)
    assert readout.floor + readout.kl == pytest.approx(readout.bce_probs)
    y = torch_cpu.tensor([0.3], dtype=torch_cpu.float64)
    assert readout.floor == pytest.approx(torch_cpu.nn.BCELoss()(y, y).item(), rel=1e-6)


def test_logit_and_probability_controls_are_linked_through_the_sigmoid():
    assert binary.state.prob_for_logit(2.35) == 0.913
    assert binary.state.logit_for_prob(0.913) == 2.35
    low, high = binary.state.LOGIT_RANGE  # p = 0 or 1: z is held at the ends of the z slider
    assert binary.state.logit_for_prob(0.0) == low and binary.state.logit_for_prob(1.0) == high
    for z in (-3.0, -1.0, 0.0, 0.42, 3.0):  # p is on a 0.001 grid: far out, a round trip loses digits
        assert abs(binary.state.logit_for_prob(binary.state.prob_for_logit(z)) - z) < 0.03


def test_logit_is_torch_logit(oracle, torch_cpu):
    p = np.array([0.0, 1e-6, 0.25, 0.5, 0.913, 1.0], F32)
    oracle.close(losses.logit(p), torch_cpu.logit(torch_cpu.tensor(p)), "logit")


def test_formula_lines_carry_the_readouts_numbers():
    state = binary.state.BinaryState(pos_weight=3.0)
    readout = binary.numbers.evaluate(state)
    probs, logits = binary.formulas.formula_lines(readout, state)
    assert fmt(readout.bce_probs) in probs and fmt(readout.p) in probs
    assert fmt(readout.bce_logits) in logits and "(w-1)" in logits


# ---------------------------------------------------------------------------------------------------
# The ends
# ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("far", [1, 10, 17, 20, 50, 100])
def test_the_ends_equal_torch_and_keras_in_float32(oracle, torch_cpu, keras, far):
    torch = torch_cpu
    p0, p1, z_pos, z_neg = binary.numbers.ends(far)
    for case in (p0, p1):
        p = torch.tensor([case.p], dtype=torch.float32)
        oracle.close(F32(case.torch_probs), torch.nn.BCELoss()(p, torch.tensor([case.y])), case.kind)
        oracle.close(F32(case.keras_probs), keras_loss(keras, torch, case.y, case.p, False), case.kind)
    for case in (z_pos, z_neg):
        z = torch.tensor([case.z], dtype=torch.float32, requires_grad=True)
        y = torch.tensor([case.y], dtype=torch.float32)
        with_logits = torch.nn.BCEWithLogitsLoss()(z, y)
        with_logits.backward()
        oracle.close(F32(case.torch_logits), with_logits, f"{case.kind}: BCEWithLogitsLoss")
        oracle.close(F32(case.grad_logits), z.grad[0], f"{case.kind}: dL/dz via logits")
        z.grad = None
        p = torch.sigmoid(z)
        oracle.close(F32(case.p), p[0], f"{case.kind}: float32 sigmoid", check_dtype=False)
        assert (case.p == 1.0) == (p.item() == 1.0)  # saturated in both or in neither
        on_probs = torch.nn.BCELoss()(p, y)
        on_probs.backward()
        oracle.close(F32(case.torch_probs), on_probs, f"{case.kind}: BCELoss(sigmoid(z))")
        oracle.close(F32(case.grad_probs), z.grad[0], f"{case.kind}: dL/dz via BCELoss(sigmoid(z))")
        oracle.close(F32(case.keras_logits), keras_loss(keras, torch, case.y, case.z, True), case.kind)
        oracle.close(F32(case.keras_probs), keras_loss(keras, torch, case.y, case.p, False), case.kind)
        oracle.close(case.exact, torch.nn.BCEWithLogitsLoss()(z.double(), y.double()), "exact (float64)")


def test_the_ends_tell_the_issues_story():
    p0, p1, z_pos, z_neg = binary.numbers.ends(20)
    assert p0.torch_probs == p1.torch_probs == 100.0
    assert fmt(p0.keras_probs) == "16.1181"  # -log(1e-7)
    assert fmt(p1.keras_probs) == "15.9424"  # -log(1 - float32(1 - 1e-7))
    assert z_pos.p == 1.0 and z_pos.torch_logits == 20.0 and z_pos.torch_probs == 100.0
    assert z_pos.grad_logits == 1.0 and z_pos.grad_probs == 0.0  # saturated: no gradient at all
    assert z_neg.torch_probs == pytest.approx(20.0, rel=1e-6)  # float32 holds sigmoid(-20)
    far_neg = binary.numbers.ends(100)[3]
    assert far_neg.kind == "z_neg_zero" and far_neg.p == 0.0 and far_neg.torch_probs == 100.0
    assert far_neg.grad_probs == 0.0 and far_neg.grad_logits == -1.0


# ---------------------------------------------------------------------------------------------------
# Seeds 001 and 002
# ---------------------------------------------------------------------------------------------------


def test_seed_002_puzzle(oracle, torch_cpu):
    hard, soft = binary.numbers.puzzle()
    pred = torch_cpu.tensor([binary.numbers.PUZZLE_PRED])
    for row in (hard, soft):
        oracle.close(F32(row.bce), torch_cpu.nn.BCELoss()(pred, torch_cpu.tensor([row.label])), "puzzle BCE")
    assert hard.bce < soft.bce  # the puzzle
    assert soft.kl < hard.kl  # its answer
    assert (fmt(hard.bce), fmt(soft.bce), fmt(soft.floor)) == ("0.0913", "0.2791", "0.2788")


def test_seed_002_pair_is_0_4217_three_ways(oracle, torch_cpu):
    pair = binary.numbers.seed_pair()
    z = torch_cpu.tensor(binary.numbers.SEED_PAIR_LOGITS)
    probs = torch_cpu.softmax(z, dim=0)
    oracle.close(pair.probs, probs, "softmax")
    oracle.close(F32(pair.bce), torch_cpu.nn.BCELoss()(probs, torch_cpu.tensor([0.0, 1.0])), "BCE")
    oracle.close(F32(pair.cross_entropy), torch_cpu.nn.CrossEntropyLoss()(z, torch_cpu.tensor(1)), "CE")
    assert fmt(pair.bce) == fmt(pair.cross_entropy) == fmt(pair.bce_logits) == "0.4217"


def test_seed_001_mistake(oracle, torch_cpu):
    result = binary.numbers.mistake()
    p, y = torch_cpu.tensor(binary.numbers.MISTAKE_PROBS), torch_cpu.tensor(binary.numbers.MISTAKE_TARGET)
    oracle.close(result.wrong, torch_cpu.nn.BCEWithLogitsLoss(reduction="none")(p, y), "as written")
    oracle.close(result.right, torch_cpu.nn.BCELoss(reduction="none")(p, y), "as intended")
    oracle.close(result.used_probs, torch_cpu.sigmoid(p), "sigmoid of the probabilities")
    assert (fmt(result.wrong_mean), fmt(result.right_mean)) == ("0.5035", "0.1839")


def test_multilabel_is_seed_002s_3x3_example(oracle, torch_cpu):
    for pos_weight in (1.0, 2.5):
        result = binary.numbers.multilabel(
            binary.state.MULTILABEL_LOGITS, binary.state.MULTILABEL_LABELS, pos_weight
        )
        criterion = torch_cpu.nn.BCEWithLogitsLoss(
            reduction="none", pos_weight=torch_cpu.tensor([pos_weight])
        )
        expected = criterion(
            torch_cpu.tensor(binary.state.MULTILABEL_LOGITS), torch_cpu.tensor(binary.state.MULTILABEL_LABELS)
        )
        oracle.close(result.losses, expected, f"multi-label, pos_weight {pos_weight}")
        assert result.mean == pytest.approx(expected.mean().item(), rel=1e-6)
    assert (
        fmt(binary.numbers.multilabel(binary.state.MULTILABEL_LOGITS, binary.state.MULTILABEL_LABELS).mean)
        == "0.7193"
    )


@given(z=logits, y=labels)
def test_bridge_bce_with_logits_is_softmax_cross_entropy_over_0_and_z(oracle, torch_cpu, z, y):
    bridge = binary.numbers.bridge(z, y)
    two = torch_cpu.tensor([0.0, z], dtype=torch_cpu.float32)
    expected = torch_cpu.nn.CrossEntropyLoss()(two, torch_cpu.tensor([1 - y, y], dtype=torch_cpu.float32))
    oracle.close(F32(bridge.cross_entropy), expected, "CE over [0, z]")
    assert bridge.bce == pytest.approx(bridge.cross_entropy, rel=1e-5, abs=1e-6)


# ---------------------------------------------------------------------------------------------------
# Curves and the multi-label table
# ---------------------------------------------------------------------------------------------------


@given(y=labels)
def test_each_bce_curve_has_its_minimum_h_of_y_at_p_equal_y(y):
    grid = np.linspace(0.001, 0.999, 999)
    curve = binary.numbers.bce_curves(grid, [y])[0]
    kl = binary.numbers.kl_curves(grid, [y])[0]
    assert curve.min() >= binary.numbers.binary_entropy(np.float64(y)) - 1e-12
    assert kl.min() >= -1e-12
    assert abs(grid[np.argmin(curve)] - y) <= 0.002 or y in (0.0, 1.0)


def test_gradient_curves_are_cores_gradients(oracle, torch_cpu):
    grid = binary.numbers.probability_grid(21)
    y, w = 0.3, 2.0
    z = torch_cpu.logit(torch_cpu.tensor(grid)).requires_grad_()
    torch_cpu.nn.BCEWithLogitsLoss(reduction="sum", pos_weight=torch_cpu.tensor(w, dtype=torch_cpu.float64))(
        z, torch_cpu.full_like(z, y)
    ).backward()
    oracle.close(binary.numbers.logit_gradient_curve(grid, y, w), z.grad, "dL/dz curve")
    p = torch_cpu.tensor(grid, requires_grad=True)
    torch_cpu.nn.BCELoss(reduction="sum")(p, torch_cpu.full_like(p, y)).backward()
    oracle.close(binary.numbers.probability_gradient_curve(grid, y), p.grad, "dL/dp curve")


def test_read_multilabel_reads_cells_and_names_each_problem():
    good_z = [(i, [f"{v}" for v in row]) for i, row in enumerate(binary.state.MULTILABEL_LOGITS)]
    good_y = [(i, [f"{v:g}" for v in row]) for i, row in enumerate(binary.state.MULTILABEL_LABELS)]
    assert binary.inputs.read_multilabel(good_z, good_y) == (
        binary.state.MULTILABEL_LOGITS,
        binary.state.MULTILABEL_LABELS,
    )
    bad_z = [(0, ["abc", "1", "1e9"]), *good_z[1:]]
    bad_y = [(0, ["1.5", "-0.1", ""]), *good_y[1:]]
    with pytest.raises(InputError) as caught:
        binary.inputs.read_multilabel(bad_z, bad_y)
    found = [(p.kind, p.params["row"], p.params["column"]) for p in caught.value.problems]
    assert found == [
        ("not_number", 0, "z0"),
        ("too_large", 0, "z2"),
        ("negative", 0, "y1"),
        ("empty", 0, "y2"),
        ("label_above_one", 0, "y0"),
    ]
    assert binary.inputs.problem_key("label_above_one") == "bin.problem.label_above_one"
    assert binary.inputs.problem_key("not_number") == "input.problem.not_number"


# ---------------------------------------------------------------------------------------------------
# URL state
# ---------------------------------------------------------------------------------------------------


def test_url_params_refuse_hostile_values_and_read_good_ones():
    specs = binary.state.url_specs()
    query = {
        "bin_z": "1e308",
        "bin_y": "abc",
        "bin_pw": "0",
        "bin_form": "<script>",
        "bin_ml_z": "1,2;3,4",
        "bin_ls": "0.3",
        "bin_far": "17",
    }
    valid, invalid = read_params(query, specs)
    assert valid == {"bin_ls": 0.3, "bin_far": 17}
    assert sorted(invalid) == ["bin_form", "bin_ml_z", "bin_pw", "bin_y", "bin_z"]


def test_labels_above_one_from_a_link_are_inconsistent():
    values = {spec.key: spec.default for spec in binary.state.url_specs()}
    assert binary.state.inconsistent_values(values) == []
    assert binary.state.inconsistent_values(values | {"bin_ml_y": ((0, 2, 1), (0, 0, 1), (1, 0, 1))}) == [
        "bin_ml_y"
    ]


# ---------------------------------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------------------------------


def as_array(values):
    """An array from a figure property: Plotly keeps numpy arrays as {"dtype", "bdata"} (base64)."""
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values)


def test_curves_figure_has_one_frame_per_label_and_its_slider_starts_at_y():
    figure = go.Figure(binary.figures.curves_figure(0.9129, 0.92).to_dict())  # validated, frames too
    grid = binary.numbers.label_grid()
    assert len(figure.frames) == len(grid) == 101
    slider = figure.layout.sliders[0]
    assert slider.active == 92 and list(slider.steps[92].args[0]) == ["0.92"]
    assert all(step.method == "animate" for step in slider.steps)
    first = binary.figures.FIRST_MOVING_TRACE
    current = figure.data[first]
    np.testing.assert_allclose(
        as_array(current.y),
        binary.numbers.bce_curves(binary.numbers.probability_grid(), [0.92])[0],
        atol=1e-5,
    )
    frame = figure.frames[25]
    assert frame.name == "0.25" and list(frame.traces) == list(range(first, first + 5))
    np.testing.assert_allclose(
        as_array(frame.data[0].y),
        binary.numbers.bce_curves(binary.numbers.probability_grid(), [0.25])[0],
        atol=1e-5,
    )
    floor = binary.numbers.binary_entropy(np.float64(0.25))
    kl, curve = as_array(frame.data[1].y), as_array(frame.data[0].y)
    np.testing.assert_allclose(kl, curve - floor, atol=2e-5)  # the KL curve


@pytest.mark.parametrize("lang", list(LANGUAGES))
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_page_figures_are_valid_with_fixed_ranges_words_and_numbers(lang, theme):
    values = {spec.key: spec.default for spec in binary.state.url_specs()}
    found = binary.figures.page_figures(values, lang, theme)
    assert set(found) == {"curves", "sigmoid", "gradients", "multilabel"}
    readout = binary.numbers.evaluate(binary.state.state_from_values(values))
    for name, page_figure in found.items():
        validated = go.Figure(page_figure.figure.to_dict())  # raises ValueError on any invalid property
        assert page_figure.caption and page_figure.alt
        if name != "multilabel":
            assert validated.layout.xaxis.range is not None and validated.layout.yaxis.range is not None
    assert fmt(readout.bce_probs) in found["curves"].alt
    assert "0.7193" in found["multilabel"].caption


def test_gradient_axis_grows_with_pos_weight_so_dl_dz_stays_in_view():
    assert binary.figures.gradient_range(1.0) == 4.0
    assert binary.figures.gradient_range(10.0) >= 10.0


# ---------------------------------------------------------------------------------------------------
# The check panel and its snippets
# ---------------------------------------------------------------------------------------------------

CHECK_STATES = [
    binary.state.BinaryState(),
    binary.state.BinaryState(form="logit", z=-3.0, y=0.25, pos_weight=4.0, smoothing=0.1),
    binary.state.BinaryState(form="prob", p=0.2, y=1.0),
]


@pytest.mark.parametrize("state", CHECK_STATES)
def test_check_panel_rows_agree_with_core(state, torch_cpu, keras):
    from topics.shared.checks import rows_agree

    readout = binary.numbers.evaluate(state)
    rows = binary.check.torch_rows(state, readout) + binary.check.keras_rows(state, readout)
    assert len(rows) == 4
    assert rows_agree(rows)
    assert max(row.gradient_diff for row in rows) < 1e-5 * max(1.0, state.pos_weight)


def printed_numbers(code):
    """{name: number text} of what a snippet prints, one `name = x` or `name: x` a line."""
    lines = printed_by(code).splitlines()
    return dict(line.split(" = ") if " = " in line else line.split(": ") for line in lines)


@pytest.mark.parametrize("state", CHECK_STATES)
def test_torch_snippet_runs_and_prints_the_pages_numbers(state):
    readout = binary.numbers.evaluate(state)
    printed = printed_numbers(binary.snippets.torch_snippet(state))
    assert printed == {
        "BCEWithLogitsLoss": fmt(readout.bce_logits),
        "BCELoss": fmt(readout.bce_probs),
        "dL/dz": fmt(readout.grad_z),
        "dL/dp": fmt(readout.grad_p),
    }


def test_keras_snippet_runs_and_prints_the_pages_keras_numbers():
    state = CHECK_STATES[1]
    readout = binary.numbers.evaluate(state)
    printed = printed_numbers(binary.snippets.keras_snippet(state))
    assert printed == {
        "from_logits=True": fmt(readout.keras_logits),
        "from_logits=False": fmt(readout.keras_probs),
    }


def test_linked_prediction_keeps_the_control_not_shown_on_the_other_side_of_the_sigmoid():
    values = {"bin_form": "logit", "bin_z": 2.35, "bin_p": 0.5}
    assert binary.state.linked_prediction(values) == {"bin_p": binary.state.prob_for_logit(2.35)}
    assert binary.state.linked_prediction(values | {"bin_form": "prob"}) == {"bin_z": 0.0}
    assert binary.state.linked_prediction(values | {"bin_form": "prob"}, moved="logit") == {
        "bin_p": binary.state.prob_for_logit(2.35)
    }
