"""topics.batch (state, inputs, numbers, keras_route, words, formulas, figures, check, snippets) and the
matrix/vector URL specs.

torch is the oracle (an independent call written here, autograd for the gradient); seed 000's printed
numbers and hand arithmetic check the default batch; the generated snippets are executed.
"""

import math
import re
from dataclasses import replace

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

from snippet_runner import printed_by
from topics import batch
from topics.shared import checks, figures, inputs
from topics.shared.formatting import fmt
from topics.shared.i18n import STRINGS
from topics.shared.url_params import MAX_PARAM_LENGTH, FloatParam, MatrixParam, VectorParam, read_params

pytestmark = pytest.mark.usefixtures("torch_cpu")

SEED = batch.state.BatchState()
WEIGHTED = replace(SEED, weight=(1.0, 1.0, 2.0))


def keras_of(state, readout):
    """The Keras routes the page composes beside the readout."""
    return batch.keras_route.keras_routes(state, readout)


def notes_of(state, readout):
    """The corner cases the page names beside the readout."""
    return batch.words.notes(state, readout, keras_of(state, readout))


def torch_oracle(state):
    """(loss, gradient, per-row losses) from torch.nn.functional.cross_entropy on the state, written
    independently of topics.batch: class indices, one-hot rows of the labelled rows, or normalised rows."""
    z = torch.tensor(state.logits, dtype=torch.float64, requires_grad=True)
    labels = torch.tensor(state.labels)
    num_classes = len(state.logits[0])
    weight = torch.tensor(state.weight, dtype=torch.float64) if state.weight else None
    options = {"weight": weight, "label_smoothing": state.label_smoothing}
    if state.target_form == "index":
        x, target = z, labels
        options["ignore_index"] = state.ignore_index
    elif state.target_form == "onehot":
        keep = (labels >= 0) & (labels < num_classes)
        x, target = z[keep], F.one_hot(labels[keep], num_classes).to(torch.float64)
    else:
        raw = torch.tensor(batch.state.probability_rows(state), dtype=torch.float64)
        x, target = z, raw / raw.sum(dim=1, keepdim=True)
    loss = F.cross_entropy(x, target, reduction=state.reduction, **options)
    (loss.sum() if loss.ndim else loss).backward()
    per_row = F.cross_entropy(x.detach(), target, reduction="none", **options)
    return loss.detach().numpy(), z.grad.numpy(), per_row.numpy()


@st.composite
def batch_states(draw):
    """Small batches over every option: ignored rows, weights with zeros, smoothing, each target form."""
    num_rows, num_classes = draw(st.integers(1, 5)), draw(st.integers(2, 5))
    ignore = draw(st.sampled_from([-100, -1, 0, num_classes, 255]))
    labels = tuple(draw(st.one_of(st.integers(0, num_classes - 1), st.just(ignore))) for _ in range(num_rows))
    element = st.floats(-8, 8, allow_nan=False, width=64)
    logits = tuple(tuple(draw(element) for _ in range(num_classes)) for _ in range(num_rows))
    weight = draw(
        st.one_of(
            st.just(()),
            st.tuples(*[st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.0]) for _ in range(num_classes)]),
        )
    )
    probs = draw(
        st.one_of(
            st.just(()),
            st.tuples(
                *[
                    st.tuples(*[st.sampled_from([0.0, 0.2, 1.0, 3.0]) for _ in range(num_classes)]).filter(
                        lambda row: sum(row) > 0
                    )
                    for _ in range(num_rows)
                ]
            ),
        )
    )
    return batch.state.BatchState(
        logits=logits,
        labels=labels,
        reduction=draw(st.sampled_from(batch.state.REDUCTIONS)),
        weight=weight,
        ignore_index=ignore,
        label_smoothing=draw(st.sampled_from([0.0, 0.1, 0.37, 1.0])),
        target_form=draw(st.sampled_from(batch.state.TARGET_FORMS)),
        probs=probs,
    )


# The seed batch ---------------------------------------------------------------------------------


