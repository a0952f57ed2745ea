"""Binary: BCELoss and BCEWithLogitsLoss on one prediction and a soft label, seed 002's puzzle, the ends."""

import pandas as pd
import streamlit as st

from core import binary as bn
from core import binary_check, binary_figures
from core.batch import MAX_PROBLEMS, BatchInputError
from core.batch_check import agrees
from core.formatting import fmt, fmt_vector
from ui.charts import plotly_chart
from ui.errors import friendly_fragment
from ui.frameworks import check_expander, check_table, run_installed
from ui.language import current_language, t
from ui.shell import ensure_app_shell
from ui.theme import chart_theme
from ui.url_state import current_values, publish, refused_notice, restore, set_values

SPECS = bn.url_specs()
DEFAULTS = {spec.key: spec.default for spec in SPECS}


def values():
    return current_values(SPECS)


def value_or_dash(value):
    return t("bin.ends.none") if value is None else fmt(value)


# Callbacks: the logit and the probability stay linked through the sigmoid.


def logit_changed():
    set_values({"bin_p": bn.prob_for_logit(st.session_state.bin_z)})


def prob_changed():
    set_values({"bin_z": bn.logit_for_prob(st.session_state.bin_p)})


def link_prediction():
    """Keep the control that is not shown in step with the one that is (a link may carry either)."""
    if st.session_state.bin_form == "logit":
        st.session_state.bin_p = bn.prob_for_logit(st.session_state.bin_z)
    else:
        st.session_state.bin_z = bn.logit_for_prob(st.session_state.bin_p)


# Controls


def controls(readout):
    st.subheader(t("bin.controls"))
    st.radio(
        t("bin.form"), bn.FORMS, key="bin_form", horizontal=True, format_func=lambda f: t(f"bin.form.{f}")
    )
    if st.session_state.bin_form == "logit":
        st.slider(
            t("bin.z"),
            *bn.LOGIT_RANGE,
            step=bn.LOGIT_STEP,
            format="%.2f",
            key="bin_z",
            on_change=logit_changed,
        )
        st.caption(t("bin.linked_p", p=fmt(readout.p)))
    else:
        st.slider(t("bin.p"), 0.0, 1.0, step=bn.PROB_STEP, format="%.3f", key="bin_p", on_change=prob_changed)
        st.caption(t("bin.linked_z", z=fmt(readout.z)))
    st.slider(t("bin.y"), 0.0, 1.0, step=bn.LABEL_STEP, format="%.2f", key="bin_y")
    st.caption(t("bin.quick"))
    with st.container(horizontal=True, wrap=True, key="bin_quick"):
        for label in bn.QUICK_LABELS:
            st.button(f"{label:g}", key=f"bin_quick_{label:g}", on_click=set_values, args=({"bin_y": label},))
    st.slider(t("bin.pw"), *bn.POS_WEIGHT_RANGE, step=0.1, format="%.1f", key="bin_pw", help=t("bin.pw_help"))
    st.slider(t("bin.ls"), 0.0, 1.0, step=0.01, format="%.2f", key="bin_ls", help=t("bin.ls_help"))


# Readouts


def readouts(state, readout):
    with st.container(horizontal=True, wrap=True, gap="medium", key="bin_losses"):
        st.metric(t("bin.m.logits"), fmt(readout.bce_logits), width="content")
        st.metric(t("bin.m.probs"), fmt(readout.bce_probs), width="content")
        st.metric(t("bin.m.keras_logits"), fmt(readout.keras_logits), width="content")
        st.metric(t("bin.m.keras_probs"), fmt(readout.keras_probs), width="content")
    with st.container(horizontal=True, wrap=True, gap="medium", key="bin_parts"):
        st.metric(t("bin.m.floor"), fmt(readout.floor), width="content")
        st.metric(t("bin.m.kl"), fmt(readout.kl), width="content")
        st.metric(t("bin.m.grad_z"), fmt(readout.grad_z), width="content")
        st.metric(t("bin.m.grad_p"), fmt(readout.grad_p), width="content")
    st.caption(t("bin.readout_note"))
    st.caption(t("bin.formula"))
    for block in bn.formula_lines(readout, state):
        st.latex(block)


def curves_panel(readout, lang):
    st.subheader(t("bin.curves.title"))
    st.markdown(t("bin.curves.help"))
    plotly_chart(
        binary_figures.curves_figure(readout.p, readout.y, lang, chart_theme()),
        "bin_curves",
        binary_figures.curves_alt(readout, lang),
    )
    st.caption(t("bin.curves.sync", y=fmt(readout.y, 2)))


def puzzle_panel():
    st.subheader(t("bin.puzzle.title"))
    st.write(t("bin.puzzle.intro", pred=f"{bn.PUZZLE_PRED:g}"))
    hard, soft = bn.puzzle()
    table = {
        t("bin.puzzle.label"): [fmt(row.label, 2) for row in (hard, soft)],
        t("bin.puzzle.bce"): [fmt(row.bce) for row in (hard, soft)],
        t("bin.puzzle.floor"): [fmt(row.floor) for row in (hard, soft)],
        t("bin.puzzle.kl"): [fmt(row.kl) for row in (hard, soft)],
    }
    with st.container(key="bin_puzzle"):
        st.dataframe(table, hide_index=True)
        st.write(
            t("bin.puzzle.explain", floor_soft=fmt(soft.floor), kl_soft=fmt(soft.kl), kl_hard=fmt(hard.kl))
        )


