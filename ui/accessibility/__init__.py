"""Fixes for what Streamlit draws that axe (WCAG 2.1 AA) flags, applied in the browser to every page.

- A code block (st.code) or a displayed formula wider than its column scrolls sideways, but takes no
  keyboard focus, so only a mouse or a finger can scroll it (WCAG 2.1.1; axe's scrollable-region-focusable
  found 17 on the frameworks page). accessibility.js gives each one that overflows a tab stop (arrow
  keys then scroll it) and takes it back when the region fits again.
- Streamlit's sidebar page links draw no focus ring (WCAG 2.4.7); accessibility.css gives them one, and
  the new tab stops too.
- Streamlit colours code tokens with fixed colours, not theme ones: its green strings read 2.9:1 on the
  light code background and its blue keywords 4.35:1 on the dark one (4.5:1 needed). accessibility.css
  sets colours that pass in both themes.
Drawn once by app.py, in the sidebar, so every page has it; its CSS is not isolated in a shadow root,
so it reaches the whole page.
"""

from pathlib import Path

import streamlit as st

_FOLDER = Path(__file__).parent
_COMPONENT = st.components.v2.component(
    "cee_accessibility",
    html="",
    css=(_FOLDER / "accessibility.css").read_text(encoding="utf-8"),
    js=(_FOLDER / "accessibility.js").read_text(encoding="utf-8"),
    isolate_styles=False,
)


def accessibility_fixes():
    _COMPONENT(key="cee_accessibility", height="content")
