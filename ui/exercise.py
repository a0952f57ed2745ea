"""Exercises and lessons on a page, and presenter mode: one call per page, `exercise_panel(page)`, right
after the page's restore() and before its controls are drawn.

An exercise is opened once per session and page, from the link (ex_task, ex_check, ex_lock, ex_hide:
topics.shared.exercises) or from a lesson (?lesson=<id>, topics.lessons). While it is open:
- its locked controls hold their values: set again at the top of each run, left alone by set_values
  (ui.url_state), and drawn with Streamlit's `disabled` (ui.controls draws its own so; a page that draws
  a widget itself passes `disabled=ui.controls.locked(key)`); its hidden controls are not drawn
  (ui.controls) or hidden (CSS);
- the panel shows the task, each check passing or not, and "done" when the checks pass on the page's
  live quantities (the page's checkable module, through core);
- its parameters stay in the URL (ui.url_state.publish adds them), so a reload keeps it.
A fragment's run (a slider inside st.fragment) does not redraw the panel: publish calls
redraw_if_changed, which reruns the whole page when what the panel shows has changed.
With no exercise open, the panel is "Make an exercise" (ui.exercise_maker): the link, a QR code.
"""

import math
from dataclasses import replace
from functools import lru_cache

import streamlit as st

from topics.lessons import lessons as path
from topics.lessons import snippet_fix
from topics.registry import BY_NAME
from topics.shared.exercises import (
    LESSON_KEY,
    YES_NO_QUANTITIES,
    Exercise,
    exercise_params,
    judge,
    lesson_param,
    presenter_param,
    quantity_label,
    read_exercise,
)
from topics.shared.formatting import fmt
from topics.shared.url_params import encode_params, read_params
from ui import progress
from ui.controls import CONTROL_MODES
from ui.exercise_maker import maker, say
from ui.language import labels, t
from ui.url_state import EXTRA_PARAMS, KEPT, LOCKED_KEYS, PAGE_DRAWN, current_values

OPENED = "_exercise_open"  # {page: Exercise}
READ = "_exercise_read"  # {page: refused parameter names}: the page's link was read for an exercise
DRAWN = "_exercise_drawn"  # (page, fingerprint) of what the last full run's panel showed
REDRAWN = "_exercise_redrawn"  # the fingerprint a fragment's run last reran the page for
ANSWERS = "_lesson_answers"  # {lesson id: an option index, or a tuple of predicted signs}
PRESENTING = "_presenting"
FIRST_VALUES = "_lesson_first_values"  # {lesson id: the control values it was opened with}
REACHED = "_lesson_reached"  # {lesson id, ...}: lessons whose checks have passed since they were started
SWITCH = "_exercise_switch"  # (page script, query) a callback asked to switch to
SIGNS = {-1: "−", 1: "+", 0: "0", None: "?"}


# Opening and keeping an exercise


def exercise_panel(page):
    """The exercise or lesson open on `page` (a name in topics.registry), or the exercise maker."""
    follow_switch()
    entry = BY_NAME[page]
    specs = entry.url_specs()
    exercise = open_exercise(page, specs)
    hold(page, exercise)
    refused = st.session_state[READ][page]
    if refused:
        st.warning(t("ex.notice_bad", items=", ".join(refused)), icon=":material/link_off:")
    values = current_values(specs)
    if exercise.active:
        task_panel(page, entry, exercise, values)
    elif not presenting():
        maker(page, entry, specs, values, lambda: page_quantities(page, tuple(sorted(values.items()))))
    st.session_state[DRAWN] = (page, fingerprint(page, values))


def hold(page, exercise):
    """Put the locked controls back to their values (before any widget of this run is drawn), tell
    ui.controls and set_values which controls are locked or hidden, and keep the exercise in the URL."""
    for key, value in exercise.locked_values:
        if st.session_state.get(key) != value:
            st.session_state[key] = value
    modes = {key: "hidden" for key in exercise.hidden} | {key: "locked" for key in exercise.locked}
    st.session_state[CONTROL_MODES] = modes
    st.session_state[LOCKED_KEYS] = exercise.locked
    presenter = {"present": "1"} if presenting() else {}
    st.session_state[EXTRA_PARAMS] = (page, exercise_params(exercise) | presenter)


