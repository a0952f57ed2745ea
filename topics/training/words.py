"""The training page's words, written from the experiment's numbers: the readouts, the messages (a
diverging run, an empty class, a shortened run, data without regions) and the mistakes' table."""

import numpy as np

from topics.shared.formatting import fmt, fmt_vector
from topics.shared.i18n import text

LEARNS_MARGIN = 0.02  # validation accuracy within 2 points of cross-entropy's
SLOW_LOSS_RATIO = 1.5  # ... with a true cross-entropy more than 1.5 times cross-entropy's: slow
EXPLODED_RATIO = 10  # a final training loss 10 times the first: the learning rate is too large


def loss_name(objective, lang):
    return text(lang, f"trn.loss.{objective}")


def metrics(result, lang):
    """{label: value}: the chosen run's last training cross-entropy and validation accuracy and its steps
    (how far nll_loss(log_softmax) and CrossEntropyLoss differ is said beside the side-by-side runs)."""
    curves = result.main.curves
    return {
        text(lang, "trn.m.train_loss"): fmt(curves.train_loss[-1]),
        text(lang, "trn.m.val_accuracy"): f"{fmt(100 * curves.val_accuracy[-1], 1)}%",
        text(lang, "trn.m.steps"): str(result.steps),
    }


def run_note(result, lang):
    state = result.state
    return text(
        lang,
        "trn.run_note",
        steps=result.steps,
        epochs=result.epochs,
        per_epoch=result.steps_per_epoch,
        batch=min(state.batch_size, len(result.data.train_labels)),
        train=len(result.data.train_labels),
        frames=len(result.frame_steps),
    )


def messages(result, lang):
    """[(kind, text)] for the page to show: 'error' for a diverged or exploding run, 'warning' for an
    empty class or a shortened run, 'info' for data without decision regions."""
    state, run, curves = result.state, result.main.run, result.main.curves
    name = loss_name(state.loss, lang)
    found = []
    if run.diverged_at is not None:
        found.append(
            ("error", text(lang, "trn.msg.diverged", loss=name, step=run.diverged_at, lr=f"{state.lr:g}"))
        )
    elif (
        not np.isfinite(curves.train_loss[-1])
        or curves.train_loss[-1] > EXPLODED_RATIO * curves.train_loss[0]
    ):
        first, last = fmt(curves.train_loss[0]), fmt(curves.train_loss[-1])
        found.append(
            ("error", text(lang, "trn.msg.exploded", loss=name, first=first, last=last, lr=f"{state.lr:g}"))
        )
    empty = result.data.empty_classes()
    if empty:
        found.append(("warning", text(lang, "trn.msg.empty_class", classes=", ".join(map(str, empty)))))
    if result.shortened:
        wanted = state.epochs * result.steps_per_epoch
        found.append(
            (
                "warning",
                text(
                    lang,
                    "trn.msg.shortened",
                    epochs=state.epochs,
                    wanted=wanted,
                    run_epochs=result.epochs,
                    steps=result.steps,
                ),
            )
        )
    if not result.data.is_planar:
        found.append(("info", text(lang, "trn.msg.not_planar")))
    return found


def sample_sentence(result, lang):
    playback, state = result.playback, result.state
    return text(
        lang,
        "trn.sample_now",
        sample=state.sample,
        label=result.sample_label(),
        logits=fmt_vector(playback.sample_logits[-1], 2),
        probs=fmt_vector(playback.sample_probs[-1], 3),
        loss=fmt(playback.point_losses[-1][state.sample]),
    )


def verdict(result, objective):
    """'reference', 'diverged', 'stuck', 'learns' or 'slow': what an objective's run did next to
    cross-entropy's (same start, same batches), judged by the true cross-entropy and validation accuracy:
    stuck when its cross-entropy did not fall and its accuracy gained less than half of what
    cross-entropy's gained; learns when both end near cross-entropy's; else slow."""
    if objective == "cross_entropy":
        return "reference"
    outcome, reference = result.runs[objective], result.runs["cross_entropy"].curves
    if outcome.run.diverged_at is not None:
        return "diverged"
    curves = outcome.curves
    accuracy, loss = curves.val_accuracy[-1], curves.train_loss[-1]
    gain, reference_gain = (
        accuracy - curves.val_accuracy[0],
        reference.val_accuracy[-1] - curves.val_accuracy[0],
    )
    if not np.isfinite(loss) or (
        loss >= curves.train_loss[0] and gain < max(LEARNS_MARGIN, reference_gain / 2)
    ):
        return "stuck"
    near_accuracy = accuracy >= reference.val_accuracy[-1] - LEARNS_MARGIN
    if near_accuracy and loss <= SLOW_LOSS_RATIO * reference.train_loss[-1]:
        return "learns"
    return "slow"


def mistakes_table(result, lang):
    """{column: [text]}: each objective's own last batch loss, the true cross-entropy and validation
    accuracy at the end, and what it does."""
    rows = {key: [] for key in ("loss", "own", "true", "accuracy", "verdict")}
    for objective, outcome in result.runs.items():
        own = outcome.run.batch_losses[np.isfinite(outcome.run.batch_losses)]
        kind = verdict(result, objective)
        rows["loss"].append(loss_name(objective, lang))
        rows["own"].append(fmt(own[-1]) if own.size else "NaN")
        rows["true"].append(fmt(outcome.curves.train_loss[-1]))
        rows["accuracy"].append(f"{fmt(100 * outcome.curves.val_accuracy[-1], 1)}%")
        rows["verdict"].append(text(lang, f"trn.verdict.{kind}", step=outcome.run.diverged_at))
    return {text(lang, f"trn.table.{key}"): values for key, values in rows.items()}


def one_curve_sentence(result, lang):
    return text(
        lang, "trn.mistakes.one_curve", difference=fmt(result.correct_difference()), steps=result.steps
    )
