"""What the "check with PyTorch and Keras" panels share, without Streamlit: a row of the check table,
whether the frameworks are installed, and what to run when one is missing.

Every page's check module returns CheckRows: the real framework's value beside core's value for the same
call. Whether they agree is core.agreement's rule, with the tolerance of the dtype the framework computed
in; the panel (ui.check_panel) states the rule in one sentence (tolerance_words).
"""

import importlib.util
from dataclasses import dataclass

import numpy as np

from core.agreement import TOLERANCES, agrees, largest_difference
from topics.shared.i18n import text

# What a check panel tells someone to run when a framework is missing. The CPU index for torch: a plain
# `pip install torch==2.13.0` fetches the CUDA build (gigabytes) on Linux.
PIP_INSTALL = {
    "torch": "torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu",
    "keras": "keras==3.15.1",
}


def is_installed(module):
    return importlib.util.find_spec(module) is not None


@dataclass(frozen=True)
class CheckRow:
    """One framework call on the page's numbers next to core's value for the same call."""

    framework: str  # "PyTorch", "Keras 3"
    call: str  # the call, as code
    loss: object  # the framework's value: a float, or an array for reduction='none'
    core_loss: object
    gradient: np.ndarray | None  # (N, C), of the sum for 'none'; None where the panel checks values only
    core_gradient: np.ndarray | None
    dtype: str  # what the framework computed in: its agreement tolerance (core.agreement)

    @property
    def loss_diff(self):
        return largest_difference(self.loss, self.core_loss)

    @property
    def gradient_diff(self):
        return None if self.gradient is None else largest_difference(self.gradient, self.core_gradient)

    @property
    def agrees(self):
        """The value, and the gradient if there is one, agree with core's (core.agreement)."""
        value_agrees = agrees(self.core_loss, self.loss, self.dtype)
        if self.gradient is None:
            return value_agrees
        return value_agrees and agrees(self.core_gradient, self.gradient, self.dtype)


def rows_agree(rows):
    return all(row.agrees for row in rows)


def tolerance_words(lang):
    """The agreement rule in one sentence: "1e-9 relative in float64 and 1e-5 in float32 (core.agreement)"."""
    rtol = {dtype: _power_of_ten(limits.rtol) for dtype, limits in TOLERANCES.items()}
    return text(lang, "check.tolerance", float64=rtol["float64"], float32=rtol["float32"])


def _power_of_ten(value):
    """1e-09 -> '1e-9'."""
    mantissa, exponent = f"{value:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"
