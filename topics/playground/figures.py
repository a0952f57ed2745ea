"""The playground's figures: the logits, softmax against the target, the gradient, and the descent path,
each with its caption and alt text; and the data the draggable logit bars (ui.drag_logits) draw.
Numbers in, go.Figure out, through topics.shared.figures' template and palette.
"""

import numpy as np

from topics.playground.numbers import descent_path, gradient_story
from topics.playground.state import (
    LOGIT_RANGE,
    LOGIT_STEP,
    SMOOTHING_STEP,
    TEMPERATURE_RANGE,
    TEMPERATURE_STEP,
    WEIGHT_STEP,
    state_from_values,
)
from topics.playground.words import CAPTION_DECIMALS, caption_fields
from topics.shared.figures import (
    CHART_HEIGHT,
    LOWER_COLOUR,
    PALETTE,
    RAISE_COLOUR,
    THEMES,
    PageFigure,
    class_labels,
    template,
    unvalidated_figure,
)
from topics.shared.formatting import fmt, fmt_vector
from topics.shared.i18n import text
from topics.shared.sample import evaluate


def logits_figure(logits, true_class, lang="en", theme="light"):
    """Signed bars of the logits on a fixed axis (at least -10..10); the true class hatched."""
    logits = np.asarray(logits, dtype=float)
    limit = max(10.5, float(np.max(np.abs(logits))) * 1.1)
    bars = _class_bars(logits, true_class, lang, [fmt(v, 1) for v in logits], "z")
    return _bar_figure(bars, text(lang, "fig.logits"), text(lang, "fig.logit_value"), [-limit, limit], theme)


def probability_figure(probs, target, true_class, lang="en", theme="light"):
    """Bars of p on a fixed 0..1 axis with the target y drawn over them as short lines.

    `true_class` is None for soft labels (no single true class)."""
    probs, target = np.asarray(probs, dtype=float), np.asarray(target, dtype=float)
    bars = _class_bars(probs, true_class, lang, [fmt(p) for p in probs], "p")
    ink = THEMES[theme]["ink"]
    target_marks = {
        "type": "scatter",
        "x": bars["x"],
        "y": target,
        "mode": "markers",
        "name": text(lang, "fig.target"),
        "marker": {"symbol": "line-ew-open", "size": 34, "color": ink, "line": {"width": 3, "color": ink}},
        "customdata": np.arange(target.size),
        "hovertemplate": "y%{customdata} = %{y:.4f}<extra></extra>",
    }
    title, value_label = text(lang, "fig.probs"), text(lang, "fig.probability")
    return _bar_figure(bars, title, value_label, [0, 1.12], theme, extra=[target_marks])


def gradient_figure(gradient, temperature, lang="en", theme="light"):
    """Signed bars of dL/dz, blue where a gradient step raises the logit and vermilion where it lowers
    it, each labelled with the direction; the axis is fixed at +-1.5/T (|p - y| <= 1, plus room for the
    labels)."""
    gradient = np.asarray(gradient, dtype=float)
    bars = {
        "type": "bar",
        "x": [str(k) for k in range(gradient.size)],
        "y": gradient,
        "text": [f"{fmt(g, 3)}<br>{_direction(g, lang)}" for g in gradient],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": [RAISE_COLOUR if g < 0 else LOWER_COLOUR for g in gradient]},
        "hovertemplate": "dL/dz%{x} = %{y:.4f}<extra></extra>",
    }
    limit = 1.5 / temperature
    title, value_label = text(lang, "fig.gradient"), text(lang, "fig.gradient_value")
    return _bar_figure(bars, title, value_label, [-limit, limit], theme)


def loss_path_figure(path, lang="en", theme="light"):
    """The loss at each step of gradient descent."""
    line = {
        "type": "scatter",
        "x": np.arange(path.losses.size),
        "y": path.losses,
        "mode": "lines+markers",
        "name": text(lang, "fig.loss"),
        "line": {"color": THEMES[theme]["ink"]},
        "marker": {"size": 5},
        "hovertemplate": "%{x}: %{y:.4f}<extra></extra>",
    }
    top = max(float(np.nanmax(path.losses)) * 1.1, 1e-3)
    return _line_figure([line], text(lang, "fig.path_loss"), text(lang, "fig.loss"), [0, top], lang, theme)


