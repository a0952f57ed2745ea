"""The outputs page's words and tables, from an Analysis: the headline numbers, the worst samples with a
link that opens each one in the playground, the what-if sentences, and what the temperature did.

The playground link is written from the playground's own URL specs (passed in by the page from
topics.registry, so this topic imports no other topic): at most as many classes as the playground holds
(the true class and the highest-scoring others), shifted into its logit range (softmax does not change
under a shift) and rounded to its step.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

import numpy as np

from topics.shared.formatting import fmt
from topics.shared.i18n import text
from topics.shared.url_params import by_key, encode_params

PLAYGROUND_PATH = "/"  # the playground is the default page


def headline(analysis, lang):
    """{label: value text} of the numbers shown first."""
    fit = analysis.fit
    return {
        text(lang, "mo.metric.samples"): f"{analysis.num_counted:,} × {analysis.num_classes:,}",
        text(lang, "mo.metric.accuracy"): f"{analysis.accuracy:.1%}",
        text(lang, "mo.metric.torch"): fmt(analysis.torch_loss),
        text(lang, "mo.metric.keras"): fmt(analysis.keras_loss),
        text(lang, "mo.metric.temperature"): fmt(fit.temperature, 3),
    }


def share_metrics(analysis, lang):
    """{'worst 1% of samples': '34% of the loss', ...}."""
    fractions = ("1%", "5%", "10%")
    return {
        text(lang, "mo.share.label", fraction=fraction): text(lang, "mo.share.value", share=f"{share:.1%}")
        for fraction, share in zip(fractions, analysis.shares, strict=True)
    }


def sample_probabilities(scores_row):
    """softmax of one score row (float64): a few hundred rows at most, for the table."""
    shifted = np.exp(scores_row - scores_row.max())
    return shifted / shifted.sum()


def worst_table(analysis, count, lang, playground_specs, language=None):
    """The `count` worst samples as columns of a table: sample, true class, predicted class, p of the
    true class, its loss, and the playground link (a relative URL)."""
    rows = analysis.worst[:count]
    columns = {text(lang, f"mo.col.{name}"): [] for name in ("sample", "true", "predicted", "p_true", "loss")}
    links = []
    for index, scores_row in zip(rows, analysis.worst_scores[:count], strict=True):
        true_class = int(analysis.labels[index])
        p = sample_probabilities(scores_row)
        for name, value in zip(
            columns,
            (
                int(index),
                true_class,
                int(analysis.predicted[index]),
                f"{p[true_class]:.3g}",
                fmt(analysis.losses[index]),
            ),
            strict=True,
        ):
            columns[name].append(value)
        links.append(playground_link(scores_row, true_class, playground_specs, language).url)
    columns[text(lang, "mo.col.open")] = links
    return columns


@dataclass(frozen=True)
class PlaygroundLink:
    url: str
    classes: tuple  # the original classes the playground's classes 0, 1, ... stand for
    shift: float  # added to every logit
    clipped: int  # logits that were still outside the playground's range after the shift


def playground_link(scores_row, true_class, specs, language=None):
    """The playground URL that opens a sample: K = min(C, the playground's most) classes, in class
    order: the true class and the K - 1 others with the highest scores."""
    spec = by_key(specs)
    most, low, high = spec["pg_k"].high, spec["pg_z0"].low, spec["pg_z0"].high
    scores_row = np.asarray(scores_row, dtype=np.float64)
    num_classes = scores_row.size
    if num_classes <= most:
        classes = np.arange(num_classes)
    else:
        others = np.argsort(-scores_row, kind="stable")
        others = others[others != true_class][: most - 1]
        classes = np.sort(np.append(others, true_class))
    logits = np.maximum(scores_row[classes], -1e4)  # -inf (a probability of 0) as a very low logit
    shift = 0.0
    if logits.max() > high or logits.min() < low:
        shift = (
            high - logits.max()
            if logits.max() - logits.min() > high - low
            else -(logits.max() + logits.min()) / 2
        )
    moved = logits + shift
    clipped = int(np.sum((moved < low) | (moved > high)))
    moved = np.clip(moved, low, high)
    values = {"pg_k": int(classes.size), "pg_class": int(np.flatnonzero(classes == true_class)[0])}
    values["pg_target"] = "class"
    for position, logit in enumerate(moved):
        values[f"pg_z{position}"] = spec[f"pg_z{position}"].parse(str(round(float(logit), 6)))
    query = encode_params({**{s.key: s.default for s in specs}, **values}, specs)
    # K, the class and every logit are always written: the link means these numbers, not the defaults
    query.update({"pg_k": str(values["pg_k"]), "pg_class": str(values["pg_class"])})
    query.update({f"pg_z{i}": spec[f"pg_z{i}"].encode(values[f"pg_z{i}"]) for i in range(classes.size)})
    if language:
        query["lang"] = language
    url = PLAYGROUND_PATH + "?" + urlencode(query)
    return PlaygroundLink(url, tuple(int(c) for c in classes), float(shift), clipped)


def calibration_metrics(analysis, before, after, lang):
    """{label: value text} of the temperature and what it does to the loss and the ECE."""
    return {
        text(lang, "mo.metric.temperature"): fmt(analysis.fit.temperature, 4),
        text(lang, "mo.temp.metric_loss"): fmt(analysis.fit.loss_after),
        text(lang, "mo.temp.metric_ece_before"): fmt(before.ece),
        text(lang, "mo.temp.metric_ece_after"): fmt(after.ece),
    }


def temperature_words(analysis, before, after, lang):
    """What temperature scaling did, in one paragraph."""
    fit = analysis.fit
    key = "mo.temp.at_bound" if fit.at_bound else "mo.temp.over" if fit.temperature > 1 else "mo.temp.under"
    return text(
        lang,
        key,
        temperature=fmt(fit.temperature, 4),
        loss_before=fmt(fit.loss_before),
        loss_after=fmt(fit.loss_after),
        ece_before=fmt(before.ece),
        ece_after=fmt(after.ece),
    )


def what_if_words(analysis, result, lang):
    """The what-if result against the plain mean, as a sentence."""
    change = result.torch_loss - analysis.torch_loss
    return text(
        lang,
        "mo.whatif.sentence",
        torch=fmt(result.torch_loss),
        keras=fmt(result.keras_loss),
        base=fmt(analysis.torch_loss),
        change=("+" if change >= 0 else "") + fmt(change),
        counted=f"{result.counted:,}",
    )


def summary_lines(analysis, before, after, lang):
    """(label, value) pairs for the report's table of numbers."""
    fit = analysis.fit
    pairs = [
        (text(lang, "mo.metric.samples"), f"{analysis.num_samples:,} × {analysis.num_classes:,}"),
        (text(lang, "mo.report.kind"), text(lang, f"mo.kind.{analysis.kind}")),
        (text(lang, "mo.report.ignored"), f"{analysis.num_ignored:,}"),
        (text(lang, "mo.metric.accuracy"), f"{analysis.accuracy:.2%}"),
        (text(lang, "mo.metric.torch"), fmt(analysis.torch_loss, 6)),
        (text(lang, "mo.metric.keras"), fmt(analysis.keras_loss, 6)),
    ]
    pairs += [(label, value) for label, value in share_metrics(analysis, lang).items()]
    pairs += [
        (text(lang, "mo.report.ece_before"), fmt(before.ece, 6)),
        (text(lang, "mo.metric.temperature"), fmt(fit.temperature, 6)),
        (text(lang, "mo.report.loss_after"), fmt(fit.loss_after, 6)),
        (text(lang, "mo.report.ece_after"), fmt(after.ece, 6)),
    ]
    return pairs
