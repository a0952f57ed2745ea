"""Batch: nn.CrossEntropyLoss on a whole batch, step by step, with every option PyTorch has.

The batch lives in session state under the URL keys (bt_logits, bt_labels, ...), changed only by
input that passed core.batch's checks: a bad cell or paste leaves the last good batch in place and says
why. The table shows a snapshot (its "base") plus the person's edits; the snapshot is renewed (a new
editor key) whenever the batch changes from elsewhere: a paste, an example, a resize, a link.
"""

import pandas as pd
import streamlit as st

from core import batch as bt
from core import batch_check, framework_check
from core.formatting import fmt
from ui.charts import show_figure
from ui.errors import friendly_fragment
from ui.frameworks import check_expander, check_table, run_installed
from ui.language import current_language, t
from ui.shell import ensure_app_shell
from ui.theme import chart_theme
from ui.url_state import current_values, publish, refused_notice, restore, set_values

SPECS = bt.url_specs()


def values():
    return current_values(SPECS)


def say(where, kind, key, **params):
    """Remember a message for the control `where` (callbacks run before the page is drawn)."""
    st.session_state._bt_message = (where, kind, [(key, params)])


def say_problems(where, error):
    problems = error.problems[: bt.MAX_PROBLEMS]
    st.session_state._bt_message = (where, "error", [(f"bt.problem.{p.kind}", p.params) for p in problems])


def clear_message():
    st.session_state._bt_message = None


# Callbacks: they change control values before the widgets are drawn.


def apply_paste():
    current = values()
    try:
        logits, labels = bt.read_paste(
            st.session_state.bt_paste_logits,
            st.session_state.bt_paste_labels,
            current["bt_labels"],
            current["bt_ignore"],
        )
    except bt.BatchInputError as error:
        say_problems("paste", error)
        return
    new, _ = bt.resized_values(
        {**current, "bt_logits": logits, "bt_labels": labels}, len(logits), len(logits[0])
    )
    set_values(new)
    say("paste", "success", "bt.paste_ok", rows=len(logits), classes=len(logits[0]))


def apply_shape():
    new, changed = bt.resized_values(values(), st.session_state.bt_rows, st.session_state.bt_classes)
    set_values(new)
    clear_message()
    if changed:
        last = len(new["bt_logits"][0]) - 1
        say("shape", "info", "bt.labels_clamped", rows=", ".join(map(str, changed)), last=last)


def apply_ignore():
    current = values()
    old = st.session_state.get("_bt_ignore_seen", bt.DEFAULT_IGNORE)
    labels, changed = bt.relabelled_for_ignore(
        current["bt_labels"], len(current["bt_logits"][0]), old, current["bt_ignore"]
    )
    set_values({"bt_labels": labels})
    clear_message()
    if changed:
        rows = ", ".join(map(str, changed))
        say("ignore", "info", "bt.labels_relabelled", rows=rows, old=old, new=current["bt_ignore"])


def apply_weights():
    try:
        weight = bt.read_weights(st.session_state.bt_weight_text, len(values()["bt_logits"][0]))
    except bt.BatchInputError as error:
        say_problems("weights", error)
        return
    set_values({"bt_weight": weight})
    st.session_state._bt_weight_synced = weight
    clear_message()


def load_example():
    name = st.session_state.bt_example
    if name:
        set_values(bt.example_values(name))
        say("example", "info", "bt.example_loaded", name=t(f"bt.example.{name}"))
    st.session_state.bt_example = None


def reset():
    set_values(bt.DEFAULTS)
    clear_message()


# Controls