def probability_path_figure(path, true_class, lang="en", theme="light"):
    """Each class's probability at each step of gradient descent; the true class drawn thicker."""
    num_classes = path.probs.shape[1]
    names = class_labels(num_classes, true_class, lang)
    lines = [
        {
            "type": "scatter",
            "x": np.arange(path.losses.size),
            "y": path.probs[:, k],
            "mode": "lines",
            "name": names[k],
            "line": {"color": PALETTE[k % len(PALETTE)], "width": 4 if k == true_class else 2},
            "hovertemplate": f"p{k}" + " %{x}: %{y:.4f}<extra></extra>",
        }
        for k in range(num_classes)
    ]
    legend = {
        "showlegend": True,
        "height": CHART_HEIGHT + 30,
        "margin": {"b": 96},
        "legend": {"orientation": "h", "y": -0.42, "x": 0, "yanchor": "top"},
    }
    title, value_label = text(lang, "fig.path_probs"), text(lang, "fig.probability")
    return _line_figure(lines, title, value_label, [0, 1.02], lang, theme, **legend)


def logits_alt(logits, true_class, lang="en"):
    return text(lang, "alt.logits", values=fmt_vector(logits, 1), true_class=true_class)


def probability_alt(probs, target, loss, lang="en"):
    return text(lang, "alt.probs", probs=fmt_vector(probs), target=fmt_vector(target), loss=fmt(loss))


def gradient_alt(gradient, lang="en"):
    return text(lang, "alt.gradient", values=fmt_vector(gradient))


def path_alt(path, lang="en"):
    first, last = fmt(path.losses[0]), fmt(path.losses[-1])
    return text(lang, "alt.path", first=first, last=last, steps=path.losses.size - 1)


def _class_bars(values, true_class, lang, labels, symbol):
    return {
        "type": "bar",
        "x": class_labels(values.size, true_class, lang),
        "y": values,
        "text": labels,
        "textposition": "outside",
        "cliponaxis": False,
        "customdata": np.arange(values.size),
        "marker": {
            "color": [PALETTE[k % len(PALETTE)] for k in range(values.size)],
            "pattern": {"shape": ["/" if k == true_class else "" for k in range(values.size)]},
        },
        "hovertemplate": f"{symbol}" + "%{customdata} = %{y:.4f}<extra></extra>",
    }


def _bar_figure(bars, title, value_label, value_range, theme, extra=()):
    layout = {
        "template": template(theme),
        "title": {"text": title},
        "height": CHART_HEIGHT,
        "showlegend": False,
        "bargap": 0.35,
        "yaxis": {"range": value_range, "title": {"text": value_label}},
        "xaxis": {"type": "category", "tickangle": 0},
    }
    return unvalidated_figure([bars, *extra], layout)


def _line_figure(lines, title, value_label, value_range, lang, theme, **more_layout):
    layout = {
        "template": template(theme),
        "title": {"text": title},
        "height": CHART_HEIGHT,
        "showlegend": False,
        "yaxis": {"range": value_range, "title": {"text": value_label}},
        "xaxis": {"title": {"text": text(lang, "fig.step")}},
    }
    return unvalidated_figure(lines, layout | more_layout)


def _direction(gradient_entry, lang):
    if gradient_entry < 0:
        return text(lang, "fig.moves_up")
    return text(lang, "fig.moves_down") if gradient_entry > 0 else ""


def control_keys(num_classes):
    """Each live control's URL key, by the component's control kind (an exercise may lock any of them)."""
    return {
        "logit": [f"pg_z{k}" for k in range(num_classes)],
        "weight": [f"pg_y{k}" for k in range(num_classes)],
        "class": "pg_class",
        "temperature": "pg_t",
        "smoothing": "pg_eps",
    }


def drag_data(state, lang="en"):
    """What the live controls (ui/drag_logits) draw: the logits, the target kind with its class, soft
    weights and smoothing, T, the ranges and steps of every control, the class labels and colours of the
    figures, and the words in `lang`. While a control moves the browser computes from these, with the
    shared math of ui/live_math, what core computes on release (topics.shared.sample.evaluate)."""
    num_classes = state.num_classes
    true_class = None if state.target_kind == "soft" else state.true_class
    weights = list(state.soft_weights) + [0.0] * (num_classes - len(state.soft_weights))
    return {
        "logits": [float(z) for z in state.logits],
        "targetKind": state.target_kind,
        "trueClass": true_class,
        "weights": [float(w) for w in weights[:num_classes]],
        "smoothing": float(state.smoothing),
        "temperature": float(state.temperature),
        "controlKeys": control_keys(num_classes),
        "range": list(LOGIT_RANGE),
        "step": LOGIT_STEP,
        "weightStep": WEIGHT_STEP,
        "temperatureRange": list(TEMPERATURE_RANGE),
        "temperatureStep": TEMPERATURE_STEP,
        "smoothingStep": SMOOTHING_STEP,
        "labels": class_labels(num_classes, None, lang),
        "trueLabels": [text(lang, "fig.true_label", index=k) for k in range(num_classes)],
        "colours": [PALETTE[k % len(PALETTE)] for k in range(num_classes)],
        "text": drag_words(num_classes, lang),
    }


