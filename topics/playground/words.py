"""The playground's words: what its captions say about the state, and its sentence about the gradient."""

from topics.playground.numbers import gradient_story
from topics.shared.formatting import fmt, fmt_vector
from topics.shared.i18n import text
from topics.shared.sample import target_distribution

CAPTION_DECIMALS = 3  # "p = [0.659, 0.242, 0.099], loss 0.417": short enough for a caption


def caption_fields(state, lang):
    """The words every playground caption shares: the logits, the target and the temperature."""
    if state.target_kind == "soft":
        weights = fmt_vector(target_distribution(state), CAPTION_DECIMALS)
        target = text(lang, "cap.target.soft", weights=weights)
    elif state.target_kind == "smoothed":
        target = text(lang, "cap.target.smoothed", index=state.true_class, eps=f"{state.smoothing:g}")
    else:
        target = text(lang, "cap.target.class", index=state.true_class)
    temperature = ""
    if state.temperature != 1:
        temperature = text(lang, "cap.temperature", temperature=f"{state.temperature:g}")
    return {"logits": fmt_vector(state.logits, 1), "target": target, "temperature": temperature}


def gradient_sentence(readout):
    """(i18n key, fields) of the sentence that reads the gradient: which logit a step raises and lowers
    most, or that p already equals the target."""
    story = gradient_story(readout)
    if story.at_minimum:
        return "pg.gradient_minimum", {}
    fields = {"rising": story.rising_class, "falling": story.falling_class, "size": fmt(story.largest_step)}
    return "pg.gradient_story", fields


def reference_metrics(readout, lang):
    """{label: value} of the numbers to hold the loss against: H(p), log K (a uniform guess) and H(y)
    (the lowest loss the target allows)."""
    references = {
        "pg.entropy": readout.entropy,
        "pg.uniform": readout.uniform_loss,
        "pg.floor": readout.target_entropy,
    }
    return {text(lang, key): fmt(value) for key, value in references.items()}
