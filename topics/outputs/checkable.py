"""What an exercise on the outputs page can check (topics.shared.exercises), computed through core for
the control values on the shipped digits example (an exercise travels in a link, and a link carries no
upload): the mean loss as torch and Keras report it, the accuracy, the fitted temperature and the loss
after it, the ECE before and after it (for the chosen bins), the share of the loss the worst 1%, 5% and
10% of the samples make, each class's mean loss and accuracy, and the what-if loss (label smoothing,
class weights, ignore_index as chosen); and the label of each control, for the exercise maker.

With the page switched to the visitor's own files there is nothing an exercise's numbers were written
for: quantities() is then empty, and every check waits.
"""

from topics.outputs.example import example_analysis
from topics.outputs.numbers import reliability_before_after, what_if
from topics.outputs.state import ignored_class
from topics.shared.exercises import labelled_control

EXAMPLE_CLASSES = 10  # the digits 0..9: class_loss0 .. class_loss9, class_accuracy0 .. class_accuracy9

QUANTITY_NAMES = (
    "loss", "keras_loss", "accuracy", "classes", "temperature", "loss_after", "ece_before", "ece_after",
    "share_worst_1pc", "share_worst_5pc", "share_worst_10pc", "whatif_loss", "whatif_keras",
    *(f"class_loss{k}" for k in range(EXAMPLE_CLASSES)),
    *(f"class_accuracy{k}" for k in range(EXAMPLE_CLASSES)),
)  # fmt: skip


def quantities(values):
    """{name: value} for the control values (keys as in topics.outputs.state.url_specs), on the digits
    example; {} when the page shows the visitor's files."""
    if values["mo_source"] != "example":
        return {}
    analysis = example_analysis()
    before, after = reliability_before_after(analysis, values["mo_bins"])
    chosen = what_if(
        analysis, values["mo_ls"], values["mo_weight"], ignored_class(values, analysis.num_classes)
    )
    found = {
        "loss": analysis.torch_loss,
        "keras_loss": analysis.keras_loss,
        "accuracy": analysis.accuracy,
        "classes": float(analysis.num_classes),
        "temperature": analysis.fit.temperature,
        "loss_after": analysis.fit.loss_after,
        "ece_before": before.ece,
        "ece_after": after.ece,
        "whatif_loss": chosen.torch_loss,
        "whatif_keras": chosen.keras_loss,
    }
    for name, share in zip(("share_worst_1pc", "share_worst_5pc", "share_worst_10pc"), analysis.shares,
                           strict=True):  # fmt: skip
        found[name] = share
    for k in range(analysis.num_classes):
        found[f"class_loss{k}"] = analysis.classes.mean_loss[k]
        found[f"class_accuracy{k}"] = analysis.classes.accuracy[k]
    return {name: float(value) for name, value in found.items()}


def control_label(key):
    return labelled_control(CONTROL_LABELS, key)


CONTROL_LABELS = {
    "mo_source": ("mo.source", {}),
    "mo_kind": ("mo.kind", {}),
    "mo_rows": ("mo.rows", {}),
    "mo_bins": ("mo.bins", {}),
    "mo_ls": ("mo.whatif.smoothing", {}),
    "mo_weight": ("mo.whatif.weight", {}),
    "mo_ignore": ("mo.whatif.ignore", {}),
}
