"""The exercise maker ("Make an exercise from this state"), shown on a page when no exercise is open: the
teacher picks the controls to lock or hide, writes the task and adds up to MAX_CHECKS checks on the page's
checkable quantities (each shown passing or not in the current state); the maker gives the link that
carries all of it (topics.shared.exercises), its QR code (segno, SVG) and buttons to try or present it.
Nothing is computed while the maker is closed."""

import math
from functools import lru_cache
from urllib.parse import quote, urlencode, urlsplit

import segno
import streamlit as st

from topics.registry import BY_NAME
from topics.shared.exercises import (
    ARITY,
    KINDS,
    MAX_CHECKS,
    MAX_TASK_LENGTH,
    Check,
    Exercise,
    clean_task,
    exercise_params,
    quantity_label,
)
from topics.shared.formatting import fmt
from topics.shared.url_params import encode_params
from ui.language import labels, language_param, t

MAX_LINK_LENGTH = 2000  # a QR code of version 40 at error correction M holds 2,331 bytes


def say(label):
    """The words of a (string key, fields) pair, in the current language."""
    key, fields = label
    return t(key, **fields)


def maker(page, entry, specs, values, quantities_now):
    """ "Make an exercise": locked and hidden controls, a task, the checks (all must pass); the link and
    its QR code. `quantities_now()` gives the page's checkable quantities in this state."""
    checkable = entry.checkable
    if checkable is None:
        return
    box = st.expander(t("ex.make"), icon=":material/assignment_add:", key="ex_make", on_change="rerun")
    if not box.open:
        return  # nothing is computed for a closed maker (a QR code costs tens of milliseconds)
    with box:
        st.caption(t("ex.make.help"))
        keys = [spec.key for spec in specs]
        name = lambda key: say(checkable.control_label(key))  # noqa: E731
        choose = {"format_func": name, "placeholder": t("ex.make.choose")}
        locked = st.multiselect(t("ex.make.lock"), keys, key="ex_make_lock", **choose)
        hidden = st.multiselect(
            t("ex.make.hide"), [key for key in keys if key not in locked], key="ex_make_hide", **choose
        )
        task = st.text_area(
            t("ex.make.task"),
            key="ex_make_task",
            max_chars=MAX_TASK_LENGTH,
            placeholder=t("ex.make.task_placeholder"),
        )
        checks = checks_maker(checkable, quantities_now())
        try:
            task = clean_task(task)
        except ValueError as error:
            st.error(t("ex.make.task_error", error=str(error)))
            return
        exercise = Exercise(task, checks, tuple(locked), tuple(hidden))
        share(page, specs, values, exercise)


CHECK_ROWS = "ex_make_rows"  # the maker's check rows: [row id, ...] (an id names a row's widget keys)


def check_rows():
    return st.session_state.setdefault(CHECK_ROWS, [0])


def add_check_row():
    rows = check_rows()
    if len(rows) < MAX_CHECKS:
        rows.append(max(rows) + 1)


def remove_check_row(row):
    rows = check_rows()
    if row in rows and len(rows) > 1:
        rows.remove(row)


def checks_maker(checkable, quantities):
    """The checks the teacher picks (every one must pass: up to MAX_CHECKS, identical ones once); () when
    the state has no number to check."""
    names = [name for name in checkable.QUANTITY_NAMES if name in quantities and name != "classes"]
    if not names:
        st.caption(t("ex.make.no_quantity"))
        return ()
    st.caption(t("ex.make.checks_help", limit=MAX_CHECKS))
    rows = check_rows()
    checks = []
    for number, row in enumerate(rows, start=1):
        with st.container(border=True, key=f"ex_make_check_{row}"):
            check = check_row(row, number, names, quantities, len(rows) > 1, [c.quantity for c in checks])
            if check.text() in [earlier.text() for earlier in checks]:
                st.caption(t("ex.make.same_check"))
            checks.append(check)
    full = len(rows) >= MAX_CHECKS
    add = t("ex.make.add_check_full" if full else "ex.make.add_check", limit=MAX_CHECKS)
    st.button(add, key="ex_make_add", on_click=add_check_row, disabled=full, icon=":material/add:")
    checks = tuple({check.text(): check for check in checks}.values())  # a check twice: once in the link
    passing = sum(check.passes(quantities) for check in checks)
    st.caption(t("ex.make.summary", passing=passing, total=len(checks)))
    return checks