def test_default_batch_shows_seed_000s_numbers():
    readout = batch.numbers.evaluate(SEED)
    # Seed 000 prints softmax [[0.6590, 0.2424, 0.0986], [0.1587, 0.7113, 0.1299]], loss 1.2288230657577515.
    np.testing.assert_allclose(readout.probs, [[0.6590, 0.2424, 0.0986], [0.1587, 0.7113, 0.1299]], atol=5e-5)
    assert [fmt(p) for p in readout.target_prob] == ["0.6590", "0.1299"]
    assert [fmt(v) for v in readout.neg_log] == ["0.4170", "2.0406"]
    assert readout.loss == pytest.approx(1.2288230657577515, abs=1e-6)
    assert fmt(readout.loss) == "1.2288"
    assert [fmt(route.value) for route in readout.routes] == ["1.2288"] * 3
    assert notes_of(SEED, readout) == ()


def test_default_formula_is_filled_in_with_the_seed_numbers():
    blocks = batch.formulas.reduction_latex(SEED, batch.numbers.evaluate(SEED))
    assert r"\frac{0.4170 + 2.0406}{2}" in blocks[1] and "1.2288" in blocks[1]


def test_mean_with_weights_divides_by_sum_of_target_weights():
    readout = batch.numbers.evaluate(WEIGHTED)
    # by hand: (1 * 0.41703 + 2 * 2.04062) / (1 + 2)
    assert readout.loss == pytest.approx((0.41703002 + 2 * 2.04061627) / 3, abs=1e-7)
    assert readout.denominator == 3.0
    assert batch.numbers.plain_mean(readout) == pytest.approx(1.2288231, abs=1e-6)
    blocks = batch.formulas.reduction_latex(WEIGHTED, readout)
    assert r"1\cdot 0.4170 + 2\cdot 2.0406" in blocks[1] and r"\frac{4.4983}{3} = 1.4994" in blocks[1]
    key, params = batch.words.gradient_sentence(WEIGHTED, readout)
    assert (
        key == "bt.grad.mean_weighted"
        and "1/3 = 0.3333" in params["shares"]
        and "2/3 = 0.6667" in params["shares"]
    )
    np.testing.assert_allclose(readout.row_scale, [1 / 3, 2 / 3])


# torch as the oracle ----------------------------------------------------------------------------


@given(batch_states())
def test_every_number_matches_torch(oracle, state):
    readout = batch.numbers.evaluate(state)
    loss, grad, per_row = torch_oracle(state)
    oracle.close(readout.loss, loss, "reduced loss", check_dtype=False)
    oracle.close(readout.routes[1].value, loss, "log_softmax + nll route", check_dtype=False)
    oracle.close(readout.routes[2].value, loss, "cross_entropy route", check_dtype=False)
    manual = np.asarray(readout.routes[0].value, float)
    if np.all(np.isfinite(manual)) or not np.all(np.isfinite(loss)):
        oracle.close(manual, loss, "manual route", check_dtype=False, scale=100)
    oracle.close(readout.gradient, grad, "gradient", check_dtype=False)
    kept = (
        np.array([s == "counted" for s in readout.status]) if state.target_form == "onehot" else slice(None)
    )
    oracle.close(readout.row_loss[kept], per_row, "per-row losses", check_dtype=False)


@given(batch_states())
def test_gradient_rows_sum_to_zero_and_stay_inside_the_fixed_colour_range(state):
    readout = batch.numbers.evaluate(state)
    if not np.all(np.isfinite(readout.gradient)):
        return
    np.testing.assert_allclose(readout.gradient.sum(axis=1), 0, atol=1e-9)
    assert np.abs(readout.gradient).max() <= readout.gradient_bound * (1 + 1e-9)
    np.testing.assert_allclose(readout.probs.sum(axis=1), 1)


@given(batch_states())
def test_core_keras_mirror_matches_real_keras(state):
    readout = batch.numbers.evaluate(state)
    rows = batch.check.keras_rows(state, readout)
    for row in rows:
        scale = max(1.0, float(np.nanmax(np.abs(np.atleast_1d(row.core_loss)), initial=0)))
        assert row.loss_diff <= 2e-5 * scale, row
        assert row.gradient_diff <= 1e-5, row


@pytest.mark.parametrize("name", list(batch.state.EXAMPLES))
def test_check_panel_rows_agree_with_core(name):
    state = batch.state.state_from_values(batch.state.example_values(name))
    readout = batch.numbers.evaluate(state)
    rows = batch.check.torch_rows(state, readout) + batch.check.keras_rows(state, readout)
    assert checks.rows_agree(rows), rows
    for row in rows:
        if row.framework == "PyTorch":
            assert row.loss_diff <= 1e-9 and row.gradient_diff <= 1e-9, row


