"""The 'check with PyTorch and Keras' panels' shared step: run each framework that is installed."""

import streamlit as st

from core.framework_check import is_installed
from ui.language import t


def run_installed(runners, *args):
    """Results of each (module, pip package, function) whose module is installed, called with `args`;
    for a missing module, a note saying how to install it. A function may return one result or a list."""
    results = []
    for module, package, run in runners:
        if not is_installed(module):
            st.info(t("check.missing", library=module, package=package))
            continue
        with st.spinner(t("check.loading")):
            outcome = run(*args)
        results.extend(outcome if isinstance(outcome, list) else [outcome])
    return results
