"""Widgets drawn from a control's URL parameter spec (topics.shared.url_params): the range and the step
come from the spec, so the widget holds exactly the values a link may carry.

An exercise (ui.exercise) may lock a control (drawn, disabled) or hide it (not drawn; its value is
kept): the modes of the page being drawn are in session state under CONTROL_MODES."""

from functools import partial

import streamlit as st

CONTROL_MODES = "_control_modes"  # {control key: "locked" or "hidden"}; set by ui.exercise


def control_mode(key):
    """ "locked", "hidden" or None for the control `key` on the page being drawn."""
    return st.session_state.get(CONTROL_MODES, {}).get(key)


def locked(*keys):
    """Whether an open exercise locks any of the controls `keys`: a widget a page draws itself passes
    `disabled=locked(key)` (a composite one, e.g. a table of logits and labels, names every key it sets)."""
    modes = st.session_state.get(CONTROL_MODES, {})
    return any(modes.get(key) == "locked" for key in keys)


def _drawn(draw, options):
    """`draw(**options)` (a widget call with its key bound) unless the control is hidden: then its value
    is kept and returned. A locked control is drawn disabled."""
    key = draw.keywords["key"]
    mode = control_mode(key)
    if mode == "hidden":
        st.session_state[key] = st.session_state[key]  # kept through a run that does not draw it
        return st.session_state[key]
    if mode == "locked":
        options["disabled"] = True
    return draw(**options)


def slider(spec, label, container=st, **options):
    """A slider over spec.low..spec.high in steps of spec.step (1 for a whole number), keyed spec.key."""
    step = getattr(spec, "step", 1)
    return _drawn(partial(container.slider, label, spec.low, spec.high, step=step, key=spec.key), options)


def number_input(spec, label, container=st, **options):
    """A number box over spec.low..spec.high in whole steps, keyed spec.key."""
    return _drawn(partial(container.number_input, label, spec.low, spec.high, step=1, key=spec.key), options)


def radio(spec, label, **options):
    """Radio buttons over a ChoiceParam's choices, keyed spec.key."""
    return _drawn(partial(st.radio, label, spec.choices, key=spec.key), options)