def gradient_panel(state, readout, lang):
    st.subheader(t("bin.grad.title"))
    left, right = st.columns(2)
    with left:
        plotly_chart(
            binary_figures.sigmoid_figure(readout.z, readout.p, lang, chart_theme()),
            "bin_sigmoid",
            binary_figures.sigmoid_alt(readout, lang),
        )
    with right:
        figure = binary_figures.gradients_figure(
            readout.p, readout.y, state.pos_weight, readout.grad_z, readout.grad_p, lang, chart_theme()
        )
        plotly_chart(figure, "bin_gradients", binary_figures.gradients_alt(readout, lang))
    st.write(t("bin.grad.explain"))
    st.caption(t("bin.grad.now", grad_z=fmt(readout.grad_z), grad_p=fmt(readout.grad_p)))


@friendly_fragment
def ends_panel():
    st.subheader(t("bin.ends.title"))
    st.slider(t("bin.ends.far"), *bn.FAR_RANGE, key="bin_far")
    cases = bn.ends(st.session_state.bin_far)
    table = {
        t("bin.ends.case"): [
            t(f"bin.ends.row.{c.kind}", z=f"{c.z:g}" if c.z is not None else "") for c in cases
        ],
        t("bin.ends.exact"): [fmt(c.exact) for c in cases],
        t("bin.ends.torch_logits"): [value_or_dash(c.torch_logits) for c in cases],
        t("bin.ends.torch_probs"): [fmt(c.torch_probs) for c in cases],
        t("bin.ends.keras_logits"): [value_or_dash(c.keras_logits) for c in cases],
        t("bin.ends.keras_probs"): [fmt(c.keras_probs) for c in cases],
        t("bin.ends.grad_logits"): [value_or_dash(c.grad_logits) for c in cases],
        t("bin.ends.grad_probs"): [value_or_dash(c.grad_probs) for c in cases],
    }
    with st.container(key="bin_ends"):
        st.dataframe(table, hide_index=True)
        for case in cases:
            z = f"{case.z:g}" if case.z is not None else ""
            st.markdown(
                t(
                    f"bin.ends.{case.kind}",
                    z=z,
                    p=f"{case.p:.9g}",
                    torch=fmt(case.torch_probs),
                    keras=fmt(case.keras_probs),
                    logits=value_or_dash(case.torch_logits),
                    grad=value_or_dash(case.grad_probs),
                )
            )
    publish(SPECS)


def multilabel_tables():
    """The two editable 3 x 3 tables; returns (logits, labels) last read without problems."""
    current = (st.session_state.bin_ml_z, st.session_state.bin_ml_y)
    lang = current_language()
    version = st.session_state.get("_bin_ml_version", 0)
    fresh = f"bin_ml_table_z_{version}" not in st.session_state
    if fresh or st.session_state.get("_bin_ml_synced") != (current, lang):
        version += 1
        st.session_state._bin_ml_version = version
        st.session_state._bin_ml_base = current
        st.session_state._bin_ml_synced = (current, lang)
    base_z, base_y = st.session_state._bin_ml_base
    left, right = st.columns(2)
    edited = []
    for column, base, prefix, title, what in (
        (left, base_z, "z", "bin.ml.logits", "bin.ml.logit_help"),
        (right, base_y, "y", "bin.ml.labels", "bin.ml.label_help"),
    ):
        frame = pd.DataFrame(bn.table_columns(base, prefix))
        config = {
            name: st.column_config.TextColumn(
                name, help=t("bin.ml.cell_help", what=t(what)), alignment="right", width=70
            )
            for name in frame.columns
        }
        with column:
            st.caption(t(title))
            table = st.data_editor(
                frame,
                key=f"bin_ml_table_{prefix}_{version}",
                num_rows="fixed",
                column_config=config,
                width="stretch",
            )
        edited.append([(name, list(row)) for name, row in table.iterrows()])
    try:
        logits, labels = bn.read_multilabel(*edited)
    except BatchInputError as error:
        with st.container(key="bin_ml_problems"):
            lines = [t(bn.problem_key(p.kind), **p.params) for p in error.problems[:MAX_PROBLEMS]]
            st.error("\n\n".join(lines + [t("bin.ml.keeps")]), icon=":material/error:")
        return current
    if (logits, labels) != current:
        set_values({"bin_ml_z": logits, "bin_ml_y": labels})
        st.session_state._bin_ml_synced = ((logits, labels), lang)
    return logits, labels


def reset_multilabel():
    set_values({"bin_ml_z": bn.MULTILABEL_LOGITS, "bin_ml_y": bn.MULTILABEL_LABELS})


