"""The binary page's words: its readouts with their labels, and the tables of the puzzle, the float32 ends
and seed 001's mistake, in a language, from topics.binary.numbers."""

from topics.binary.numbers import MISTAKE_TARGET
from topics.shared.formatting import fmt, fmt_vector
from topics.shared.i18n import text


def value_or_dash(value, lang):
    return text(lang, "bin.ends.none") if value is None else fmt(value)


def bridge_metrics(bridge, lang):
    """{label: value}: BCEWithLogitsLoss(z, y) beside CrossEntropyLoss([0, z], [1 - y, y])."""
    return {
        text(lang, "bin.bridge.bce"): fmt(bridge.bce),
        text(lang, "bin.bridge.ce"): fmt(bridge.cross_entropy),
    }


def puzzle_table(hard, soft, lang):
    """Seed 002's puzzle: BCE, its floor H(y) and KL for the hard and the soft label."""
    rows = (hard, soft)
    return {
        text(lang, "bin.puzzle.label"): [fmt(row.label, 2) for row in rows],
        text(lang, "bin.puzzle.bce"): [fmt(row.bce) for row in rows],
        text(lang, "bin.puzzle.floor"): [fmt(row.floor) for row in rows],
        text(lang, "bin.puzzle.kl"): [fmt(row.kl) for row in rows],
    }


def ends_table(cases, lang):
    """The float32 ends: each case's exact loss beside torch's and Keras's, and the two gradients."""
    return {
        text(lang, "bin.ends.case"): [
            text(lang, f"bin.ends.row.{c.kind}", z=f"{c.z:g}" if c.z is not None else "") for c in cases
        ],
        text(lang, "bin.ends.exact"): [fmt(c.exact) for c in cases],
        text(lang, "bin.ends.torch_logits"): [value_or_dash(c.torch_logits, lang) for c in cases],
        text(lang, "bin.ends.torch_probs"): [fmt(c.torch_probs) for c in cases],
        text(lang, "bin.ends.keras_logits"): [value_or_dash(c.keras_logits, lang) for c in cases],
        text(lang, "bin.ends.keras_probs"): [fmt(c.keras_probs) for c in cases],
        text(lang, "bin.ends.grad_logits"): [value_or_dash(c.grad_logits, lang) for c in cases],
        text(lang, "bin.ends.grad_probs"): [value_or_dash(c.grad_probs, lang) for c in cases],
    }


def ends_sentences(cases, lang):
    """What happens at each end, one sentence (markdown) a case."""
    return [
        text(
            lang,
            f"bin.ends.{case.kind}",
            z=f"{case.z:g}" if case.z is not None else "",
            p=f"{case.p:.9g}",
            torch=fmt(case.torch_probs),
            keras=fmt(case.keras_probs),
            logits=value_or_dash(case.torch_logits, lang),
            grad=value_or_dash(case.grad_probs, lang),
        )
        for case in cases
    ]


def mistake_table(result, lang):
    """Seed 001's mistake, per sample: p, the sigmoid of p that the loss used, y, and both losses."""
    return {
        text(lang, "bin.mistake.p"): [fmt(v, 2) for v in result.probs],
        text(lang, "bin.mistake.used"): [fmt(v) for v in result.used_probs],
        text(lang, "bin.mistake.y"): [f"{v:g}" for v in MISTAKE_TARGET],
        text(lang, "bin.mistake.wrong"): [fmt(v) for v in result.wrong],
        text(lang, "bin.mistake.right"): [fmt(v) for v in result.right],
    }


def puzzle_sentence(hard, soft, lang):
    """Why the closer label costs more: BCE = H(y) + KL, with the puzzle's numbers."""
    return text(
        lang, "bin.puzzle.explain", floor_soft=fmt(soft.floor), kl_soft=fmt(soft.kl), kl_hard=fmt(hard.kl)
    )


def mistake_losses(result, written):
    """(the loss the code as written or as meant gives, the other one)."""
    return (result.wrong_mean, result.right_mean) if written else (result.right_mean, result.wrong_mean)


def mistake_sentence(result, lang):
    """What the second sigmoid does to seed 001's probabilities, with its numbers."""
    used = result.used_probs
    fields = {"wrong": fmt(result.wrong_mean), "right": fmt(result.right_mean)}
    return text(lang, "bin.mistake.explain", used0=fmt(used[0]), used1=fmt(used[1]), **fields)


def bridge_sentences(bridge, pair, lang):
    """(BCE on z equals softmax cross-entropy on [0, z], now; seed 002's softmax-then-BCE example)."""
    now = text(
        lang, "bin.bridge.now", z=fmt(bridge.z, 2), y=fmt(bridge.y, 2), diff=f"{bridge.difference:.1e}"
    )
    fields = {"probs": fmt_vector(pair.probs), "bce": fmt(pair.bce), "p1": fmt(pair.probs[1])}
    seed = text(
        lang, "bin.bridge.seed", ce=fmt(pair.cross_entropy), bce_logits=fmt(pair.bce_logits), **fields
    )
    return now, seed


def multilabel_headings(lang):
    """(title, cell help) of the logits table and of the labels table."""
    return [
        (
            text(lang, f"bin.ml.{what}s"),
            text(lang, "bin.ml.cell_help", what=text(lang, f"bin.ml.{what}_help")),
        )
        for what in ("logit", "label")
    ]
