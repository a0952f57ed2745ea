"""The gradient page's state: three logits z = (0, z1, z2), a true class c, a temperature T, label
smoothing eps, and the landscape's learning rate and steps. z0 is fixed at 0 because softmax ignores a
constant added to every logit: (0, z1, z2) reaches every softmax output of three classes. The state is a
topics.shared.sample.SampleState, so its loss and gradient are the playground's.
"""

import numpy as np

from topics.shared.changes import Change
from topics.shared.sample import SampleState
from topics.shared.url_params import FloatParam, IntParam

NUM_CLASSES = 3
LOGIT_RANGE = (-6.0, 6.0)  # the landscape's square, and the sliders of z1 and z2
TEMPERATURE_RANGE = (0.2, 5.0)
SMOOTHING_RANGE = (0.0, 0.5)
LEARNING_RATE_RANGE = (0.05, 5.0)
STEPS_RANGE = (1, 100)


# Seed 000's logits (2, 1, 0.1) shifted by -2: the same softmax, 0.6590 / 0.2424 / 0.0986.
DEFAULT_LOGITS = (-1.0, -1.9)


def url_specs():
    """The page's controls as URL parameters: key, allowed values, default."""
    low, high = LOGIT_RANGE
    return [
        FloatParam("gr_z1", low, high, default=DEFAULT_LOGITS[0], step=0.1),
        FloatParam("gr_z2", low, high, default=DEFAULT_LOGITS[1], step=0.1),
        IntParam("gr_class", 0, NUM_CLASSES - 1, default=0),
        FloatParam("gr_t", *TEMPERATURE_RANGE, default=1.0, step=0.1),
        FloatParam("gr_eps", *SMOOTHING_RANGE, default=0.0, step=0.01),
        FloatParam("gr_lr", *LEARNING_RATE_RANGE, default=1.0, step=0.05),
        IntParam("gr_steps", *STEPS_RANGE, default=20),
    ]


def default_values():
    return {spec.key: spec.default for spec in url_specs()}


def state_from_values(values):
    """The playground state of the control values: logits (0, z1, z2), a true class, smoothing if
    eps > 0, and the temperature."""
    smoothing = values["gr_eps"]
    return SampleState(
        logits=(0.0, values["gr_z1"], values["gr_z2"]),
        true_class=values["gr_class"],
        target_kind="smoothed" if smoothing > 0 else "class",
        smoothing=smoothing,
        temperature=values["gr_t"],
    )


def values_for_point(z1, z2):
    """Control values that put the point at (z1, z2), on the sliders' 0.1 grid and inside the square."""
    low, high = LOGIT_RANGE
    return {
        "gr_z1": float(np.round(np.clip(z1, low, high), 1)),
        "gr_z2": float(np.round(np.clip(z2, low, high), 1)),
    }


def released_point(z1, z2):
    """The Change a release of the live map asks for: the point moves to (z1, z2) (the browser is not
    trusted: anything but two finite numbers changes nothing)."""
    numbers = [z for z in (z1, z2) if isinstance(z, int | float) and not isinstance(z, bool)]
    if len(numbers) != 2 or not np.all(np.isfinite(numbers)):
        return Change({})
    return Change(values_for_point(z1, z2))