@friendly_fragment
def multilabel_panel(lang):
    st.subheader(t("bin.ml.title"))
    st.markdown(t("bin.ml.intro", pos_weight=fmt(st.session_state.bin_pw, 1)))
    logits, labels = multilabel_tables()
    st.button(t("bin.ml.reset"), key="bin_ml_reset", on_click=reset_multilabel, icon=":material/restart_alt:")
    result = bn.multilabel(logits, labels, st.session_state.bin_pw)
    with st.container(key="bin_ml_mean"):
        st.metric(t("bin.ml.mean"), fmt(result.mean))
    plotly_chart(
        binary_figures.multilabel_figure(result, labels, lang, chart_theme()),
        "bin_multilabel",
        binary_figures.multilabel_alt(result, lang),
    )
    publish(SPECS)


@friendly_fragment
def mistake_panel():
    st.subheader(t("bin.mistake.title"))
    written = st.toggle(t("bin.mistake.toggle"), key="bin_mistake")
    result = bn.mistake()
    shown, other = (
        (result.wrong_mean, result.right_mean) if written else (result.right_mean, result.wrong_mean)
    )
    st.write(t("bin.mistake.written" if written else "bin.mistake.intended"))
    with st.container(key="bin_mistake_loss"):
        st.metric(t("bin.mistake.loss"), fmt(shown))
        st.caption(t("bin.mistake.other", value=fmt(other)))
    call = "nn.BCEWithLogitsLoss()" if written else "nn.BCELoss()"
    st.code(
        f"y_true = torch.tensor({list(bn.MISTAKE_TARGET)})\n"
        f"y_pred = torch.tensor({list(bn.MISTAKE_PROBS)})  # probabilities\n"
        f"loss = {call}(y_pred, y_true)  # {fmt(shown)}",
        language="python",
    )
    table = {
        t("bin.mistake.p"): [fmt(v, 2) for v in result.probs],
        t("bin.mistake.used"): [fmt(v) for v in result.used_probs],
        t("bin.mistake.y"): [f"{v:g}" for v in bn.MISTAKE_TARGET],
        t("bin.mistake.wrong"): [fmt(v) for v in result.wrong],
        t("bin.mistake.right"): [fmt(v) for v in result.right],
    }
    st.dataframe(table, hide_index=True)
    st.markdown(
        t(
            "bin.mistake.explain",
            used0=fmt(result.used_probs[0]),
            used1=fmt(result.used_probs[1]),
            wrong=fmt(result.wrong_mean),
            right=fmt(result.right_mean),
        )
    )
    publish(SPECS)


def bridge_panel(readout):
    st.subheader(t("bin.bridge.title"))
    st.write(t("bin.bridge.intro"))
    bridge = bn.bridge(readout.z, readout.y)
    with st.container(horizontal=True, wrap=True, gap="medium", key="bin_bridge"):
        st.metric(t("bin.bridge.bce"), fmt(bridge.bce), width="content")
        st.metric(t("bin.bridge.ce"), fmt(bridge.cross_entropy), width="content")
    diff = f"{bridge.difference:.1e}"
    st.caption(t("bin.bridge.now", z=fmt(bridge.z, 2), y=fmt(bridge.y, 2), diff=diff))
    pair = bn.seed_pair()
    with st.container(key="bin_seed_pair"):
        st.write(
            t(
                "bin.bridge.seed",
                probs=fmt_vector(pair.probs),
                bce=fmt(pair.bce),
                p1=fmt(pair.probs[1]),
                ce=fmt(pair.cross_entropy),
                bce_logits=fmt(pair.bce_logits),
            )
        )


@friendly_fragment
def check_panel(state, readout):
    panel = check_expander(t("check.title"), "bin_check_open")
    if panel is None:
        return
    with panel:
        torch_tab, keras_tab = st.tabs(["PyTorch", "Keras 3"])
        torch_tab.caption(t("bin.check.snippet"))
        torch_tab.code(binary_check.torch_snippet(state), language="python")
        keras_tab.code(binary_check.keras_snippet(state), language="python")
        if not st.toggle(t("bin.check.open"), key="bin_check"):
            st.caption(t("bin.check.closed"))
            return
        rows = run_installed(
            (
                ("torch", binary_check.torch_results),
                ("keras", binary_check.keras_results),
            ),
            state,
            readout,
        )
        if not rows:
            return
        check_table(rows, "bin_check_table", lambda loss: fmt(loss, 6), t("bin.check.core"))
        tolerance = t("bin.check.tolerance")
        st.write(t("bin.check.agree" if agrees(rows) else "check.disagree", tolerance=tolerance))


# The page

ensure_app_shell()
lang = current_language()
refused = restore("binary", SPECS, extra_check=bn.inconsistent_values)
link_prediction()
st.title(t("bin.title"))
st.write(t("bin.intro"))
refused_notice(refused, "bin_notice")

state = bn.state_from_values(values())
readout = bn.evaluate(state)
control_column, view_column = st.columns([1, 2], gap="large")
with view_column:
    readouts(state, readout)
with control_column:
    controls(readout)
curves_panel(readout, lang)
puzzle_panel()
gradient_panel(state, readout, lang)
ends_panel()
multilabel_panel(lang)
mistake_panel()
bridge_panel(readout)
check_panel(state, readout)
publish(SPECS)