def test_keras_default_divides_by_batch_size_and_mean_with_sample_weight_matches_torch():
    readout = batch.numbers.evaluate(WEIGHTED)
    default, with_weights = keras_of(WEIGHTED, readout)
    assert default.reduction == "sum_over_batch_size" and with_weights.reduction == "mean_with_sample_weight"
    assert default.value == pytest.approx((0.41703002 + 2 * 2.04061627) / 2, rel=1e-6)
    assert not default.matches_torch and with_weights.matches_torch
    assert (
        batch.words.keras_sentence(WEIGHTED, readout, keras_of(WEIGHTED, readout))[0]
        == "bt.keras.divides_by_n"
    )
    assert "divides_by_n" in "".join(n.kind for n in notes_of(WEIGHTED, readout)) or any(
        n.kind == "keras_differs" for n in notes_of(WEIGHTED, readout)
    )


# Corner cases -----------------------------------------------------------------------------------


def test_every_row_ignored_gives_nan_as_torch_and_says_why():
    state = replace(SEED, labels=(-100, -100))
    readout = batch.numbers.evaluate(state)
    assert math.isnan(readout.loss) and math.isnan(float(torch_oracle(state)[0]))
    assert np.all(readout.gradient == 0)
    assert [n.kind for n in notes_of(state, readout)][0] == "all_ignored_mean"
    assert batch.words.gradient_sentence(state, readout)[0] == "bt.grad.none_counted"
    assert keras_of(state, readout)[0].value == 0.0  # Keras: divide_no_nan
    assert batch.words.keras_sentence(state, readout, keras_of(state, readout))[0] == "bt.keras.all_ignored"
    assert batch.numbers.evaluate(replace(state, reduction="sum")).loss == 0.0


def test_zero_weight_sum_gives_nan_loss_and_nan_gradient_as_torch():
    state = replace(SEED, weight=(0.0, 1.0, 0.0))
    readout = batch.numbers.evaluate(state)
    loss, grad, _ = torch_oracle(state)
    assert math.isnan(readout.loss) and math.isnan(float(loss))
    np.testing.assert_allclose(readout.gradient, grad, equal_nan=True)  # NaN where torch has NaN
    assert np.all(np.isnan(readout.gradient))  # both rows count here
    assert "zero_weight_sum" in [n.kind for n in notes_of(state, readout)]


def test_one_hot_with_weights_gives_another_mean_than_indices_and_shows_both():
    index, onehot = (
        batch.numbers.evaluate(WEIGHTED),
        batch.numbers.evaluate(replace(WEIGHTED, target_form="onehot")),
    )
    assert fmt(index.loss) == "1.4994" and fmt(onehot.loss) == "2.2491"
    assert index.alternative == pytest.approx(onehot.loss) and onehot.alternative == pytest.approx(index.loss)
    note = next(n for n in notes_of(WEIGHTED, index) if n.kind == "index_vs_onehot")
    assert note.params["other"] == "2.2491" and note.params["value"] == "1.4994"
    assert note.params["weight_sum"] == "3.0000" and note.params["rows"] == 2
    assert any(n.kind == "onehot_vs_index" for n in notes_of(replace(WEIGHTED, target_form="onehot"), onehot))
    assert keras_of(replace(WEIGHTED, target_form="onehot"), onehot)[
        0
    ].matches_torch  # Keras's divide-by-N is torch's one-hot mean


def test_label_smoothing_with_weights_follows_torchs_formula():
    state = replace(WEIGHTED, label_smoothing=0.1)
    readout = batch.numbers.evaluate(state)
    p = readout.probs
    w = np.array([1.0, 1.0, 2.0])
    rows = [
        (1 - 0.1) * w[y] * -np.log(p[n, y]) + 0.1 / 3 * (w * -np.log(p[n])).sum()
        for n, y in enumerate((0, 2))
    ]
    assert readout.loss == pytest.approx(sum(rows) / 3, rel=1e-12)
    assert float(torch_oracle(state)[0]) == pytest.approx(sum(rows) / 3, rel=1e-12)
    assert "smoothing_weights" in [n.kind for n in notes_of(state, readout)]
    assert not any(k.matches_torch for k in keras_of(state, readout))
    assert (
        batch.words.keras_sentence(state, readout, keras_of(state, readout))[0]
        == "bt.keras.smoothing_weights"
    )


