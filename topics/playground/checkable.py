"""What an exercise on the playground can check (topics.shared.exercises): the loss, each probability and
gradient entry, the true class's probability and gradient entry, K, computed through core for the
control values; and the label of each control, for the exercise maker."""

from topics.playground.state import MAX_CLASSES, state_from_values
from topics.shared.exercises import labelled_control, sample_quantities, sample_quantity_names
from topics.shared.sample import evaluate

QUANTITY_NAMES = sample_quantity_names(MAX_CLASSES)


def quantities(values):
    """{name: value} for the control values (keys as in topics.playground.state.url_specs)."""
    state = state_from_values(values)
    true_class = None if state.target_kind == "soft" else state.true_class
    return sample_quantities(evaluate(state), state.num_classes, true_class)


def control_label(key):
    """(i18n key, fields) of a control's label."""
    for prefix, label in (("pg_z", "pg.logit"), ("pg_y", "pg.soft_weight")):
        if key.startswith(prefix) and key[len(prefix) :].isdigit():
            return label, {"index": int(key[len(prefix) :])}
    return labelled_control(CONTROL_LABELS, key)


CONTROL_LABELS = {
    "pg_k": ("pg.num_classes", {}),
    "pg_target": ("pg.target_kind", {}),
    "pg_class": ("pg.true_class", {}),
    "pg_eps": ("pg.smoothing", {}),
    "pg_t": ("pg.temperature", {}),
    "pg_lr": ("pg.learning_rate", {}),
    "pg_steps": ("pg.steps", {}),
    "pg_path": ("pg.run_steps", {}),
    "pg_input": ("pg.input", {}),
}
