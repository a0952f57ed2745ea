"""Widgets drawn from a control's URL parameter spec (topics.shared.url_params): the range and the step
come from the spec, so the widget holds exactly the values a link may carry."""

import streamlit as st


def slider(spec, label, container=st, **options):
    """A slider over spec.low..spec.high in steps of spec.step (1 for a whole number), keyed spec.key."""
    step = getattr(spec, "step", 1)
    return container.slider(label, spec.low, spec.high, step=step, key=spec.key, **options)


def number_input(spec, label, container=st, **options):
    """A number box over spec.low..spec.high in whole steps, keyed spec.key."""
    return container.number_input(label, spec.low, spec.high, step=1, key=spec.key, **options)


def radio(spec, label, **options):
    """Radio buttons over a ChoiceParam's choices, keyed spec.key."""
    return st.radio(label, spec.choices, key=spec.key, **options)