def batch_table():
    """The editable batch: a snapshot plus the person's edits, read back through core.batch.read_table."""
    current = values()
    canonical = (current["bt_logits"], current["bt_labels"])
    lang = current_language()
    version = st.session_state.get("_bt_table_version", 0)
    fresh = f"bt_table_{version}" not in st.session_state  # first draw, or back from another page
    if fresh or st.session_state.get("_bt_table_synced") != (canonical, lang):
        version += 1
        st.session_state._bt_table_version = version
        st.session_state._bt_table_base = canonical
        st.session_state._bt_table_synced = (canonical, lang)
    base_logits, base_labels = st.session_state._bt_table_base
    frame = pd.DataFrame(bt.table_columns(base_logits, base_labels))
    config = {
        bt.LABEL_COLUMN: st.column_config.TextColumn(
            t("bt.col.label"), help=t("bt.col.label_help"), alignment="right", width=64
        ),
        **{
            bt.logit_column(c): st.column_config.TextColumn(
                bt.logit_column(c), help=t("bt.col.logit_help", index=c), alignment="right", width=58
            )
            for c in range(len(base_logits[0]))
        },
    }
    edited = st.data_editor(
        frame,
        key=f"bt_table_{version}",
        num_rows="dynamic",
        column_config=config,
        width="stretch",
    )
    rows = [
        (name, row[bt.LABEL_COLUMN], [row[bt.logit_column(c)] for c in range(len(base_logits[0]))])
        for name, row in edited.iterrows()
    ]
    try:
        logits, labels = bt.read_table(rows, current["bt_ignore"])
    except bt.BatchInputError as error:
        with st.container(key="bt_table_problems"):
            problems = error.problems[: bt.MAX_PROBLEMS]
            lines = [t(f"bt.problem.{p.kind}", **p.params) for p in problems]
            more = len(error.problems) - len(problems)
            if more:
                lines.append(t("bt.more_problems", count=more))
            st.error("\n\n".join(lines + [t("bt.keeps_last_good")]), icon=":material/error:")
        return
    if (logits, labels) == canonical:
        return
    origins = [
        int(name) if pd.api.types.is_integer(name) and name < len(base_labels) else None for name, *_ in rows
    ]
    probs = bt.carried_probability_rows(current["bt_probs"], origins, labels, len(logits[0]))
    set_values({"bt_logits": logits, "bt_labels": labels, "bt_probs": probs})
    renumbered = origins != list(range(len(base_labels)))
    st.session_state._bt_table_synced = None if renumbered else ((logits, labels), lang)
    clear_message()
    if renumbered:  # rows were added or deleted: show the batch with rows numbered 0..N-1
        st.rerun()


def probability_table(state):
    """The free target rows (target form 'probs'), each divided by its sum."""
    rows = bt.probability_rows(state)
    lang = current_language()
    version = st.session_state.get("_bt_probs_version", 0)
    fresh = f"bt_probs_{version}" not in st.session_state
    if fresh or st.session_state.get("_bt_probs_synced") != (rows, lang):
        version += 1
        st.session_state._bt_probs_version = version
        st.session_state._bt_probs_base = rows
        st.session_state._bt_probs_synced = (rows, lang)
    base = st.session_state._bt_probs_base
    frame = pd.DataFrame(bt.probability_columns(base))
    config = {
        name: st.column_config.TextColumn(
            name, help=t("bt.col.prob_help", index=c), alignment="right", width=58
        )
        for c, name in enumerate(frame.columns)
    }
    st.caption(t("bt.probs_help"))
    edited = st.data_editor(
        frame, key=f"bt_probs_{version}", num_rows="fixed", column_config=config, width="stretch"
    )
    cells = [(name, list(row)) for name, row in edited.iterrows()]
    try:
        probs = bt.read_probability_table(cells)
    except bt.BatchInputError as error:
        with st.container(key="bt_probs_problems"):
            lines = [t(f"bt.problem.{p.kind}", **p.params) for p in error.problems[: bt.MAX_PROBLEMS]]
            st.error("\n\n".join(lines + [t("bt.keeps_last_good")]), icon=":material/error:")
        return
    if probs != rows:
        set_values({"bt_probs": probs})
        st.session_state._bt_probs_synced = (probs, lang)


def shape_controls():
    current = values()
    st.session_state.bt_rows = len(current["bt_logits"])
    st.session_state.bt_classes = len(current["bt_logits"][0])
    left, right = st.columns(2)
    left.number_input(t("bt.rows"), *bt.ROW_RANGE, step=1, key="bt_rows", on_change=apply_shape)
    right.number_input(t("bt.classes"), *bt.CLASS_RANGE, step=1, key="bt_classes", on_change=apply_shape)
    message_box("shape")


