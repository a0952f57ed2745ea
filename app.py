"""Entry point: `streamlit run app.py`.

Every file in pages/ must be registered in the st.navigation list below (tests/test_app.py checks it):
a folder named pages/ next to the entry script is also Streamlit's legacy auto-discovery folder.
"""

import streamlit as st

from ui.errors import friendly_errors
from ui.history import one_history_entry_per_page
from ui.language import language_param, language_switch, t
from ui.theme import watch_theme
from ui.url_state import restore

st.set_page_config(page_title="Cross-Entropy Explorer", page_icon="assets/icon.png", layout="wide")
restore("app", [language_param()])

with st.sidebar:
    st.title(t("app.title"))
    st.caption(t("app.tagline"))
    language_switch()
    one_history_entry_per_page()  # Back leaves the page instead of undoing one slider step
    watch_theme()  # the charts follow the theme the browser shows

PAGES = [
    st.Page("pages/playground.py", title=t("page.playground"), icon=":material/tune:", default=True),
    st.Page("pages/batch.py", title=t("page.batch"), icon=":material/table_rows:"),
    st.Page("pages/binary.py", title=t("page.binary"), icon=":material/contrast:", url_path="binary"),
    st.Page("pages/gradient.py", title=t("gr.page"), icon=":material/trending_down:"),
    st.Page("pages/frameworks.py", title=t("page.frameworks"), icon=":material/compare_arrows:"),
]
page = st.navigation(PAGES)
with friendly_errors():  # visitors see an error id, the server log the traceback
    page.run()