def test_full_smoothing_is_named_because_the_labels_stop_mattering():
    """At eps = 1 torch's loss is the same for every label (the page says so, and says what torch does
    outside 0..1)."""
    state = replace(SEED, label_smoothing=1.0)
    readout = batch.numbers.evaluate(state)
    relabelled = replace(state, labels=tuple((y + 1) % 3 for y in state.labels))
    assert float(torch_oracle(relabelled)[0]) == pytest.approx(float(torch_oracle(state)[0]), rel=1e-12)
    assert readout.loss == pytest.approx(float(torch_oracle(state)[0]), rel=1e-12)
    assert "smoothing_uniform" in [n.kind for n in notes_of(state, readout)]
    assert "smoothing_uniform" not in [n.kind for n in notes_of(replace(state, label_smoothing=0.5), readout)]


def test_ignored_rows_in_one_hot_form_are_left_out_before_encoding():
    state = replace(SEED, labels=(0, -100), target_form="onehot")
    readout = batch.numbers.evaluate(state)
    assert readout.status == ("counted", "dropped")
    assert readout.loss == pytest.approx(0.41703002, abs=1e-7)
    note = next(n for n in notes_of(state, readout) if n.kind == "dropped_rows")
    assert note.params["rows"] == "1" and note.params["kept"] == 1


def test_ignore_index_with_probability_targets_is_left_out_and_said():
    state = replace(SEED, ignore_index=1, target_form="probs")
    readout = batch.numbers.evaluate(state)
    assert "ignore_probs" in [n.kind for n in notes_of(state, readout)]
    assert readout.loss == pytest.approx(batch.numbers.evaluate(replace(state, ignore_index=-100)).loss)


def test_softmax_underflow_breaks_the_hand_formula_but_not_log_softmax():
    state = batch.state.state_from_values(batch.state.example_values("underflow"))
    readout = batch.numbers.evaluate(state)
    assert not np.isfinite(readout.routes[0].value) and np.isfinite(readout.routes[2].value)
    assert "underflow" in [n.kind for n in notes_of(state, readout)]


def test_free_probability_rows_are_normalised_and_said():
    state = replace(SEED, target_form="probs", probs=((2.0, 1.0, 1.0), (0.0, 0.0, 3.0)))
    readout = batch.numbers.evaluate(state)
    np.testing.assert_allclose(readout.target, [[0.5, 0.25, 0.25], [0, 0, 1]])
    note = next(n for n in notes_of(state, readout) if n.kind == "normalised")
    assert note.params["rows"] == "0, 1" and note.params["sums"] == "4, 3"


# Reading input ----------------------------------------------------------------------------------


def kinds(error):
    return [(p.kind, p.params.get("row"), p.params.get("column")) for p in error.value.problems]


def test_read_table_accepts_text_cells_and_names_every_bad_cell():
    rows = [(0, "0", ["2.0", "1", "0.1"]), (1, "2", ["0.5", "2.0", "0.3"])]
    assert batch.inputs.read_table(rows, -100) == (SEED.logits, SEED.labels)
    bad = [
        (0, "1.5", ["abc", "nan", "inf"]),
        (1, "7", [None, float("nan"), "1e9"]),
        (2, "", ["", "1", "2"]),
    ]
    with pytest.raises(inputs.InputError) as error:
        batch.inputs.read_table(bad, -100)
    assert kinds(error) == [
        ("not_whole", 0, "label"),
        ("not_number", 0, "z0"),
        ("nan", 0, "z1"),
        ("inf", 0, "z2"),
        ("empty", 1, "z0"),
        ("empty", 1, "z1"),
        ("too_large", 1, "z2"),
        ("label_range", 1, None),
        ("empty", 2, "label"),
        ("empty", 2, "z0"),
    ]
    assert error.value.problems[1].params["value"] == "abc"


@pytest.mark.parametrize("count, kind", [(0, "no_rows"), (17, "too_many_rows")])
def test_read_table_refuses_an_empty_or_oversized_batch(count, kind):
    with pytest.raises(inputs.InputError) as error:
        batch.inputs.read_table([(n, "0", ["1", "2"]) for n in range(count)], -100)
    assert kinds(error)[0][0] == kind