def open_exercise(page, specs):
    """The page's open exercise; the first time in a session, the one its link carries (if any)."""
    opened = st.session_state.setdefault(OPENED, {})
    read = st.session_state.setdefault(READ, {})
    if page not in read:
        exercise, refused = exercise_from_link(page, specs, st.query_params.to_dict())
        read[page] = refused
        if exercise is not None:
            opened[page] = exercise
    return opened.get(page, Exercise())


def exercise_from_link(page, specs, query):
    """(Exercise or None, refused parameter names): a lesson (?lesson=<id> of a lesson on this page)
    or an exercise carried by ex_* parameters, with its locked controls at their current values."""
    if LESSON_KEY in query:
        valid, refused = read_params(query, [lesson_param(path.BY_ID)])
        lesson = path.BY_ID.get(valid.get(LESSON_KEY))
        if refused or lesson is None or lesson.page != page:
            return None, [LESSON_KEY]
        return lesson_exercise(lesson, specs), []
    checkable = BY_NAME[page].checkable
    if checkable is None:
        return None, []
    exercise, refused = read_exercise(query, [spec.key for spec in specs], checkable.QUANTITY_NAMES)
    if exercise is None:
        return None, refused
    locked_values = tuple((key, st.session_state[key]) for key in exercise.locked)
    return replace(exercise, locked_values=locked_values), []


def lesson_exercise(lesson, specs):
    """The lesson as an exercise whose locked controls hold the lesson's starting values."""
    start = lesson_values(lesson, specs)
    return lesson.exercise({key: start[key] for key in lesson.locked})


def lesson_values(lesson, specs):
    return {spec.key: spec.default for spec in specs} | lesson.values


def leave_exercise(page):
    st.session_state[OPENED].pop(page, None)
    st.session_state[CONTROL_MODES] = {}
    st.session_state[LOCKED_KEYS] = ()


def start_lesson(lesson):
    """A button's callback: open `lesson` on its page in its starting state (a fresh start, whatever the
    page held) once the run reaches follow_switch."""
    specs = BY_NAME[lesson.page].url_specs()
    start = lesson_values(lesson, specs)
    kept = st.session_state.get(KEPT, {})
    for spec in specs:
        st.session_state[spec.key] = start[spec.key]
        kept[spec.key] = start[spec.key]
    st.session_state[KEPT] = kept
    st.session_state.setdefault(READ, {})[lesson.page] = []
    st.session_state.setdefault(OPENED, {})[lesson.page] = lesson_exercise(lesson, specs)
    st.session_state.setdefault(ANSWERS, {}).pop(lesson.id, None)
    st.session_state.setdefault(FIRST_VALUES, {}).pop(lesson.id, None)
    st.session_state.setdefault(REACHED, set()).discard(lesson.id)
    st.session_state.pop(code_key(lesson.id), None)  # the snippet starts again from seed 001's code
    query = encode_params(start, specs) | {LESSON_KEY: lesson.id}
    st.session_state[SWITCH] = (BY_NAME[lesson.page].script, query)


def follow_switch():
    """Go where a callback asked to go (start_lesson): callbacks do not switch pages themselves."""
    switch = st.session_state.pop(SWITCH, None)
    if switch is not None:
        st.switch_page(switch[0], query_params=switch[1])


# What the panel shows, and a rerun when it changes


def status(page, exercise, values):
    """(Verdict, lesson done or None, answer right or None, tried) for the live values."""
    quantities = page_quantities(page, tuple(sorted(values.items())))
    verdict = judge(exercise, quantities, values)
    lesson = path.BY_ID.get(exercise.lesson)
    if lesson is None:
        return verdict, None, None, True, quantities
    answer = st.session_state.get(ANSWERS, {}).get(lesson.id)
    right = path.answer_right(lesson.question, answer, quantities)
    reached = st.session_state.setdefault(REACHED, set())
    if verdict.done:
        reached.add(lesson.id)  # the state a question asks about was produced on the page
    done = path.lesson_done(lesson, verdict, answer, quantities, reached=lesson.id in reached)
    first = st.session_state.setdefault(FIRST_VALUES, {}).setdefault(lesson.id, values)
    tried = answer is not None or values != first
    return verdict, done, right, tried, quantities


@lru_cache(maxsize=256)
def page_quantities(page, values):
    """The page's checkable quantities for its control values (a sorted tuple of (key, value) pairs):
    cached, since the panel and publish's redraw check both need them in one run."""
    return BY_NAME[page].checkable.quantities(dict(values))


