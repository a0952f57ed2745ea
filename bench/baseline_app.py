"""The minimal app of shared/NOTES.md's baseline table: three logit sliders, one metric, two small charts.

bench/bench_playground.py measures it beside the floor app (bench/floor_app.py) and the playground, as a
calibration point: what a page of five elements already costs over the floor of three. Same keys as the
playground (pg_z0.., pg_loss, pg_probs). Run alone: `streamlit run bench/baseline_app.py`.
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

DEFAULTS = (2.0, 1.0, 0.1)
logits = np.array(
    [
        st.slider(f"Logit z{i}", -10.0, 10.0, value, step=0.1, format="%.1f", key=f"pg_z{i}")
        for i, value in enumerate(DEFAULTS)
    ]
)
shifted = np.exp(logits - logits.max())
probs = shifted / shifted.sum()

with st.container(key="pg_loss"):
    st.metric("Cross-entropy loss", f"{-np.log(probs[0]):.4f}")


def bars(values, key, y_range):
    fig = go.Figure(go.Bar(x=["0", "1", "2"], y=values, text=[f"{v:.4f}" for v in values]))
    fig.update_layout(
        template="plotly_white", height=260, margin=dict(l=40, r=10, t=10, b=30), yaxis=dict(range=y_range)
    )
    st.plotly_chart(fig, key=key, theme=None)


bars(logits, "pg_logits", [-10, 10])
bars(probs, "pg_probs", [0, 1])
