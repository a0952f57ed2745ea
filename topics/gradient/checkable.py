"""What an exercise on the gradient page can check (topics.shared.exercises): the loss, p_k and the
gradient entries of the three logits (0, z1, z2), the true class's, computed through core; and the label
of each control, for the exercise maker."""

from topics.gradient.state import NUM_CLASSES, state_from_values
from topics.shared.exercises import labelled_control, sample_quantities, sample_quantity_names
from topics.shared.sample import evaluate

QUANTITY_NAMES = sample_quantity_names(NUM_CLASSES)


def quantities(values):
    """{name: value} for the control values (keys as in topics.gradient.state.url_specs)."""
    state = state_from_values(values)
    return sample_quantities(evaluate(state), NUM_CLASSES, state.true_class)


def control_label(key):
    if key in ("gr_z1", "gr_z2"):
        return "gr.logit", {"index": int(key[-1])}
    return labelled_control(CONTROL_LABELS, key)


CONTROL_LABELS = {
    "gr_class": ("gr.true_class", {}),
    "gr_t": ("gr.temperature", {}),
    "gr_eps": ("gr.smoothing", {}),
    "gr_lr": ("gr.learning_rate", {}),
    "gr_steps": ("gr.steps", {}),
}
