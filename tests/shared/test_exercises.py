"""Exercise links (topics.shared.exercises): checks, task text and control lists parse strictly, encode
back to the same exercise, and refuse what a hostile or broken link may carry."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from topics.registry import BY_NAME
from topics.shared.exercises import (
    MAX_TASK_LENGTH,
    Check,
    Exercise,
    clean_task,
    exercise_params,
    judge,
    parse_check,
    quantity_label,
    read_exercise,
)
from topics.shared.i18n import STRINGS

PLAYGROUND = BY_NAME["playground"]
KEYS = [spec.key for spec in PLAYGROUND.url_specs()]
NAMES = PLAYGROUND.checkable.QUANTITY_NAMES


def read(query):
    return read_exercise(query, KEYS, NAMES)


@pytest.mark.parametrize(
    ("text", "passing", "failing"),
    [
        ("near:loss:0.417:0.001", 0.4175, 0.419),
        ("between:p0:0.4:0.6", 0.6, 0.61),
        ("below:loss:0.1", 0.0999, 0.1),
        ("above:g1:-0.5", -0.49, -0.5),
        ("logk:loss:0.001", math.log(3) + 0.0009, math.log(3) + 0.0011),
    ],
)
def test_each_check_kind_decides_at_its_bounds(text, passing, failing):
    check = parse_check(text, NAMES)
    quantity = check.quantity
    assert check.passes({quantity: passing, "classes": 3.0})
    assert not check.passes({quantity: failing, "classes": 3.0})
    assert not check.passes({quantity: math.nan, "classes": 3.0})  # NaN never passes
    assert not check.passes({"classes": 3.0})  # nor does a quantity the state lacks
    assert parse_check(check.text(), NAMES) == check


@pytest.mark.parametrize(
    "text",
    [
        "equal:loss:1",  # unknown kind
        "below:secret:1",  # unknown quantity
        "below:loss",  # too few numbers
        "below:loss:1:2",  # too many
        "below:loss:nan",
        "below:loss:inf",
        "below:loss:1e308",
        "below:loss:0x10",
        "between:loss:2:1",  # low above high
        "near:loss:1:-0.1",  # negative tolerance
        "",
        "below:__class__:1",
    ],
)
def test_a_broken_check_is_refused(text):
    with pytest.raises(ValueError):
        parse_check(text, NAMES)


@pytest.mark.parametrize(
    "task",
    [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "Look <b>here</b>",
        "&lt;b&gt;",
        "<!-- a comment -->",
        "bad \ufffd encoding",
        "a\x00null",
        "right-to-left \u202e override",
        "x" * (MAX_TASK_LENGTH + 1),
    ],
)
def test_task_text_with_markup_control_characters_or_too_long_is_refused(task):
    with pytest.raises(ValueError):
        clean_task(task)
    exercise, refused = read({"ex_task": task, "ex_check": "below:loss:0.1"})
    assert exercise is None and refused == ["ex_task"]


@pytest.mark.parametrize("task", ["Make the loss < 0.1 and p0 > 0.5", "让损失小于 0.1", "Use 2 < T", "a\nb"])
def test_ordinary_task_text_is_kept_as_it_is(task):
    assert clean_task(task) == task


@pytest.mark.parametrize(
    "query",
    [
        {"ex_lock": "pg_z0,not_a_control"},
        {"ex_hide": "__import__"},
        {"ex_lock": ",".join(["pg_z0"] * 31)},
        {"ex_check": ";".join(["below:loss:1"] * 5)},
        {"ex_check": "below:loss:1" + " " * 400},
        {"ex_check": "below:loss:1", "ex_lock": "pg_z0", "ex_hide": "pg_k,lang"},
    ],
)
def test_a_link_with_any_bad_part_opens_no_exercise(query):
    exercise, refused = read(query)
    assert exercise is None and refused


def test_a_link_without_exercise_parameters_is_no_exercise_and_no_notice():
    assert read({"pg_z0": "3", "lang": "zh"}) == (None, [])


def test_a_control_both_locked_and_hidden_is_locked():
    exercise, _ = read({"ex_lock": "pg_z0", "ex_hide": "pg_z0,pg_k"})
    assert exercise.locked == ("pg_z0",) and exercise.hidden == ("pg_k",)


TASKS = st.text(
    st.characters(blacklist_categories=("Cc", "Cf", "Co", "Cs"), blacklist_characters="<&"), max_size=80
)
CHECKS = st.builds(
    Check,
    st.sampled_from(["loss", "p0", "g2", "p_true"]),
    st.sampled_from(["below", "above"]),
    st.tuples(st.floats(-100, 100, allow_nan=False)),
) | st.builds(
    lambda low, width, name: Check(name, "between", (low, low + width)),
    st.floats(-10, 10, allow_nan=False),
    st.floats(0, 5, allow_nan=False),
    st.sampled_from(["loss", "p1"]),
)


@given(
    task=TASKS,
    checks=st.lists(CHECKS, min_size=1, max_size=4, unique_by=lambda check: check.text()),
    locked=st.lists(st.sampled_from(KEYS), max_size=4, unique=True),
    hidden=st.lists(st.sampled_from(KEYS), max_size=4, unique=True),
)
def test_an_exercise_round_trips_through_its_link_parameters(task, checks, locked, hidden):
    hidden = [key for key in hidden if key not in locked]
    made = Exercise(task.strip(), tuple(checks), tuple(locked), tuple(hidden))
    opened, refused = read(exercise_params(made))
    assert refused == []
    assert (opened.task, opened.locked, opened.hidden) == (made.task, made.locked, made.hidden)
    for mine, theirs in zip(opened.checks, made.checks, strict=True):
        assert (mine.quantity, mine.kind) == (theirs.quantity, theirs.kind)
        assert mine.numbers == pytest.approx(theirs.numbers, rel=1e-9, abs=1e-12)


def test_judge_needs_every_check_and_every_locked_value():
    exercise = Exercise(
        checks=(Check("loss", "below", (1.0,)), Check("p0", "above", (0.5,))), locked_values=(("pg_z0", 2.0),)
    )
    assert judge(exercise, {"loss": 0.5, "p0": 0.6}, {"pg_z0": 2.0}).done
    assert not judge(exercise, {"loss": 0.5, "p0": 0.4}, {"pg_z0": 2.0}).done
    assert not judge(exercise, {"loss": 0.5, "p0": 0.6}, {"pg_z0": 3.0}).done
    assert not judge(Exercise(), {"loss": 0.5}, {}).done  # nothing to check is not "done"


@pytest.mark.parametrize(
    "page", [entry for entry in BY_NAME.values() if entry.checkable], ids=lambda e: e.name
)
def test_every_page_quantity_has_a_label_and_every_control_a_label_in_both_languages(page):
    defaults = {spec.key: spec.default for spec in page.url_specs()}
    found = page.checkable.quantities(defaults)
    assert found and set(found) <= set(page.checkable.QUANTITY_NAMES)
    assert all(isinstance(value, float) for value in found.values())
    for lang in ("en", "zh"):
        for name in page.checkable.QUANTITY_NAMES:
            key, fields = quantity_label(name)
            assert STRINGS[lang][key].format(**fields)
        for spec in page.url_specs():
            key, fields = page.checkable.control_label(spec.key)
            assert STRINGS[lang][key].format(**fields)
