"""The floor app (shared/NOTES.md): one slider, one metric, one small Plotly chart, nothing else.

bench/bench_playground.py measures the playground against this: what any Streamlit page costs on this
machine. It uses the playground's keys (pg_z0, pg_loss, pg_probs) so one measurement fits both.
Run alone: `streamlit run bench/floor_app.py` from the repository root (same .streamlit/config.toml).
"""

import numpy as np
import plotly.graph_objects as go
import streamlit as st

z0 = st.slider("Logit z0", -10.0, 10.0, 2.0, step=0.1, format="%.1f", key="pg_z0")
logits = np.array([z0, 1.0, 0.1])
shifted = np.exp(logits - logits.max())
probs = shifted / shifted.sum()
loss = float(-np.log(probs[0]))

with st.container(key="pg_loss"):
    st.metric("Cross-entropy loss", f"{loss:.4f}")

fig = go.Figure(go.Bar(x=["0", "1", "2"], y=probs, text=[f"{p:.4f}" for p in probs]))
fig.update_layout(
    template="plotly_white", height=260, margin=dict(l=40, r=10, t=10, b=30), yaxis=dict(range=[0, 1])
)
st.plotly_chart(fig, key="pg_probs", theme=None)
