"""Each lesson of the guided path: its state, its checks and its question, on states that pass and states
that fail, with every quantity computed through core (the page's checkable module) and the deciding ones
compared with torch on the same tensors."""

import math

import numpy as np
import pytest

from topics.lessons import lessons as path
from topics.lessons.snippet_fix import STARTING_CODE
from topics.registry import BY_NAME
from topics.shared.exercises import judge
from topics.shared.i18n import STRINGS

WORDS = ("title", "goal", "try", "hint", "answer")
FIXED_CODE = STARTING_CODE.replace("nn.BCEWithLogitsLoss()", "nn.BCELoss()")


def start_values(lesson):
    return {spec.key: spec.default for spec in BY_NAME[lesson.page].url_specs()} | lesson.values


def exercise_of(lesson):
    start = start_values(lesson)
    return lesson.exercise({key: start[key] for key in lesson.locked})


def outcome(lesson, changes=None, answer=None, reached=False):
    """(done, quantities) of the lesson in its start state with `changes`, and `answer` (`reached`: its
    checks passed earlier in the lesson)."""
    values = start_values(lesson) | (changes or {})
    quantities = BY_NAME[lesson.page].checkable.quantities(values)
    verdict = judge(exercise_of(lesson), quantities, values)
    return path.lesson_done(lesson, verdict, answer, quantities, reached=reached), quantities


# (lesson, changes that pass, answer that passes, changes that fail, why they fail)
CASES = [
    ("softmax", {"pg_z0": 0.0, "pg_z1": 0.0, "pg_z2": 0.0}, None, {"pg_z0": 0.5}, "not uniform"),
    ("softmax", {"pg_z0": 2.0, "pg_z1": 2.0, "pg_z2": 2.0}, None, {"pg_t": 10.0}, "temperature is locked"),
    ("one_sample", {"pg_z0": 2.9, "pg_z1": 0.0, "pg_z2": 0.0}, None, {"pg_z0": 4.0, "pg_z1": 0.0}, "p0 0.96"),
    ("temperature", {"pg_t": 0.4}, None, {"pg_t": 0.5}, "loss 0.146"),
    ("temperature", {"pg_t": 0.1}, None, {"pg_z0": 9.0}, "the logits are locked"),
    ("gradient_signs", {}, (1, -1, 1), {"pg_z1": 5.0}, "the logits are locked"),
    ("not_mse", {"gr_z1": 3.0}, 1, {"gr_z1": 2.0}, "p0 0.11"),
    ("batch_mean", {"bt_labels": (0, -100)}, None, {}, "both rows count"),
    ("batch_mean", {"bt_labels": (0, -100)}, None, {"bt_labels": (-100, 2)}, "the wrong row counts"),
    ("all_ignored", {"bt_labels": (-100, -100)}, 0, {"bt_labels": (0, -100)}, "one row still counts"),
    (
        "all_ignored",
        {"bt_labels": (-100, -100)},
        0,
        {"bt_labels": (-100, -100), "bt_reduction": "sum"},
        "reduction locked (a sum of nothing is 0, not NaN)",
    ),
    ("nll_routes", {"bt_labels": (2, 2)}, 2, {}, "the seed's loss is 1.2288"),
    ("soft_label", {"bin_y": 1.0}, None, {"bin_y": 0.7}, "y = p is not the lowest BCE"),
    ("soft_label", {"bin_y": 1.0}, None, {"bin_y": 1.0, "bin_p": 0.3, "bin_z": -0.85}, "p is locked"),
    ("api_mistake", {}, FIXED_CODE, {"bin_mistake": False}, "the page's switch is locked"),
]


def test_the_path_has_ten_lessons_on_registered_pages_in_the_seeds_order():
    assert len(path.LESSONS) == 10 and len(path.BY_ID) == 10
    assert [lesson.page for lesson in path.LESSONS][:3] == ["playground"] * 3
    assert path.LESSONS[-1].id == "api_mistake" and path.next_lesson("api_mistake") is None
    assert path.next_lesson("softmax") is path.BY_ID["one_sample"] and path.position("softmax") == 1


