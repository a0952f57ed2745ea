"""A page's controls live in st.session_state and in the URL query string.

`restore` runs at the top of a page: on the session's first visit it copies the URL's valid values
into session state and remembers the refused ones for a notice; on every run it fills in missing values
(kept ones, else defaults) and keeps the values of controls that a run does not draw. `publish` runs at
the bottom and writes the values that differ from their defaults back to the URL, so the address bar is
always a shareable link.
Widgets are created with `key=` only (no `value=`): session state is their single source of truth.

Streamlit drops every widget's value when the page changes (the switch carries no widget states), so
`publish` also copies the values under a key no widget owns (KEPT), and `restore` takes them from there
when a page is opened again.
"""

import streamlit as st

from topics.shared.url_params import encode_params, read_params
from ui.language import language_param, t
from ui.theme import theme_param

KEPT = "_kept_control_values"  # {control key: value}; not a widget key, so a page switch keeps it
EXTRA_PARAMS = "_extra_url_params"  # (page, {name: text}) publish adds to that page's URL (ui.exercise)
LOCKED_KEYS = "_locked_control_keys"  # controls an open exercise locks: set_values leaves them alone
PAGE_DRAWN = "_page_drawn"  # the page this run draws (restore's `page`), for refused_notice


def restore(page, specs, extra_check=None):
    """URL -> session state once per session and page; returns the keys refused from the URL.

    `extra_check(values)` may name keys whose values do not fit together; they are reset too."""
    st.session_state[PAGE_DRAWN] = page
    restored_flag = f"_restored_{page}"
    if restored_flag not in st.session_state:
        valid, refused = read_params(st.query_params.to_dict(), specs)
        st.session_state.update(valid)
        st.session_state[restored_flag] = True
        st.session_state[f"_refused_{page}"] = refused
    kept = st.session_state.get(KEPT, {})
    for spec in specs:
        st.session_state.setdefault(spec.key, kept.get(spec.key, spec.default))
        # Reassigning keeps a widget's value through runs that do not draw it (a control hidden by another).
        st.session_state[spec.key] = st.session_state[spec.key]
    if extra_check is not None:
        for key in extra_check(current_values(specs)):
            st.session_state[key] = next(spec.default for spec in specs if spec.key == key)
            st.session_state[f"_refused_{page}"].append(key)
    return st.session_state[f"_refused_{page}"]


def current_values(specs):
    return {spec.key: st.session_state[spec.key] for spec in specs}


def app_params():
    """The sidebar's controls, shared by every page: the language and the theme."""
    return [language_param(), theme_param()]


def publish(specs):
    """Session state -> URL: the non-default values of this page's controls and of the sidebar's
    (app_params). The values are also kept (KEPT) for the next visit to the page."""
    shared_specs = app_params()
    values = current_values(specs)
    shared = {spec.key: st.session_state.get(spec.key, spec.default) for spec in shared_specs}
    st.session_state[KEPT] = st.session_state.get(KEPT, {}) | values | shared
    wanted = encode_params(values, specs)
    wanted.update(encode_params(shared, shared_specs))
    extra_page, extra = st.session_state.get(EXTRA_PARAMS, (None, {}))
    if extra_page == st.session_state.get(PAGE_DRAWN):
        wanted.update(extra)
    if st.query_params.to_dict() != wanted:
        st.query_params.from_dict(wanted)
    from ui.exercise import redraw_if_changed  # here, not at the top: ui.exercise imports this module

    redraw_if_changed(values)


def set_values(values):
    """Set control values from a callback (widgets cannot be changed after they are drawn in a run).
    Controls an open exercise locks keep their values (a paste, a random draw or a drag changes the rest)."""
    locked = st.session_state.get(LOCKED_KEYS, ())
    st.session_state.update({key: value for key, value in values.items() if key not in locked})


def refused_notice(refused, key):
    """A short warning naming the link settings that were refused and reset to their defaults; then
    what else the link opened: the exercise or lesson panel, or the exercise maker (ui.exercise)."""
    if refused:
        with st.container(key=key):
            st.warning(t("app.notice_bad_url", items=", ".join(refused)), icon=":material/link_off:")
    from ui.exercise import exercise_panel  # here, not at the top: ui.exercise imports this module

    exercise_panel(st.session_state[PAGE_DRAWN])