def fingerprint(page, values):
    """What the panel shows that a change of the controls can change."""
    exercise = st.session_state.get(OPENED, {}).get(page)
    if exercise is not None and exercise.active:
        verdict, done, right, tried, _ = status(page, exercise, values)
        return (tuple(passed for _, passed in verdict.checks), verdict.locks_kept, done, right, tried)
    if st.session_state.get("ex_make"):  # the maker is open: its link holds the state
        return tuple(sorted(values.items()))
    return None


def redraw_if_changed(values):
    """Called by publish at the end of every run, a fragment's included: rerun the whole page when the
    panel drawn by the last full run no longer shows what these values give."""
    drawn = st.session_state.get(DRAWN)
    if not values or drawn is None or not set(values) <= {spec.key for spec in BY_NAME[drawn[0]].url_specs()}:
        return
    now = fingerprint(drawn[0], values)
    if now != drawn[1] and st.session_state.get(REDRAWN) != now:
        st.session_state[REDRAWN] = now  # at most one rerun for one change
        st.rerun()


# The panel


def task_panel(page, entry, exercise, values):
    verdict, done, right, tried, quantities = status(page, exercise, values)
    lesson = path.BY_ID.get(exercise.lesson)
    hide_elements(exercise, lesson, right)
    with st.container(border=True, key="ex_panel"):
        if lesson is not None:
            lesson_words(lesson)
        else:
            st.markdown(f"**{t('ex.task_heading')}**")
            if exercise.task:
                st.text(exercise.task)  # never Markdown or HTML: the text came from a link
        if exercise.checks:
            checks_state(verdict, quantities)
        if exercise.locked:
            locked = ", ".join(say(entry.checkable.control_label(key)) for key in exercise.locked)
            st.caption(t("ex.locked_note", items=locked))
        if not verdict.locks_kept:
            st.warning(t("ex.locks_broken", items=", ".join(exercise.locked)))
        if lesson is not None and lesson.question is not None:
            question(lesson, quantities, right)
        finished = done if lesson is not None else verdict.done
        with st.container(key="ex_status"):
            if finished:
                st.success(t("ex.done"), icon=":material/task_alt:")
            elif exercise.checks or lesson is not None:
                st.info(t("ex.not_yet"), icon=":material/pending:")
        if lesson is not None:
            if finished:
                progress.mark_done(lesson.id)
            lesson_help(lesson, tried)
            lesson_buttons(page, lesson, finished)
            progress.sync(path.BY_ID)
        else:
            st.button(t("ex.leave"), key="ex_leave", on_click=leave_exercise, args=(page,))


def checks_state(verdict, quantities):
    """Each check with its state (an icon and a word, not colour alone) and the value it sees now."""
    st.caption(t("ex.checks"))
    with st.container(key="ex_checks"):
        for check, passed in verdict.checks:
            icon = ":green[:material/check_circle:]" if passed else ":gray[:material/radio_button_unchecked:]"
            now = value_words(check.quantity, quantities.get(check.quantity, math.nan))
            st.markdown(f"{icon} {check_words(check, quantities)} · {t('ex.check.now', value=now)}")
    if len(verdict.checks) > 1:
        passing = sum(passed for _, passed in verdict.checks)
        st.caption(t("ex.checks_summary", passing=passing, total=len(verdict.checks)))


def lesson_words(lesson):
    number, total = path.position(lesson.id), len(path.LESSONS)
    title = t(f"ls.{lesson.id}.title")
    st.markdown(f"**{t('ex.lesson_heading', number=number, total=total, title=title)}**")
    st.markdown(t(f"ls.{lesson.id}.goal"))
    st.markdown(f"**{t('ex.try')}** · {t(f'ls.{lesson.id}.try')}")


