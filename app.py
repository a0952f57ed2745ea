"""Entry point: `streamlit run app.py`.

Every file in pages/ must be registered in the st.navigation list below (tests/test_app.py checks it):
a folder named pages/ next to the entry script is also Streamlit's legacy auto-discovery folder.
"""

import streamlit as st

st.set_page_config(page_title="Cross-Entropy Explorer", page_icon=":material/functions:", layout="wide")

with st.sidebar:
    st.title("Cross-Entropy Explorer")
    st.caption("Softmax and cross-entropy, computed with plain NumPy.")

pg = st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
    ]
)
pg.run()
