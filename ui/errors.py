"""A friendly error box for visitors; the full traceback goes to the server log under the same short id.

Streamlit's own control flow (st.rerun, st.stop, st.switch_page) raises RerunException/StopException,
which derive from BaseException, so catching Exception here never swallows them. The id lets whoever
hosts the app find the traceback: `grep <id>` in the server log.

Tests set EXPLORER_RAISE_ERRORS=1 (tests/conftest.py): the box is still shown and logged, and then the
exception is raised again, so AppTest's `app.exception` and the browser tests still see every error.
"""

import os
import secrets
from contextlib import contextmanager

import streamlit as st
from streamlit.errors import FragmentHandledException
from streamlit.logger import get_logger

from topics.shared.i18n import text
from ui.language import current_language

LOGGER = get_logger("explorer.errors")  # Streamlit's log format and level (logger.level)


def new_error_id():
    """Eight hex digits: short enough to read out, random enough not to repeat in a log."""
    return secrets.token_hex(4)


def report(error):
    """Log `error` with its traceback under a new id and show the visitor a friendly box with that id."""
    error_id = new_error_id()
    LOGGER.error("error id %s: %s: %s", error_id, type(error).__name__, error, exc_info=error)
    try:
        message = text(current_language(), "app.error", error_id=error_id)
    except Exception:  # the language lookup itself may be what broke
        message = text("en", "app.error", error_id=error_id)
    st.error(message, icon=":material/error:")
    return error_id


@contextmanager
def friendly_errors():
    """Run a block (a page, or a fragment's body) and turn its exceptions into a friendly box.

    Usable as `with friendly_errors():` or as a decorator `@friendly_errors()`."""
    try:
        yield
    except FragmentHandledException:
        raise  # Streamlit already reported this inside the fragment; do not show a second box
    except Exception as error:
        report(error)
        if os.environ.get("EXPLORER_RAISE_ERRORS") == "1":
            raise


def friendly_fragment(function):
    """`st.fragment` whose body runs inside friendly_errors.

    A fragment's own reruns skip app.py's wrapper, and in a full run Streamlit catches a fragment's error
    before app.py sees it: without this, a visitor would get Streamlit's generic message, not the box."""
    return st.fragment(friendly_errors()(function))