def paste_box():
    with st.expander(t("bt.paste_title"), icon=":material/content_paste:"):
        with st.form("bt_paste_form", border=False):
            st.text_area(
                t("bt.paste_logits"),
                key="bt_paste_logits",
                placeholder="tensor([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]])",
                height=90,
                max_chars=10_000,
            )
            st.text_input(
                t("bt.paste_labels"), key="bt_paste_labels", placeholder="tensor([0, 2])", max_chars=2000
            )
            st.form_submit_button(t("bt.paste_apply"), on_click=apply_paste, key="bt_paste_apply")
        st.caption(t("bt.paste_help"))
        message_box("paste")


def option_controls(num_classes):
    st.radio(
        t("bt.target_form"),
        bt.TARGET_FORMS,
        key="bt_target",
        horizontal=True,
        format_func=lambda form: t(f"bt.target.{form}"),
        help=t("bt.target_help"),
    )
    if st.session_state.bt_target == "probs":
        probability_table(bt.state_from_values(values()))
    st.radio(t("bt.reduction"), bt.REDUCTIONS, key="bt_reduction", horizontal=True, format_func=repr)
    weight = st.session_state.bt_weight
    if st.session_state.get("_bt_weight_synced") != weight or "bt_weight_text" not in st.session_state:
        st.session_state.bt_weight_text = ", ".join(f"{w:g}" for w in weight)
        st.session_state._bt_weight_synced = weight
    st.text_input(
        t("bt.weight"),
        key="bt_weight_text",
        on_change=apply_weights,
        placeholder=t("bt.weight_placeholder", example=", ".join(["1"] * (num_classes - 1) + ["2"])),
        help=t("bt.weight_help", classes=num_classes),
        max_chars=2000,
    )
    message_box("weights")
    st.number_input(
        t("bt.ignore"),
        -bt.IGNORE_LIMIT,
        bt.IGNORE_LIMIT,
        step=1,
        key="bt_ignore",
        on_change=apply_ignore,
        help=t("bt.ignore_help"),
    )
    st.session_state._bt_ignore_seen = st.session_state.bt_ignore
    message_box("ignore")
    st.slider(t("bt.smoothing"), 0.0, 1.0, step=0.01, key="bt_ls", help=t("bt.smoothing_help"))


def controls():
    st.subheader(t("bt.batch"))
    st.caption(t("bt.table_help"))
    batch_table()
    shape_controls()
    paste_box()
    with st.container(horizontal=True, wrap=True, vertical_alignment="bottom"):
        st.selectbox(
            t("bt.examples"),
            list(bt.EXAMPLES),
            index=None,
            key="bt_example",
            on_change=load_example,
            format_func=lambda name: t(f"bt.example.{name}"),
            placeholder=t("bt.examples_placeholder"),
        )
        st.button(t("bt.reset"), on_click=reset, icon=":material/restart_alt:", key="bt_reset_button")
    message_box("example")
    st.subheader(t("bt.options"))
    option_controls(len(values()["bt_logits"][0]))


# Readouts


def message_box(where):
    """The last callback's message, drawn next to the control that caused it."""
    message = st.session_state.get("_bt_message")
    if not message or message[0] != where:
        return
    _, kind, parts = message
    body = "\n\n".join(t(key, **params) for key, params in parts)
    if kind == "error":
        body += "\n\n" + t("bt.keeps_last_good")
    with st.container(key="bt_message"):
        {"error": st.error, "success": st.success, "info": st.info}[kind](body)


def loss_panel(state, readout):
    """The headline: the loss, and what it was computed over."""
    label = t("bt.loss_none") if state.reduction == "none" else t("bt.loss", reduction=state.reduction)
    with st.container(key="bt_loss"):
        st.metric(label, bt.fmt_value(readout.loss))
    summary = t("bt.summary", rows=state.num_rows, counted=readout.num_counted, classes=state.num_classes)
    if state.reduction == "mean":
        summary += " · " + t("bt.summary_mean", denominator=f"{readout.denominator:g}")
    st.caption(summary)


def softmax_panel(state, readout, lang):
    st.subheader(t("bt.step1"))
    st.caption(t("bt.step1_help" if state.target_form != "probs" else "bt.step1_help_probs"))
    show_figure(bt.softmax_page_figure(state, readout, lang, chart_theme()), "bt_softmax")
    if state.target_form == "probs":
        show_figure(bt.target_page_figure(state, readout, lang, chart_theme()), "bt_target_map")


