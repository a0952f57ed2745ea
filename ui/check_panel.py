"""The one "check with PyTorch and Keras" panel every page calls with its own rows.

The panel is an expander whose content is built only while it is open; inside, the page's snippets (code
that reproduces its numbers), a switch, and once the switch is on, each installed framework run on the
page's numbers: a table of topics.shared.checks.CheckRow (the framework's value beside core's, their
differences, the call) and one sentence that says whether they agree under core.agreement's rule.
"""

from dataclasses import dataclass, field

import streamlit as st

from topics.shared.checks import PIP_INSTALL, is_installed, rows_agree, tolerance_words
from topics.shared.formatting import fmt
from ui.errors import friendly_fragment
from ui.language import current_language, t
from ui.readouts import text_table

CHECK_ICON = ":material/fact_check:"


@dataclass(frozen=True)
class CheckWords:
    """The words and number format of a page's panel (i18n keys); the defaults suit one loss."""

    title: str = "check.title"
    switch: str = "check.open"
    closed: str | None = None  # said while the switch is off
    value_column: str = "check.loss"
    core_column: str = "check.core"
    agree: str = "check.agree"
    disagree: str = "check.disagree"
    format_value: object = field(default=lambda value: fmt(value, 6))


@friendly_fragment
def check_panel(key, runners, *args, words=CheckWords(), snippets=None, intro=None, listed=None):
    """The panel, keyed `key` (its expander is `<key>_open`, its switch `key`).

    `runners`: (module, function) pairs; each function is called with `args` and returns CheckRows, and
    runs only if its module is installed (else the panel says how to install it). `snippets`:
    {tab title: code}. `intro`: a sentence shown first. `listed`: every call the table lists, as CheckRows
    whose value is None; a call that did not run keeps that row, shown as not run.

    A fragment: opening the panel or turning its switch reruns only the panel."""
    panel = st.expander(t(words.title), icon=CHECK_ICON, key=f"{key}_open", on_change="rerun")
    if not panel.open:
        return  # a closed panel sends nothing: no snippets redrawn, no code highlighter loaded
    with panel:
        if intro:
            st.info(intro, icon=":material/info:")
        if snippets:
            show_snippets(snippets)
        if not st.toggle(t(words.switch), key=key):
            if words.closed:
                st.caption(t(words.closed))
            return
        rows = run_installed(runners, *args)
        if not rows:
            return
        check_table(merged(listed, rows) if listed else rows, key, words)
        verdict = words.agree if rows_agree(rows) else words.disagree
        st.write(t(verdict, tolerance=tolerance_words(current_language())))


def show_snippets(snippets):
    """Code in one block, or in tabs when there is more than one."""
    if len(snippets) == 1:
        st.code(next(iter(snippets.values())), language="python")
        return
    for tab, code in zip(st.tabs(list(snippets)), snippets.values(), strict=True):
        tab.code(code, language="python")


def run_installed(runners, *args):
    """The rows of each runner whose module is installed; for a missing module, a note saying how to
    install it."""
    rows = []
    for module, run in runners:
        if not is_installed(module):
            st.info(t("check.missing", library=module, package=PIP_INSTALL[module]))
            continue
        with st.spinner(t("check.loading")):
            rows.extend(run(*args))
    return rows


def merged(listed, rows):
    """`listed` in its order, each call that ran replaced by its row."""
    ran = {row.call: row for row in rows}
    return [ran.get(row.call, row) for row in listed]


def check_table(rows, key, words):
    """The framework's value next to core's, the differences, and the long call last so the numbers stay
    in view on a phone. A row that did not run says so."""
    not_run = t("check.not_run")
    table = {
        t("check.framework"): [row.framework for row in rows],
        t(words.value_column): [
            not_run if row.loss is None else words.format_value(row.loss) for row in rows
        ],
        t(words.core_column): [words.format_value(row.core_loss) for row in rows],
        t("check.loss_diff"): ["" if row.loss is None else f"{row.loss_diff:.1e}" for row in rows],
    }
    if any(row.gradient is not None for row in rows):
        table[t("check.grad_diff")] = [
            "" if row.gradient is None else f"{row.gradient_diff:.1e}" for row in rows
        ]
    table[t("check.call")] = [row.call for row in rows]
    text_table(table, f"{key}_table")
