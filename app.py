"""Entry point: `streamlit run app.py`.

The navigation is built from topics.registry, the one list of pages; every file in pages/ is in it
(tests/pages check). A folder named pages/ next to the entry script is also Streamlit's legacy
auto-discovery folder, so no helper module lives there.
"""

import streamlit as st

from topics.registry import PAGES
from ui.accessibility import accessibility_fixes
from ui.errors import friendly_errors
from ui.exercise import presenter_mode
from ui.file_watcher import honour_file_watcher_setting
from ui.garbage_collection import freeze_after_first_run
from ui.history import one_history_entry_per_page
from ui.language import language_switch, t
from ui.theme import theme_switch, watch_theme
from ui.url_state import app_params, restore

honour_file_watcher_setting()  # a resumed session gets no source watcher either (ui/file_watcher.py)
st.set_page_config(page_title="Cross-Entropy Explorer", page_icon="assets/icon.png", layout="wide")
restore("app", app_params())
presenter_mode()  # ?present=1: larger type, no sidebar, for a projector

with st.sidebar:
    st.title(t("app.title"))
    st.caption(t("app.tagline"))
    language_switch()
    theme_switch()
    one_history_entry_per_page()  # Back leaves the page instead of undoing one slider step
    watch_theme()  # Streamlit and the charts show the theme chosen (or the device's)
    accessibility_fixes()  # keyboard focus for scrolling code and formulas, focus rings, code colours

# url_path=name: the page's own path, as Streamlit infers it from the file (the default page is at /)
navigation = [
    st.Page(page.script, title=t(page.title_key), icon=page.icon, url_path=page.name, default=page.default)
    for page in PAGES
]
page = st.navigation(navigation)
with friendly_errors():  # visitors see an error id, the server log the traceback
    page.run()
freeze_after_first_run(page.url_path)  # what the page imported stays: keep the collector off it