def test_every_problem_and_note_has_a_message_in_both_languages():
    problem_kinds = [
        "empty", "nan", "inf", "not_number", "too_large", "not_whole", "negative", "label_range", "no_rows",
        "too_many_rows", "prob_row_zero", "paste_logits", "paste_classes", "paste_labels_needed",
        "paste_labels", "paste_label_count", "weight_parse", "weight_count", "weight_negative",
    ]  # fmt: skip
    keys = {f"input.problem.{k}" for k in problem_kinds}
    keys |= {f"bt.example.{name}" for name in batch.state.EXAMPLES}
    keys |= {f"bt.target.{form}" for form in batch.state.TARGET_FORMS} | {
        f"bt.step2_help.{f}" for f in batch.state.TARGET_FORMS
    }
    keys |= {f"bt.status.{s}" for s in ("counted", "ignored", "dropped")}
    keys |= {
        f"bt.route.{r}{form}" for r in ("manual", "nll", "cross_entropy") for form in ("", ".index", ".probs")
    }
    keys |= {f"bt.fig.row_{s}" for s in ("ignored", "dropped")}
    states = [
        batch.state.state_from_values(batch.state.example_values(name)) for name in batch.state.EXAMPLES
    ] + [
        replace(SEED, weight=(0.0, 1.0, 0.0)),
        replace(SEED, ignore_index=1, target_form="probs", weight=(1.0, 2.0, 3.0)),
        replace(SEED, labels=(-100, -100), target_form="onehot"),
        replace(SEED, labels=(0, 0), ignore_index=0, reduction="none"),
        replace(WEIGHTED, target_form="onehot", reduction="sum", probs=((1.0, 1.0, 0.0), (0.0, 0.0, 2.0))),
        replace(WEIGHTED, target_form="probs", probs=((1.0, 1.0, 0.0), (0.0, 0.0, 2.0))),
    ]
    for state in states:
        readout = batch.numbers.evaluate(state)
        keys |= {f"bt.note.{n.kind}" for n in notes_of(state, readout)}
        keys.add(batch.words.gradient_sentence(state, readout)[0])
        keys.add(batch.words.keras_sentence(state, readout, keras_of(state, readout))[0])
        for note in notes_of(state, readout):
            for lang in STRINGS:
                STRINGS[lang][f"bt.note.{note.kind}"].format(**note.params)
    missing = {lang: sorted(keys - STRINGS[lang].keys()) for lang in STRINGS}
    assert missing == {"en": [], "zh": []}


def test_read_paste_reads_torch_and_numpy_printouts_never_eval():
    logits, labels = inputs.read_paste(
        "tensor([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]])", "tensor([0, 2])", (9, 9), -100
    )
    assert (logits, labels) == (SEED.logits, SEED.labels)
    logits, labels = inputs.read_paste("[[2.  1.  0.1]\n [0.5 2.  0.3]]", "", (1, 2), -100)
    assert labels == (1, 2)  # an empty labels box keeps the table's labels
    cases = {
        ("[[1, 2, 3], [4, 5]]", "0, 1"): ("paste_logits", "row 2 has 2 numbers but row 1 has 3"),
        ("__import__('os')", "0"): ("paste_logits", "could not read"),
        ("[[1], [2]]", "0, 0"): ("paste_classes", None),
        ("[[1, 2], [3, 4]]", "0"): ("paste_label_count", None),
        ("[[1, 2], [3, 4], [5, 6]]", ""): ("paste_labels_needed", None),
        ("[[1, 2], [3, 4]]", "0, 1.5"): ("paste_labels", "whole"),
        ("[[1, 2], [3, 4]]", "0, 5"): ("label_range", None),
    }
    for (text, label_text), (kind, detail) in cases.items():
        with pytest.raises(inputs.InputError) as error:
            inputs.read_paste(text, label_text, (0, 1), -100)
        problem = error.value.problems[0]
        assert problem.kind == kind, text
        if detail:
            assert detail in problem.params["detail"]


def test_read_weights():
    assert inputs.read_weights("  ", 3) == ()
    assert inputs.read_weights("tensor([1., 1., 2.])", 3) == (1.0, 1.0, 2.0)
    for text, kind in [
        ("1, 2", "weight_count"),
        ("1, -1, 2", "weight_negative"),
        ("1, x, 2", "weight_parse"),
    ]:
        with pytest.raises(inputs.InputError) as error:
            inputs.read_weights(text, 3)
        assert error.value.problems[0].kind == kind


def test_read_probability_table_refuses_negative_cells_and_zero_rows():
    assert batch.inputs.read_probability_table([(0, ["1", "0"]), (1, ["0.5", "0.5"])]) == (
        (1.0, 0.0),
        (0.5, 0.5),
    )
    with pytest.raises(inputs.InputError) as error:
        batch.inputs.read_probability_table([(0, ["-1", "2"]), (1, ["0", "0"])])
    assert kinds(error) == [("negative", 0, "t0"), ("prob_row_zero", 1, None)]


