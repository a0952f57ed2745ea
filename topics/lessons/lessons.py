"""The lessons of the guided path, in order: each names its page, the state it starts in (control values
over the page's defaults), the controls it locks or hides, and what is checked from the page's live state
(topics.shared.exercises checks on the quantities of the page's checkable module), plus, for some, a
question: a choice between sentences (asked once the lesson's state is reached on the page, each option
with why it is right or wrong), a prediction of the gradient's signs before they are shown, or code to fix
(topics.lessons.snippet_fix reads it, never runs it).

Words live in the string tables under "ls.<id>.*": title, goal, try, hint, answer (and question, option.N,
why.N).
This module is data: it imports no other topic (the registry gives each page's quantities).
"""

import math
from dataclasses import dataclass

from topics.lessons import snippet_fix
from topics.shared.exercises import Check, Exercise


@dataclass(frozen=True)
class Question:
    """kind "choice": `options` sentences (ls.<id>.option.N, each with ls.<id>.why.N), `correct` the right
    one's index; asked once the lesson's checks have passed on the page (the state the question is about).
    kind "signs": predict the sign of gradient entries g0 .. g{options-1} before they are shown.
    kind "code": fix seed 001's snippet in a text box (topics.lessons.snippet_fix)."""

    kind: str
    options: int
    correct: int = -1


@dataclass(frozen=True)
class Lesson:
    id: str
    page: str  # a page name in topics.registry
    values: dict  # the starting state: control values that differ from the page's defaults
    checks: tuple = ()
    locked: tuple = ()
    hidden: tuple = ()
    question: Question | None = None
    hidden_until_answered: tuple = ()  # keyed page elements hidden until the question is answered

    def exercise(self, locked_values):
        """The lesson as an Exercise (its words come from the string tables)."""
        return Exercise(
            checks=self.checks,
            locked=self.locked,
            hidden=self.hidden,
            locked_values=tuple(locked_values.items()),
            lesson=self.id,
        )


PLAYGROUND_LOGITS = ("pg_z0", "pg_z1", "pg_z2")
SAMPLE_SETUP = ("pg_k", "pg_target", "pg_t")

LESSONS = (
    Lesson(
        "softmax",
        "playground",
        {"pg_input": "sliders"},
        checks=(Check("loss", "logk", (0.001,)),),
        locked=SAMPLE_SETUP,
    ),
    Lesson(
        "one_sample",
        "playground",
        {"pg_input": "sliders"},
        checks=(Check("p_true", "between", (0.89, 0.91)),),
        locked=(*SAMPLE_SETUP, "pg_class"),
    ),
    Lesson(
        "temperature",
        "playground",
        {"pg_input": "sliders"},
        checks=(Check("loss", "below", (0.1,)),),
        locked=("pg_k", "pg_target", "pg_class", *PLAYGROUND_LOGITS),
        hidden=("pg_paste", "pg_step_button", "pg_random_button", "pg_reset_button"),
    ),
    Lesson(
        "gradient_signs",
        "playground",
        {"pg_input": "sliders", "pg_class": 1},
        locked=(*SAMPLE_SETUP, "pg_class", "pg_input", *PLAYGROUND_LOGITS),
        hidden=("pg_paste", "pg_step_button", "pg_random_button", "pg_reset_button"),
        question=Question("signs", 3),
        # every element that shows the gradient or its effect: the chart, the sentence that reads it, the
        # drag bars, the torch/Keras check (it lists the gradient) and the descent path (p moves along it)
        hidden_until_answered=("pg_grad", "pg_grad_sentence", "pg_drag_box", "pg_check_open", "pg_path"),
    ),
    Lesson(
        "not_mse",
        "gradient",
        {},
        checks=(Check("p_true", "below", (0.05,)),),
        locked=("gr_class", "gr_t", "gr_eps"),
        question=Question("choice", 3, correct=1),
    ),
    Lesson(
        "batch_mean",
        "batch",
        {},
        checks=(Check("counted_rows", "between", (1.0, 1.0)), Check("loss", "near", (0.417, 0.0005))),
        locked=("bt_reduction", "bt_target", "bt_weight", "bt_ls"),
    ),
    Lesson(
        "all_ignored",
        "batch",
        {},
        checks=(Check("loss_is_nan", "near", (1.0, 0.0)),),
        locked=("bt_reduction", "bt_target", "bt_ignore"),
        question=Question("choice", 3, correct=0),
    ),
    Lesson(
        "nll_routes",
        "batch",
        {},
        checks=(Check("loss", "above", (2.0,)), Check("route_spread", "below", (1e-9,))),
        locked=("bt_reduction", "bt_target"),
        question=Question("choice", 3, correct=2),
    ),
    Lesson(
        "soft_label",
        "binary",
        {"bin_form": "prob", "bin_p": 0.7},
        checks=(Check("bce_above_lowest", "below", (1e-9,)),),
        locked=("bin_form", "bin_p", "bin_pw", "bin_ls"),
    ),
    Lesson(
        "api_mistake",
        "binary",
        {"bin_mistake": True},
        locked=("bin_mistake",),  # the page's own switch would show the fixed snippet
        question=Question("code", 0),
    ),
)
BY_ID = {lesson.id: lesson for lesson in LESSONS}


def position(lesson_id):
    """1-based place of a lesson on the path."""
    return next(n for n, lesson in enumerate(LESSONS, start=1) if lesson.id == lesson_id)


def next_lesson(lesson_id):
    """The lesson after `lesson_id`, or None after the last."""
    index = position(lesson_id)
    return LESSONS[index] if index < len(LESSONS) else None


def signs(quantities, count):
    """The signs (-1, 0, +1) of gradient entries g0 .. g{count-1} (0 below 1e-12 in size)."""
    return tuple(_sign(quantities.get(f"g{k}", math.nan)) for k in range(count))


def answer_right(question, answer, quantities):
    """Whether `answer` (an option index, or a tuple of predicted signs) is right for the live state."""
    if question is None:
        return True
    if answer is None:
        return False
    if question.kind == "choice":
        return answer == question.correct
    if question.kind == "code":
        return isinstance(answer, str) and snippet_fix.check_fix(answer).right
    return tuple(answer) == signs(quantities, question.options)


def asks_after_state(lesson):
    """Whether the lesson's question waits for its checks to pass (the state it asks about)."""
    return lesson.question is not None and lesson.question.kind == "choice" and bool(lesson.checks)


def lesson_done(lesson, verdict, answer, quantities, reached=False):
    """Done: the locked controls are kept, every check passes (now, or `reached`: earlier in this
    lesson, for a question about that state), and the question (if any) is answered right."""
    checks_done = verdict.done or (reached and verdict.locks_kept) if lesson.checks else verdict.locks_kept
    return checks_done and answer_right(lesson.question, answer, quantities)


def _sign(value):
    if not math.isfinite(value):
        return None
    return 0 if abs(value) < 1e-12 else (1 if value > 0 else -1)
