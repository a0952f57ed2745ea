"""The outputs page's controls and their URL parameters (all prefixed mo_). The data itself (an upload)
is not in the URL: a link opens the shipped digits example, or the file the visitor uploads again.
"""

from topics.outputs.inputs import CLASS_RANGE, KINDS
from topics.outputs.numbers import WEIGHT_RULES, WORST_KEPT
from topics.shared.url_params import ChoiceParam, FloatParam, IntParam

SOURCES = ("example", "upload")
NO_CLASS = -1  # mo_ignore's value for "ignore no class"


def url_specs():
    """The outputs page's controls as URL parameters."""
    return [
        ChoiceParam("mo_source", SOURCES, default="example"),
        ChoiceParam("mo_kind", KINDS, default="logits"),
        IntParam("mo_rows", 5, WORST_KEPT, default=10),
        IntParam("mo_bins", 5, 30, default=15),
        FloatParam("mo_ls", 0.0, 1.0, default=0.0, step=0.01),
        ChoiceParam("mo_weight", WEIGHT_RULES, default="none"),
        IntParam("mo_ignore", NO_CLASS, CLASS_RANGE[1] - 1, default=NO_CLASS),
    ]


DEFAULTS = {spec.key: spec.default for spec in url_specs()}


def ignored_class(values, num_classes):
    """The class the what-if leaves out, or None (none chosen, or not a class of these outputs)."""
    chosen = values["mo_ignore"]
    return chosen if 0 <= chosen < num_classes else None