# Shape changes ----------------------------------------------------------------------------------


def test_resizing_pads_truncates_and_clamps_labels():
    values = {
        **batch.state.DEFAULTS,
        "bt_weight": (1.0, 1.0, 2.0),
        "bt_probs": ((0.0, 0.0, 1.0), (1.0, 0.0, 0.0)),
    }
    new, changed = batch.state.resized_values(values, 3, 2)
    assert new["bt_logits"] == ((2.0, 1.0), (0.5, 2.0), (0.0, 0.0))
    assert new["bt_labels"] == (0, 1, 0) and changed == [1]
    assert new["bt_weight"] == (1.0, 1.0)
    assert new["bt_probs"] == ((1.0, 0.0), (1.0, 0.0), (1.0, 0.0))  # an all-zero row is seeded
    assert batch.state.inconsistent_values({**values, **new}) == []


def test_changing_ignore_index_keeps_ignored_rows_ignored():
    labels, changed = batch.state.relabelled_for_ignore((0, -100, 2), 3, -100, -1)
    assert labels == (0, -1, 2) and changed == [1]
    assert batch.state.relabelled_for_ignore((0, 1), 3, -100, 1) == ((0, 1), [])


def test_probability_rows_follow_added_and_deleted_rows():
    probs = ((1.0, 0.0), (0.0, 1.0), (0.5, 0.5))
    assert batch.state.carried_probability_rows(probs, [0, 2, None], (0, 1, 1), 2) == (
        (1.0, 0.0),
        (0.5, 0.5),
        (0.0, 1.0),
    )
    assert batch.state.carried_probability_rows((), [0], (0,), 2) == ()


# URL parameters ---------------------------------------------------------------------------------


def test_batch_url_round_trip_is_compact():
    specs = {spec.key: spec for spec in batch.state.url_specs()}
    assert specs["bt_logits"].encode(SEED.logits) == "2,1,0.1;0.5,2,0.3"
    assert specs["bt_labels"].encode((0, -100)) == "0,-100"
    query = {
        "bt_logits": "2,1,0.1;0.5,2,0.3;1e-05,-3.25,7",
        "bt_labels": "0,2,-100",
        "bt_weight": "1,1,2",
        "bt_probs": "[[1, 0, 0], [0, 1, 1], [0.2, 0.3, 0.5]]",
    }
    valid, refused = read_params(query, batch.state.url_specs())
    assert refused == []
    assert valid["bt_logits"][2] == (1e-05, -3.25, 7.0) and valid["bt_labels"] == (0, 2, -100)
    for key, value in valid.items():
        assert specs[key].parse(specs[key].encode(value)) == value


@pytest.mark.parametrize(
    "key, raw",
    [
        ("bt_logits", "1,2;3"),  # ragged
        ("bt_logits", "nan,1;2,3"),
        ("bt_logits", "inf,1"),
        ("bt_logits", "1e5,1"),  # beyond 1e4
        ("bt_logits", "1;2"),  # one class
        ("bt_logits", ";".join(["1,2"] * 17)),  # 17 rows
        ("bt_logits", "1," * 1200 + "1"),  # longer than 2000 characters
        ("bt_logits", "__import__('os').system('x')"),
        ("bt_labels", "0,1.5"),
        ("bt_weight", "1,-1"),
        ("bt_probs", "1,-0.5;1,1"),
    ],
)
def test_hostile_batch_url_values_are_refused(key, raw):
    assert read_params({key: raw}, batch.state.url_specs()) == ({}, [key])


def test_existing_url_specs_keep_their_behaviour():
    spec = FloatParam("x", 0.0, 1.0, 0.5, 0.1)
    assert read_params({"x": "0" * MAX_PARAM_LENGTH + "1"}, [spec]) == ({}, ["x"])
    assert read_params({"x": "0.26"}, [spec]) == ({"x": 0.3}, [])
    assert MatrixParam("m", (), 2, 2).parse("1,2") == ((1.0, 2.0),)
    assert VectorParam("v", (), 3, integer=True).encode((1, 2)) == "1,2"