@pytest.mark.parametrize("lesson", path.LESSONS, ids=lambda lesson: lesson.id)
def test_each_lesson_names_real_controls_quantities_and_words_in_both_languages(lesson):
    entry = BY_NAME[lesson.page]
    keys = {spec.key for spec in entry.url_specs()}
    assert set(lesson.values) <= keys and set(lesson.locked) <= keys
    for spec in entry.url_specs():  # the starting state is a state a link may carry
        if spec.key in lesson.values:
            assert spec.parse(spec.encode(lesson.values[spec.key])) == lesson.values[spec.key]
    assert {check.quantity for check in lesson.checks} <= set(entry.checkable.QUANTITY_NAMES)
    assert lesson.checks or lesson.question, "a lesson checks something"
    for lang in ("en", "zh"):
        for word in WORDS:
            assert STRINGS[lang][f"ls.{lesson.id}.{word}"].strip()
        if lesson.question is not None and lesson.question.kind == "choice":
            assert STRINGS[lang][f"ls.{lesson.id}.question"]
            for option in range(lesson.question.options):
                assert STRINGS[lang][f"ls.{lesson.id}.option.{option}"]
                assert STRINGS[lang][f"ls.{lesson.id}.why.{option}"]  # why this option is right or wrong


@pytest.mark.parametrize("lesson", path.LESSONS, ids=lambda lesson: lesson.id)
def test_no_lesson_is_done_in_its_starting_state(lesson):
    done, _ = outcome(lesson, {}, answer=None)
    assert not done


@pytest.mark.parametrize(("lesson_id", "passing", "answer", "failing", "why"), CASES)
def test_a_lesson_passes_on_a_solving_state_and_fails_on_another(lesson_id, passing, answer, failing, why):
    lesson = path.BY_ID[lesson_id]
    assert outcome(lesson, passing, answer)[0], f"{lesson_id} should pass with {passing}"
    assert not outcome(lesson, failing, answer)[0], f"{lesson_id} should fail: {why}"


@pytest.mark.parametrize("lesson", [lesson for lesson in path.LESSONS if lesson.question], ids=lambda x: x.id)
def test_a_wrong_answer_keeps_a_lesson_open_even_in_a_solving_state(lesson):
    passing = next((case[1], case[2]) for case in CASES if case[0] == lesson.id)
    kind = lesson.question.kind
    wrongs = {"signs": (-1, -1, -1), "code": STARTING_CODE}
    wrong = wrongs[kind] if kind in wrongs else (passing[1] + 1) % lesson.question.options
    assert outcome(lesson, passing[0], passing[1])[0]
    assert not outcome(lesson, passing[0], wrong)[0]


def test_softmax_lesson_passes_exactly_where_torch_gives_log_k(torch_cpu):
    _, quantities = outcome(path.BY_ID["softmax"], {"pg_z0": 1.3, "pg_z1": 1.3, "pg_z2": 1.3})
    loss = torch_cpu.nn.functional.cross_entropy(
        torch_cpu.full((1, 3), 1.3, dtype=torch_cpu.float64), torch_cpu.tensor([0])
    )
    assert quantities["loss"] == pytest.approx(loss.item(), rel=1e-12) == pytest.approx(math.log(3))


def test_temperature_lesson_boundary_is_where_torch_crosses_0_1(torch_cpu):
    """The loss at T = 0.4 is below 0.1 and at T = 0.5 above it, in torch too."""
    logits = torch_cpu.tensor([[2.0, 1.0, 0.1]], dtype=torch_cpu.float64)
    for temperature, below in ((0.4, True), (0.5, False)):
        torch_loss = torch_cpu.nn.functional.cross_entropy(logits / temperature, torch_cpu.tensor([0])).item()
        done, quantities = outcome(path.BY_ID["temperature"], {"pg_t": temperature})
        assert quantities["loss"] == pytest.approx(torch_loss, rel=1e-12)
        assert done is below is (torch_loss < 0.1)