def rows_panel(state, readout, lang):
    st.subheader(t("bt.step2"))
    st.caption(t(f"bt.step2_help.{state.target_form}"))
    with st.container(key="bt_rows_table"):
        st.dataframe(bt.row_table(state, readout, lang), hide_index=True, width="stretch")


def reduction_panel(state, readout):
    st.subheader(t("bt.step3"))
    for block in bt.reduction_latex(state, readout):
        st.latex(block)
    if bt.weighted_mean_differs(state, readout):
        st.write(
            t(
                "bt.weighted_vs_plain",
                weighted=fmt(readout.loss),
                plain=fmt(bt.plain_mean(readout)),
                total=f"{readout.denominator:g}",
                count=readout.num_counted,
            )
        )
    notes_panel(readout)


def notes_panel(readout):
    if not readout.notes:
        return
    with st.container(key="bt_notes"):
        for note in readout.notes:
            st.warning(t(f"bt.note.{note.kind}", **note.params), icon=":material/lightbulb:")


def routes_panel(state, readout):
    st.subheader(t("bt.step4"))
    st.caption(t("bt.step4_help"))
    form = "index" if state.target_form == "index" else "probs"
    with st.container(key="bt_routes"):
        for column, route in zip(st.columns(len(readout.routes), border=True), readout.routes, strict=True):
            with column:
                st.metric(t(f"bt.route.{route.kind}"), bt.fmt_value(route.value))
                st.caption(t(f"bt.route.{route.kind}.{form}"))


def gradient_panel(state, readout, lang):
    st.subheader(t("bt.step5"))
    show_figure(bt.gradient_page_figure(state, readout, lang, chart_theme()), "bt_grad")
    key, params = bt.gradient_sentence(state, readout)
    st.write(t(key, **params) + " " + t("bt.grad.colours", bound=fmt(readout.gradient_bound)))


@friendly_fragment
def check_panel(state, readout):
    panel = check_expander(t("bt.check.title"), "bt_check_open")
    if panel is None:
        return
    with panel:
        sentence = bt.keras_sentence(state, readout)  # from core's Keras mirror: no import needed
        if sentence:
            key, params = sentence
            st.info(t(key, **params), icon=":material/info:")
        if not st.toggle(t("check.open"), key="bt_check"):
            st.caption(t("bt.check.closed"))
            return
        rows = run_installed(
            (
                ("torch", batch_check.torch_results),
                ("keras", batch_check.keras_results),
            ),
            state,
            readout,
        )
        if not rows:
            return
        check_table(rows, "bt_check_table", bt.fmt_value, t("bt.check.core"))
        tolerance = framework_check.TOLERANCE_TEXT
        st.write(t("bt.check.agree" if batch_check.agrees(rows) else "check.disagree", tolerance=tolerance))


def code_panel(state):
    st.subheader(t("bt.step6"))
    st.caption(t("bt.step6_help"))
    torch_tab, keras_tab = st.tabs(["PyTorch", "Keras 3"])
    torch_tab.code(batch_check.torch_snippet(state), language="python")
    keras_tab.code(batch_check.keras_snippet(state), language="python")


# The page

ensure_app_shell()
lang = current_language()
refused = restore("batch", SPECS, extra_check=bt.inconsistent_values)
st.title(t("bt.title"))
st.write(t("bt.intro"))
refused_notice(refused, "bt_notice")

headline = st.container()  # filled once the batch is read: the loss stays in view on a phone
control_column, view_column = st.columns([5, 7], gap="large")
with control_column:
    controls()
state = bt.state_from_values(values())
try:
    readout = bt.evaluate(state)
    st.session_state._bt_last_good = state
except bt.BatchInputError as error:  # cannot happen through the controls; kept as a guard
    say_problems("state", error)
    state = st.session_state.get("_bt_last_good", bt.BatchState())
    readout = bt.evaluate(state)
with headline:
    message_box("state")
    loss_panel(state, readout)
with view_column:
    softmax_panel(state, readout, lang)
    rows_panel(state, readout, lang)
    reduction_panel(state, readout)
routes_panel(state, readout)
gradient_panel(state, readout, lang)
check_panel(state, readout)
code_panel(state)
publish(SPECS)