def test_inconsistent_link_values_are_named():
    values = dict(batch.state.DEFAULTS)
    assert batch.state.inconsistent_values({**values, "bt_labels": (0, 1, 2)}) == ["bt_logits", "bt_labels"]
    assert batch.state.inconsistent_values({**values, "bt_labels": (0, 5)}) == ["bt_logits", "bt_labels"]
    assert batch.state.inconsistent_values({**values, "bt_weight": (1.0, 2.0)}) == ["bt_weight"]
    assert batch.state.inconsistent_values({**values, "bt_probs": ((1.0, 0.0, 0.0),)}) == ["bt_probs"]
    assert batch.state.inconsistent_values({**values, "bt_labels": (0, 7), "bt_ignore": 7}) == []


# Snippets ---------------------------------------------------------------------------------------


SNIPPET_STATES = [
    SEED,
    WEIGHTED,
    replace(WEIGHTED, labels=(0, -100), reduction="none"),
    replace(WEIGHTED, label_smoothing=0.2, ignore_index=1, labels=(1, 2)),
    replace(
        WEIGHTED,
        target_form="onehot",
        labels=(0, -100, 1),
        logits=((2.0, 1.0, 0.1), (0.5, 2.0, 0.3), (1, 1, 1)),
    ),
    replace(SEED, target_form="probs", probs=((0.7, 0.2, 0.1), (0.0, 1.0, 3.0)), weight=(1.0, 0.5, 2.0)),
    replace(SEED, reduction="sum", label_smoothing=0.1, labels=(-100, 1)),
]


def printed(output, name):
    line = re.search(rf"^{re.escape(name)} = (.*)$", output, re.M).group(1)
    return np.array([float(v) for v in line.split(",")])


@pytest.mark.parametrize("state", SNIPPET_STATES)
def test_torch_snippet_runs_and_prints_the_pages_numbers(state):
    output = printed_by(batch.snippets.torch_snippet(state))
    readout = batch.numbers.evaluate(state)
    np.testing.assert_allclose(printed(output, "loss"), np.ravel(readout.loss), atol=5e-5)
    if "log_softmax + nll_loss" in output:
        np.testing.assert_allclose(
            printed(output, "log_softmax + nll_loss"), np.ravel(readout.loss), atol=5e-5
        )
    gradient = re.search(r"^gradient = (.*)$", output, re.M).group(1)
    np.testing.assert_allclose(np.array(eval(gradient)), readout.gradient, atol=5e-5)  # noqa: S307 - our own output
    softmax = re.search(r"^softmax = (.*)$", output, re.M).group(1)
    np.testing.assert_allclose(np.array(eval(softmax)), readout.probs, atol=5e-5)  # noqa: S307


@pytest.mark.parametrize("state", SNIPPET_STATES)
def test_keras_snippet_runs_and_prints_the_pages_keras_numbers(state):
    output = printed_by(batch.snippets.keras_snippet(state))
    readout = batch.numbers.evaluate(state)
    for route in keras_of(state, readout):
        np.testing.assert_allclose(printed(output, route.reduction), np.ravel(route.value), atol=1e-4)


# Figures ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_heat_maps_have_fixed_ranges_an_explicit_template_and_mark_targets(lang):
    state = replace(SEED, labels=(0, -100))
    readout = batch.numbers.evaluate(state)
    soft = batch.figures.softmax_figure(readout.probs, state.labels, readout.status, lang)
    assert (soft.data[0].zmin, soft.data[0].zmax) == (0.0, 1.0)
    assert soft.layout.template.layout.font.family == figures.FONT
    outlines = [s for s in soft.layout.shapes if s.line.width == 3]
    assert [(s.x0, s.y0) for s in outlines] == [(-0.5, -0.5)]  # row 0's target class 0
    assert "0.6590" in soft.data[0].text[0]
    assert soft.layout.yaxis.ticktext[1] == STRINGS[lang]["bt.fig.row_ignored"].format(row=1)
    grad = batch.figures.gradient_figure(
        readout.gradient, readout.gradient_bound, state.labels, readout.status, lang
    )
    heat = grad.data[0]
    assert (heat.zmin, heat.zmid, heat.zmax) == (-readout.gradient_bound, 0.0, readout.gradient_bound)
    assert heat.colorscale[0][1] == figures.RAISE_COLOUR and heat.colorscale[-1][1] == figures.LOWER_COLOUR
    assert "↑" in heat.text[0][0]  # the step raises the target logit
    assert "0.6590" in batch.figures.softmax_alt(readout.probs, readout.target_prob, lang)