def test_gradient_signs_are_the_signs_of_torchs_gradient(torch_cpu):
    lesson = path.BY_ID["gradient_signs"]
    values = start_values(lesson)
    logits = torch_cpu.tensor(
        [[values[f"pg_z{k}"] for k in range(3)]], dtype=torch_cpu.float64, requires_grad=True
    )
    torch_cpu.nn.functional.cross_entropy(logits, torch_cpu.tensor([values["pg_class"]])).backward()
    expected = tuple(int(np.sign(g)) for g in logits.grad.numpy()[0])
    _, quantities = outcome(lesson)
    assert path.signs(quantities, 3) == expected == (1, -1, 1)


def test_batch_lessons_loss_is_torchs_with_ignore_index(torch_cpu):
    logits = torch_cpu.tensor([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]], dtype=torch_cpu.float64)
    for labels, lesson_id in (((0, -100), "batch_mean"), ((2, 2), "nll_routes")):
        expected = torch_cpu.nn.functional.cross_entropy(logits, torch_cpu.tensor(labels)).item()
        _, quantities = outcome(path.BY_ID[lesson_id], {"bt_labels": labels})
        assert quantities["loss"] == pytest.approx(expected, rel=1e-12)
    all_ignored = torch_cpu.nn.functional.cross_entropy(logits, torch_cpu.tensor([-100, -100])).item()
    _, quantities = outcome(path.BY_ID["all_ignored"], {"bt_labels": (-100, -100)})
    assert math.isnan(all_ignored) and math.isnan(quantities["loss"]) and quantities["counted_rows"] == 0
    assert quantities["loss_is_nan"] == 1.0 and outcome(path.BY_ID["all_ignored"])[1]["loss_is_nan"] == 0.0


def test_soft_label_lesson_lowest_bce_at_p_0_7_is_at_y_1_in_torch(torch_cpu):
    p = torch_cpu.tensor([0.7], dtype=torch_cpu.float64)
    labels = torch_cpu.linspace(0, 1, 101, dtype=torch_cpu.float64)
    bce = [torch_cpu.nn.functional.binary_cross_entropy(p, y.reshape(1)).item() for y in labels]
    assert int(np.argmin(bce)) == 100  # y = 1
    for y, expected_done in ((1.0, True), (0.99, False), (0.7, False)):
        assert outcome(path.BY_ID["soft_label"], {"bin_y": y})[0] is expected_done


def test_api_mistake_lesson_is_done_by_fixed_code_not_by_the_pages_switch():
    lesson = path.BY_ID["api_mistake"]
    assert lesson.question.kind == "code" and "bin_mistake" in lesson.locked
    assert outcome(lesson, {}, FIXED_CODE)[0]
    for wrong in (
        None,
        STARTING_CODE,
        "not python (",
        FIXED_CODE.replace("y_pred, y_true", "y_true, y_pred"),
    ):
        assert not outcome(lesson, {}, wrong)[0]


def test_a_question_about_a_state_counts_once_the_state_was_reached():
    """The explain lessons: the state the question is about must be produced on the page; answering
    right afterwards (the state since left) still completes the lesson, answering without it does not."""
    lesson = path.BY_ID["all_ignored"]
    assert path.asks_after_state(lesson)
    assert not outcome(lesson, {}, 0, reached=False)[0]
    assert outcome(lesson, {}, 0, reached=True)[0]
    assert not outcome(lesson, {"bt_reduction": "sum"}, 0, reached=True)[0]  # a lock broken since
    assert not path.asks_after_state(path.BY_ID["gradient_signs"])  # nothing to produce first
