"""A message after a callback, shown next to the control that caused it.

Callbacks run before the page is drawn, so a callback leaves its message here (as i18n keys with their
fields, so a language switch translates it) and the page draws it where it belongs with `show`. A page
keeps one message at a time; a new one replaces it, `clear` removes it. `apply` is the usual callback:
it runs a topic's change (topics.shared.changes.Change) and says what the change says, or why the input
was refused.
"""

import streamlit as st

from topics.shared.inputs import MAX_PROBLEMS, InputError, message_key
from ui.language import t
from ui.url_state import set_values

MESSAGES = "_messages"  # {page: (where, kind, separator, [(i18n key, fields), ...])}; no widget owns it
BOXES = {"error": st.error, "success": st.success, "info": st.info}


def apply(page, where, change_of, *args, keeps=None):
    """Call `change_of(*args)`, a topic function that returns a Change: set its values and say its
    sentence (or clear the message). If it raises InputError, keep the values and say each problem,
    then `keeps` (what the page keeps showing)."""
    try:
        change = change_of(*args)
    except InputError as error:
        say_problems(page, where, error, keeps)
        return None
    set_values(change.values)
    if change.key is None:
        clear(page)
    else:
        say(page, where, change.kind, change.key, change.also, **change.fields)
    return change


def say(page, where, kind, key, also=(), **fields):
    """Remember a sentence of `kind` ("error", "success", "info") for the control `where`, followed in
    the same paragraph by the sentences `also` (keys without fields)."""
    sentences = [(key, fields), *((extra, {}) for extra in also)]
    st.session_state.setdefault(MESSAGES, {})[page] = (where, kind, " ", sentences)


def say_problems(page, where, error, keeps):
    """Remember why an input was refused: each problem of an InputError (the first MAX_PROBLEMS), then
    `keeps`, the sentence that says what the page keeps showing; a paragraph each."""
    paragraphs = [(message_key(problem), problem.params) for problem in error.problems[:MAX_PROBLEMS]]
    paragraphs += [(keeps, {})] if keeps else []
    st.session_state.setdefault(MESSAGES, {})[page] = (where, "error", "\n\n", paragraphs)


def clear(page):
    st.session_state.setdefault(MESSAGES, {}).pop(page, None)


def show(page, where, box_key=None):
    """Draw the page's message if it belongs to `where`, in a container keyed `box_key`."""
    message = st.session_state.get(MESSAGES, {}).get(page)
    if not message or message[0] != where:
        return
    _, kind, separator, parts = message
    with st.container(key=box_key):
        BOXES[kind](_words(separator, parts))


def toast(page, where, icon):
    """Show the page's message for `where` once, as a toast (and forget it)."""
    message = st.session_state.get(MESSAGES, {}).get(page)
    if message and message[0] == where:
        _, _, separator, parts = st.session_state[MESSAGES].pop(page)
        st.toast(_words(separator, parts), icon=icon)


def _words(separator, parts):
    """The message's sentences in the current language."""
    return separator.join(t(key, **fields) for key, fields in parts)


def problems_box(error, keeps, box_key, key_of=message_key):
    """An InputError's problems drawn at once (a table read during this run, not in a callback), with
    how many more there are and what the page keeps. `key_of(problem)` is a problem's message key."""
    lines = [t(key_of(problem), **problem.params) for problem in error.problems[:MAX_PROBLEMS]]
    more = len(error.problems) - MAX_PROBLEMS
    if more > 0:
        lines.append(t("input.more_problems", count=more))
    with st.container(key=box_key):
        st.error("\n\n".join([*lines, t(keeps)]), icon=":material/error:")