def check_row(row, number, names, quantities, removable, used):
    """One check: a quantity (a new row starts on one the rows above do not check yet: `used`), a kind
    and its numbers (starting near the quantity's value now)."""
    with st.container(horizontal=True, vertical_alignment="center"):
        st.markdown(f"**{t('ex.make.check_number', number=number)}**")
        if removable:
            st.button(
                t("ex.make.remove_check"),
                key=f"ex_make_remove_{row}",
                on_click=remove_check_row,
                args=(row,),
                icon=":material/delete:",
                type="tertiary",
            )
    left, right = st.columns(2)
    named = {"format_func": lambda name: say(quantity_label(name))}
    key = f"ex_make_quantity_{row}"
    if st.session_state.get(key) not in names:  # a new row (set once: a changing index would reset it)
        st.session_state[key] = next((name for name in names if name not in used), names[0])
    quantity = left.selectbox(t("ex.make.quantity"), names, key=key, **named)
    kinds = [kind for kind in KINDS if kind != "logk" or "classes" in quantities]
    kind = right.selectbox(t("ex.make.kind"), kinds, key=f"ex_make_kind_{row}", format_func=labels("ex.kind"))
    now = quantities[quantity]
    start = round(now, 4) if math.isfinite(now) else 0.0
    fields = {
        "near": (("ex.make.value", start), ("ex.make.tolerance", 0.001)),
        "between": (("ex.make.low", start - 0.05), ("ex.make.high", start + 0.05)),
        "below": (("ex.make.value", start),),
        "above": (("ex.make.value", start),),
        "logk": (("ex.make.tolerance", 0.001),),
    }[kind]
    columns = st.columns(ARITY[kind])
    numbers = tuple(
        column.number_input(
            t(label), value=float(value), format="%.4f", key=f"ex_make_n{i}_{row}_{quantity}_{kind}"
        )
        for i, (column, (label, value)) in enumerate(zip(columns, fields, strict=True))
    )
    check = made_check(quantity, kind, numbers)
    verdict = t("ex.make.passes" if check.passes(quantities) else "ex.make.fails")
    st.caption(t("ex.make.now", quantity=say(quantity_label(quantity)), value=fmt(now), verdict=verdict))
    return check


def made_check(quantity, kind, numbers):
    """The Check the maker's boxes hold: a range's ends in order, a tolerance not negative."""
    if kind == "between" and numbers[0] > numbers[1]:
        numbers = numbers[::-1]
    if kind in ("near", "logk"):
        numbers = (*numbers[:-1], abs(numbers[-1]))
    return Check(quantity, kind, tuple(numbers))


def exercise_link(page, specs, values, exercise, lang, base_url):
    """The link that opens `exercise` on `page` in the state `values` (only non-default values)."""
    query = encode_params(values, specs)
    query.update(encode_params({"lang": lang}, [language_param()]) if lang else {})
    query.update(exercise_params(exercise))
    return base_url + "?" + urlencode(query, quote_via=quote, safe=",:;")


def page_base_url(page):
    """The app's address of `page` as the browser sees it (st.context.url), without a query."""
    url = st.context.url or "http://localhost:8501/"
    parts = urlsplit(url)
    root = f"{parts.scheme}://{parts.netloc}"
    prefix = parts.path.rstrip("/")
    url_path = BY_NAME[page].url_path
    if prefix.endswith("/" + BY_NAME[page].name):
        prefix = prefix[: -len(BY_NAME[page].name) - 1]
    return f"{root}{prefix}/{url_path}"


def share(page, specs, values, exercise):
    lang = st.session_state.get("lang")
    link = exercise_link(page, specs, values, exercise, lang, page_base_url(page))
    if len(link) > MAX_LINK_LENGTH:
        st.error(t("ex.make.too_long", length=len(link)))
        return
    st.caption(t("ex.make.link"))
    st.code(link, language=None, wrap_lines=True)
    with st.container(key="ex_make_qr"):
        st.image(qr_svg(link), caption=t("ex.make.qr"), width=260)
    with st.container(horizontal=True, wrap=True):
        st.link_button(t("ex.make.open"), link, icon=":material/open_in_new:")
        st.link_button(t("ex.make.present"), link + "&present=1", icon=":material/cast_for_education:")


@lru_cache(maxsize=64)
def qr_svg(link):
    """The link as a QR code, an SVG document (segno: pure Python)."""
    return segno.make(link, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")
