"""A batch pasted on the frameworks page: read by topics.shared.inputs (never eval), with this page's own
limits (no ignored rows, at most 8 rows, class weights that do not all vanish).
"""

from topics.frameworks.state import MAX_ROWS, default_weight
from topics.shared.changes import Change
from topics.shared.inputs import InputError, Problem, read_paste, read_weights


def read_batch(logits_text, labels_text, weight_text, current):
    """New fw_logits, fw_labels and fw_weight values from pasted text. Raises InputError whose problems
    name their messages (topics.shared.inputs.message_key)."""
    logits, labels = read_paste(logits_text, labels_text, current["fw_labels"], ignore_index=-1)
    if len(logits) > MAX_ROWS:
        raise InputError([Problem("too_many_rows", {"count": len(logits), "limit": MAX_ROWS})])
    if any(y < 0 for y in labels):
        raise InputError([Problem("fw.problem.label_negative", {"last": len(logits[0]) - 1})])
    num_classes = len(logits[0])
    weight = read_weights(weight_text, num_classes) or default_weight(num_classes)
    if sum(weight) <= 0:
        raise InputError([Problem("fw.problem.weight_zero")])
    return {"fw_logits": logits, "fw_labels": labels, "fw_weight": weight}


def pasted(logits_text, labels_text, weight_text, current):
    """The Change a pasted batch asks for (read_batch), saying its shape."""
    values = read_batch(logits_text, labels_text, weight_text, current)
    rows, classes = len(values["fw_logits"]), len(values["fw_logits"][0])
    return Change(values, "success", "fw.paste_ok", {"rows": rows, "classes": classes})
