"""The 'check with PyTorch and Keras' panels' shared parts: the panel itself, running each framework that
is installed, and the table of results."""

import streamlit as st

from core.framework_check import PIP_INSTALL, is_installed
from ui.language import t


def check_expander(label, key):
    """The panel's expander, or None while it is closed: its content is built only when someone opens it.

    A closed panel sends nothing, so a change elsewhere on the page does not redraw its snippets, and the
    browser does not load the code highlighter (1.5 MB of JavaScript) until it is needed."""
    panel = st.expander(label, icon=":material/fact_check:", key=key, on_change="rerun")
    return panel if panel.open else None


def run_installed(runners, *args):
    """Results of each (module, function) whose module is installed, called with `args`; for a missing
    module, a note saying how to install it. A function may return one result or a list."""
    results = []
    for module, run in runners:
        if not is_installed(module):
            st.info(t("check.missing", library=module, package=PIP_INSTALL[module]))
            continue
        with st.spinner(t("check.loading")):
            outcome = run(*args)
        results.extend(outcome if isinstance(outcome, list) else [outcome])
    return results


def check_table(rows, key, format_loss, core_label):
    """The check panel's table of batch_check.CheckRow: the framework's loss next to core's, the
    differences, and the long call last so the numbers stay in view on a phone."""
    table = {
        t("check.framework"): [r.framework for r in rows],
        t("check.loss"): [format_loss(r.loss) for r in rows],
        core_label: [format_loss(r.core_loss) for r in rows],
        t("check.loss_diff"): [f"{r.loss_diff:.1e}" for r in rows],
        t("check.grad_diff"): [f"{r.gradient_diff:.1e}" for r in rows],
        t("check.call"): [r.call for r in rows],
    }
    with st.container(key=key):
        st.dataframe(table, hide_index=True, width="stretch")
