"""The binary page's state: one prediction (a logit z or a probability p, linked through the sigmoid), a
soft label y, pos_weight and Keras's label_smoothing, and its URL parameters.
"""

from dataclasses import dataclass

import numpy as np

from core import losses
from core.losses import logit
from topics.shared.url_params import BoolParam, ChoiceParam, FloatParam, IntParam, MatrixParam

FORMS = ("logit", "prob")  # the prediction as BCEWithLogitsLoss's z, or as BCELoss's p
LOGIT_RANGE = (-20.0, 20.0)  # far enough for float32 to round sigmoid(z) to 0 and 1 (|z| > 17)
LOGIT_STEP, PROB_STEP, LABEL_STEP = 0.01, 0.001, 0.01
POS_WEIGHT_RANGE = (0.1, 10.0)
FAR_RANGE = (1, 100)  # |z| of "the ends" panel
QUICK_LABELS = (0.0, 1.0, 0.9, 0.92)
MULTILABEL_LOGITS = ((-0.4089, -1.2471, 0.5907), (-0.4897, -0.8267, -0.7349), (0.5241, -0.1246, -0.4751))
MULTILABEL_LABELS = ((0.0, 1.0, 1.0), (0.0, 0.0, 1.0), (1.0, 0.0, 1.0))
DEFAULT_LOGIT = 2.35  # sigmoid(2.35) = 0.9129, next to the puzzle's 0.91276
DEFAULT_LABEL = 0.92


def url_specs():
    """The binary page's controls as URL parameters: key, allowed values, default."""
    return [
        ChoiceParam("bin_form", FORMS, default="logit"),
        FloatParam("bin_z", *LOGIT_RANGE, default=DEFAULT_LOGIT, step=LOGIT_STEP),
        FloatParam("bin_p", 0.0, 1.0, default=prob_for_logit(DEFAULT_LOGIT), step=PROB_STEP),
        FloatParam("bin_y", 0.0, 1.0, default=DEFAULT_LABEL, step=LABEL_STEP),
        FloatParam("bin_pw", *POS_WEIGHT_RANGE, default=1.0, step=0.1),
        FloatParam("bin_ls", 0.0, 1.0, default=0.0, step=0.01),
        IntParam("bin_far", *FAR_RANGE, default=20),
        BoolParam("bin_mistake", default=True),
        MatrixParam(
            "bin_ml_z", MULTILABEL_LOGITS, max_rows=3, max_cols=3, min_rows=3, min_cols=3, max_abs=100
        ),
        MatrixParam("bin_ml_y", MULTILABEL_LABELS, max_rows=3, max_cols=3, min_rows=3, min_cols=3, low=0.0),
    ]


def inconsistent_values(values):
    """Keys whose values the page cannot use together: multi-label targets above 1."""
    return ["bin_ml_y"] if max(max(row) for row in values["bin_ml_y"]) > 1 else []


def prob_for_logit(z):
    """p = sigmoid(z) on the p slider's grid (the value the p control takes when z is set)."""
    return round(round(float(losses.sigmoid(np.float64(z))) / PROB_STEP) * PROB_STEP, 3)


def logit_for_prob(p):
    """z = log(p / (1 - p)) on the z slider's grid, held inside LOGIT_RANGE (p = 0 or 1 gives -20 or 20)."""
    with np.errstate(divide="ignore"):
        z = float(logit(np.float64(p)))
    return round(round(float(np.clip(z, *LOGIT_RANGE)) / LOGIT_STEP) * LOGIT_STEP, 2)


def linked_prediction(values, moved=None):
    """{key: value} that keeps z and p linked through the sigmoid: the one of bin_z / bin_p not shown by the
    form in `values` (or not just `moved`: "logit" or "prob") follows the other."""
    if (moved or values["bin_form"]) == "logit":
        return {"bin_p": prob_for_logit(values["bin_z"])}
    return {"bin_z": logit_for_prob(values["bin_p"])}


def released(raw, form):
    """Control values for the live chart's release {x, y}: x is z or p (the page's `form`), on its grid and
    with the other linked through the sigmoid; y on its grid. A broken or out-of-range part changes
    nothing (the browser is not trusted)."""
    if not isinstance(raw, dict):
        return {}
    values = {}
    x, y = raw.get("x"), raw.get("y")
    if form == "logit" and _is_number(x) and LOGIT_RANGE[0] <= x <= LOGIT_RANGE[1]:
        z = round(round(x / LOGIT_STEP) * LOGIT_STEP, 2)
        values |= {"bin_z": z, "bin_p": prob_for_logit(z)}
    elif form == "prob" and _is_number(x) and 0 <= x <= 1:
        p = round(round(x / PROB_STEP) * PROB_STEP, 3)
        values |= {"bin_p": p, "bin_z": logit_for_prob(p)}
    if _is_number(y) and 0 <= y <= 1:
        values["bin_y"] = round(round(y / LABEL_STEP) * LABEL_STEP, 2)
    return values


def _is_number(value):
    return isinstance(value, int | float) and not isinstance(value, bool) and bool(np.isfinite(value))


@dataclass(frozen=True)
class BinaryState:
    """What a person sets on the binary page."""

    form: str = "logit"
    z: float = DEFAULT_LOGIT
    p: float = 0.913
    y: float = DEFAULT_LABEL
    pos_weight: float = 1.0
    smoothing: float = 0.0


def state_from_values(values):
    return BinaryState(
        form=values["bin_form"],
        z=values["bin_z"],
        p=values["bin_p"],
        y=values["bin_y"],
        pos_weight=values["bin_pw"],
        smoothing=values["bin_ls"],
    )
