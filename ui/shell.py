"""The app shell must run around every page: app.py sets the layout, the sidebar and st.navigation."""

import streamlit as st


def ensure_app_shell():
    """Rerun through app.py when Streamlit ran this page on its own.

    A folder named pages/ next to app.py is also Streamlit's legacy auto-discovery folder: until
    st.navigation has run once on a server, a deep link such as /batch runs pages/batch.py by itself
    (no app.py: no wide layout, no language switch, a file-name navigation). Leaving that mode and
    rerunning makes Streamlit run app.py, whose st.navigation then opens the same page.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False  # what st.navigation itself sets
        st.rerun()