def drag_words(num_classes, lang):
    """The live controls' words in `lang`; {z}, {p}, {lse}, ... are filled in by the browser."""
    fields = ("z", "p", "lse", "target", "loss", "entropy", "kl")
    placeholders = {name: "{" + name + "}" for name in fields}
    return {
        "group": text(lang, "pg.drag.group"),
        "logits": text(lang, "pg.drag.logits"),
        "probs": text(lang, "pg.drag.probs"),
        "target": text(lang, "pg.drag.target"),
        "gradient": text(lang, "pg.drag.gradient"),
        "loss": text(lang, "pg.loss"),
        "trueClass": text(lang, "pg.true_class"),
        "temperature": text(lang, "pg.temperature"),
        "smoothing": text(lang, "pg.smoothing"),
        "sliderLabels": [text(lang, "pg.logit", index=k) for k in range(num_classes)],
        "targetLabels": [text(lang, "pg.drag.target_label", index=k) for k in range(num_classes)],
        "classLabels": [text(lang, "pg.drag.class_label", index=k) for k in range(num_classes)],
        "valueText": text(lang, "pg.drag.value_text", **placeholders),
        "lossTerms": text(lang, "pg.drag.loss_terms", **placeholders),
        "klLine": text(lang, "pg.drag.kl_line", **placeholders),
    }


def marked_class(state):
    """The class the figures mark as true (hatched, starred): None for soft labels."""
    return None if state.target_kind == "soft" else state.true_class


def logits_page_figure(state, readout, lang="en", theme="light"):
    """The logits bar chart with its caption and alt text."""
    true_class = marked_class(state)
    return PageFigure(
        logits_figure(readout.logits, true_class, lang, theme),
        caption=text(lang, "cap.pg.logits", classes=state.num_classes, **caption_fields(state, lang)),
        alt=logits_alt(readout.logits, true_class, lang),
    )


def probability_page_figure(state, readout, lang="en", theme="light"):
    """Softmax p against the target y, with its caption ("Softmax of logits ...: p = ..., loss ...")."""
    caption = text(
        lang,
        "cap.pg.probs",
        probs=fmt_vector(readout.probs, CAPTION_DECIMALS),
        loss=fmt(readout.loss, CAPTION_DECIMALS),
        **caption_fields(state, lang),
    )
    return PageFigure(
        probability_figure(readout.probs, readout.target, marked_class(state), lang, theme),
        caption=caption,
        alt=probability_alt(readout.probs, readout.target, readout.loss, lang),
    )


def gradient_page_figure(state, readout, lang="en", theme="light"):
    """The gradient (p - y) / T with its caption: which logit a step raises and lowers most."""
    story = gradient_story(readout)
    caption = text(
        lang,
        "cap.pg.gradient_zero" if story.at_minimum else "cap.pg.gradient",
        gradient=fmt_vector(readout.gradient, CAPTION_DECIMALS),
        rising=story.rising_class,
        falling=story.falling_class,
        **caption_fields(state, lang),
    )
    return PageFigure(
        gradient_figure(readout.gradient, state.temperature, lang, theme),
        caption=caption,
        alt=gradient_alt(readout.gradient, lang),
    )


def path_page_figures(state, learning_rate, steps, lang="en", theme="light"):
    """(loss over the steps, probabilities over the steps) of gradient descent from the state."""
    path = descent_path(state, learning_rate, steps)
    fields = {"steps": steps, "lr": fmt(learning_rate, 2), **caption_fields(state, lang)}
    alt = path_alt(path, lang)
    loss_caption = text(
        lang,
        "cap.pg.path_loss",
        first=fmt(path.losses[0], CAPTION_DECIMALS),
        last=fmt(path.losses[-1], CAPTION_DECIMALS),
        **fields,
    )
    probs_caption = text(
        lang,
        "cap.pg.path_probs",
        first=fmt_vector(path.probs[0], CAPTION_DECIMALS),
        last=fmt_vector(path.probs[-1], CAPTION_DECIMALS),
        **fields,
    )
    return (
        PageFigure(loss_path_figure(path, lang, theme), caption=loss_caption, alt=alt),
        PageFigure(
            probability_path_figure(path, marked_class(state), lang, theme),
            caption=probs_caption,
            alt=alt,
        ),
    )


def page_figures(values, lang="en", theme="light"):
    """Every figure of the playground for the control values (keys as in url_specs), by name."""
    state = state_from_values(values)
    readout = evaluate(state)
    path_loss, path_probs = path_page_figures(state, values["pg_lr"], values["pg_steps"], lang, theme)
    return {
        "logits": logits_page_figure(state, readout, lang, theme),
        "probs": probability_page_figure(state, readout, lang, theme),
        "gradient": gradient_page_figure(state, readout, lang, theme),
        "path_loss": path_loss,
        "path_probs": path_probs,
    }
