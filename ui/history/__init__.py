"""One browser-history entry per page: query-string changes replace the current entry.

Streamlit pushes a history entry for every change of the query string, and every control here lives in
the URL, so Back stepped through slider values one at a time. history.js makes a same-path pushState
replace the entry instead; changing page still pushes. app.py draws this once per run, in the sidebar
(an element of no height there).
"""

from pathlib import Path

import streamlit as st

_COMPONENT = st.components.v2.component(
    "cee_history",
    html="",
    js=(Path(__file__).parent / "history.js").read_text(encoding="utf-8"),
)


def one_history_entry_per_page():
    _COMPONENT(key="cee_history", height="content")