def check_words(check, quantities):
    name = say(quantity_label(check.quantity))
    numbers = [f"{number:g}" for number in check.numbers]
    yes_or_no = check.kind == "near" and check.numbers in ((1.0, 0.0), (0.0, 0.0))
    if check.quantity in YES_NO_QUANTITIES and yes_or_no:
        return t("ex.check.yes" if check.numbers[0] else "ex.check.no", quantity=name)
    if check.kind == "near":
        return t("ex.check.near", quantity=name, value=numbers[0], tolerance=numbers[1])
    if check.kind == "between":
        return t("ex.check.between", quantity=name, low=numbers[0], high=numbers[1])
    if check.kind == "logk":
        classes = int(quantities.get("classes", 0))
        log_k = fmt(math.log(classes)) if classes > 0 else "?"
        return t("ex.check.logk", quantity=name, tolerance=numbers[0], classes=classes, log_k=log_k)
    return t(f"ex.check.{check.kind}", quantity=name, value=numbers[0])


def value_words(quantity, value):
    """A quantity's value as the panel says it: "yes" / "no" for a yes-no quantity, else the number."""
    if quantity in YES_NO_QUANTITIES and value in (0.0, 1.0):
        return t("ex.yes" if value else "ex.no")
    return fmt(value)


def question(lesson, quantities, right):
    """The lesson's question; its answer is kept (ANSWERS)."""
    kind = lesson.question.kind
    if kind == "choice":
        if path.asks_after_state(lesson) and lesson.id not in st.session_state.get(REACHED, set()):
            st.caption(t("ex.question_after_state"))  # first produce the state, then explain it
            return
        choice_question(lesson, right)
    elif kind == "code":
        code_question(lesson)
    else:
        signs_question(lesson, quantities, right)


def choice_question(lesson, right):
    """A choice between sentences; after a check, why the chosen one is right or wrong."""
    st.markdown(f"**{t(f'ls.{lesson.id}.question')}**")
    options = list(range(lesson.question.options))
    key = f"ls_choice_{lesson.id}"
    wording = labels(f"ls.{lesson.id}.option")
    choice = st.radio(t("ex.your_answer"), options, key=key, index=None, format_func=wording)
    check = {"on_click": answer, "args": (lesson.id, (key,)), "disabled": choice is None}
    st.button(t("ex.check_answer"), key=f"ls_check_{lesson.id}", **check)
    given = st.session_state.get(ANSWERS, {}).get(lesson.id)
    if given is not None:
        verdict = t("ex.answer_right" if right else "ex.answer_wrong")
        (st.success if right else st.error)(f"{verdict} {t(f'ls.{lesson.id}.why.{given}')}")


def signs_question(lesson, quantities, right):
    """Predict the sign of each gradient entry, then reveal the gradient."""
    st.caption(t("ex.predict"))
    count = lesson.question.options
    keys = tuple(f"ls_sign_{lesson.id}_{k}" for k in range(count))
    guess = tuple(
        column.segmented_control(t("ex.sign_of", index=k), [-1, 1], key=key, format_func=SIGNS.get)
        for k, (column, key) in enumerate(zip(st.columns(count), keys, strict=True))
    )
    reveal = t("ex.reveal")
    st.button(
        reveal, key=f"ls_reveal_{lesson.id}", disabled=None in guess, on_click=answer, args=(lesson.id, keys)
    )
    answers = st.session_state.get(ANSWERS, {})
    if lesson.id in answers:
        shown = ", ".join(SIGNS[sign] for sign in path.signs(quantities, count))
        said = ", ".join(SIGNS[sign] for sign in answers[lesson.id])
        if right:
            st.success(t("ex.predict_right", signs=f"({shown})"))
        else:
            st.error(t("ex.predict_wrong", signs=f"({shown})", guess=f"({said})"))


def code_key(lesson_id):
    return f"ls_code_{lesson_id}"


def code_question(lesson):
    """Seed 001's snippet in a text box: the student fixes it, the app reads the fix (never runs it) and
    says what the code computes, through core."""
    key = code_key(lesson.id)
    if key not in st.session_state:
        st.session_state[key] = snippet_fix.STARTING_CODE
    code_box = "font-family: monospace; white-space: pre; overflow-x: auto"  # code lines do not wrap
    st.html(f"<style>.st-key-{key} textarea {{ {code_box}; }}</style>")
    st.text_area(t("ls.code.editor"), key=key, height=240, max_chars=snippet_fix.MAX_CODE_LENGTH)
    with st.container(horizontal=True, wrap=True):
        check = {"on_click": answer, "args": (lesson.id, (key,)), "type": "primary"}
        st.button(t("ls.code.check"), key=f"ls_code_check_{lesson.id}", **check)
        restart = {"on_click": restart_code, "args": (lesson.id,), "icon": ":material/restart_alt:"}
        st.button(t("ls.code.reset"), key=f"ls_code_reset_{lesson.id}", **restart)
    given = st.session_state.get(ANSWERS, {}).get(lesson.id)
    if not isinstance(given, str):
        st.caption(t("ls.code.not_checked"))
        return
    verdict = snippet_fix.check_fix(given)
    with st.container(key="ls_code_verdict"):
        (st.success if verdict.right else st.error)(t(f"ls.code.{verdict.key}", **verdict.fields))
        if verdict.loss is not None:
            st.caption(t("ls.code.loss", loss=fmt(verdict.loss), intended=fmt(verdict.intended)))


