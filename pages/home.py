"""Home page: what the explorer is, plus a small live example computed by core."""

import numpy as np
import pandas as pd
import streamlit as st

from core import losses

# The seed example: two samples, three classes.
LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.0, 0.3]])
LABELS = np.array([0, 2])

st.title("Cross-Entropy Explorer")
st.write(
    "This explorer shows how softmax turns logits into probabilities and how cross-entropy scores "
    "them against the true labels. It will let you change the logits and the loss options "
    "(class weights, ignored labels, reduction, label smoothing) and see the loss and its gradient respond."
)

st.subheader("A small example")
probs = losses.softmax(LOGITS, axis=1)
loss = losses.cross_entropy(LOGITS, LABELS)

col_table, col_metric = st.columns([3, 1])
with col_table:
    table = pd.DataFrame(
        probs,
        index=[f"sample {i} (label {y})" for i, y in enumerate(LABELS)],
        columns=[f"class {c}" for c in range(probs.shape[1])],
    )
    st.caption(f"Logits {LOGITS.tolist()}, labels {LABELS.tolist()}. Softmax over classes:")
    st.dataframe(
        table,
        column_config={c: st.column_config.NumberColumn(format="%.4f") for c in table.columns},
    )
with col_metric:
    st.metric("mean loss", f"{float(loss):.4f}")
