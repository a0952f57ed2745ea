"""The interface language: a sidebar switch, in the URL as ?lang=zh, defaulting to the browser's locale."""

import streamlit as st

from topics.shared.i18n import LANGUAGES, normalise_language, text
from topics.shared.url_params import ChoiceParam

LANG_KEY = "lang"


def browser_language():
    """'zh' for a Chinese browser, else 'en' (st.context.locale is navigator.language)."""
    try:
        return normalise_language(st.context.locale)
    except Exception:  # no browser context, e.g. under AppTest
        return normalise_language(None)


def language_param():
    return ChoiceParam(LANG_KEY, tuple(LANGUAGES), default=browser_language())


def current_language():
    return st.session_state.get(LANG_KEY) or browser_language()


def t(key, **values):
    """The string `key` in the current language."""
    return text(current_language(), key, **values)


def paragraphs(*keys):
    """The strings `keys` in the current language, one paragraph each (a widget's help text)."""
    return "\n\n".join(t(key) for key in keys)


def language_switch():
    """The sidebar's language control (its value lives in session state and the URL)."""
    st.segmented_control(
        text(current_language(), "app.language"),
        list(LANGUAGES),
        key=LANG_KEY,
        format_func=LANGUAGES.get,
        required=True,
    )


def labels(prefix):
    """A format_func for a widget's options: option -> the string "<prefix>.<option>", in the current
    language."""
    return lambda option: t(f"{prefix}.{option}")
