"""Lesson progress: the lessons done in this session (session state), mirrored in the browser's local
storage by a small components v2 module (progress.js), so it survives a reload without an account."""

from pathlib import Path

import streamlit as st

KEY = "cee_progress"
DONE = "_lessons_done"  # [lesson id, ...] in the order they were done; no widget owns it
REPLACE = "_lessons_replace"  # set for one run after a reset: the browser stores exactly DONE
FORGOTTEN = "_lessons_forgotten"  # the browser's last report before a reset: not read again

_COMPONENT = st.components.v2.component(
    "cee_progress",
    html='<span class="cee-progress" hidden></span>',
    js=(Path(__file__).parent / "progress.js").read_text(encoding="utf-8"),
)


def done_lessons(known_ids):
    """The lessons done, as far as this session and the browser's storage know (ids in `known_ids`
    only: the browser's storage is not trusted)."""
    from_browser = _reported()
    done = list(st.session_state.get(DONE, []))
    if isinstance(from_browser, list) and from_browser != st.session_state.get(FORGOTTEN):
        done += [lesson for lesson in from_browser if isinstance(lesson, str) and lesson not in done]
    st.session_state[DONE] = [lesson for lesson in done if lesson in known_ids]
    return st.session_state[DONE]


def mark_done(lesson_id):
    done = st.session_state.setdefault(DONE, [])
    if lesson_id not in done:
        done.append(lesson_id)


def forget():
    """Forget every lesson done, here and in the browser (on the next sync)."""
    st.session_state[DONE] = []
    st.session_state[FORGOTTEN] = _reported()
    st.session_state[REPLACE] = True


def _reported():
    reported = st.session_state.get(KEY)
    return reported.get("done") if reported else None


def sync(known_ids):
    """Draw the storage component: the browser adds what it had stored and stores what this session
    knows. Call after done_lessons and mark_done in the run."""
    replace = bool(st.session_state.pop(REPLACE, False))
    data = {"done": done_lessons(known_ids), "replace": replace}
    _COMPONENT(key=KEY, data=data, height="content")