def restart_code(lesson_id):
    st.session_state[code_key(lesson_id)] = snippet_fix.STARTING_CODE
    st.session_state.setdefault(ANSWERS, {}).pop(lesson_id, None)


def answer(lesson_id, keys):
    """Keep the answer held by the widgets `keys`: one option index or code text, or a tuple of signs."""
    given = tuple(st.session_state.get(key) for key in keys)
    st.session_state.setdefault(ANSWERS, {})[lesson_id] = given[0] if len(keys) == 1 else given


def lesson_help(lesson, tried):
    with st.expander(t("ex.hint"), icon=":material/lightbulb:"):
        st.markdown(t(f"ls.{lesson.id}.hint"))
    if tried:
        with st.expander(t("ex.answer"), icon=":material/key:"):
            st.markdown(t(f"ls.{lesson.id}.answer"))
    else:
        st.caption(t("ex.answer_after_try"))


def lesson_buttons(page, lesson, finished):
    with st.container(horizontal=True, wrap=True):
        following = path.next_lesson(lesson.id)
        if following is not None:
            kind = "primary" if finished else "secondary"
            icon = ":material/arrow_forward:"
            st.button(
                t("ex.next"), key="ls_next", type=kind, icon=icon, on_click=start_lesson, args=(following,)
            )
        st.page_link(BY_NAME["lessons"].script, label=t("ex.back"), icon=":material/school:")
        st.button(t("ex.leave"), key="ex_leave", on_click=leave_exercise, args=(page,))


def hide_elements(exercise, lesson, right):
    """CSS that hides the hidden controls a page draws itself (and a lesson's elements until its question
    is answered). Locked controls need no CSS: every widget of a control is drawn with Streamlit's own
    `disabled` (ui.controls.locked), and the live components hold their locked keys still."""
    hidden = list(exercise.hidden)
    if lesson is not None and right is not True and st.session_state.get(ANSWERS, {}).get(lesson.id) is None:
        hidden += lesson.hidden_until_answered
    rules = [f".st-key-{key} {{ display: none !important; }}" for key in hidden]
    if rules:
        st.html("<style>" + "\n".join(rules) + "</style>")


# Presenter mode


def presenting():
    return bool(st.session_state.get(PRESENTING))


def presenter_mode():
    """Called by app.py before the page runs: ?present=1 turns presenter mode on for the session (larger
    type, no sidebar, only the controls the exercise leaves visible), and every page then starts with the
    button that turns it off (the sidebar, where a switch would be, is hidden)."""
    if PRESENTING not in st.session_state:
        valid, _ = read_params(st.query_params.to_dict(), [presenter_param()])
        st.session_state[PRESENTING] = valid.get("present", False)
    if presenting():
        st.html(PRESENTER_CSS)
        exit_button = {"on_click": leave_presenter_mode, "icon": ":material/close_fullscreen:"}
        st.button(t("ex.present.exit"), key="ex_present_exit", type="tertiary", **exit_button)


def presenter_params():
    """Keep ?present=1 in the link of a page without an exercise panel (the lessons page) while
    presenting, so a reload stays in presenter mode (publish adds EXTRA_PARAMS to the page drawn)."""
    page = st.session_state.get(PAGE_DRAWN)
    st.session_state[EXTRA_PARAMS] = (page, {"present": "1"} if presenting() else {})


def leave_presenter_mode():
    st.session_state[PRESENTING] = False


PRESENTER_CSS = """<style>
html { font-size: 20px; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stSidebarNav"], header[data-testid="stHeader"] { display: none !important; }
.stMainBlockContainer, [data-testid="stMainBlockContainer"] { max-width: 100%; padding-top: 1rem; }
</style>"""
