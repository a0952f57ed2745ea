"""The charts follow the theme the browser shows (ui/theme, drawn by app.py).

core's figures carry an explicit light or dark template; st.context.theme is wrong on a first load, so
without ui/theme a dark-themed app drew white charts. A second server runs the app with a dark theme
from the command line (the shipped config is light and its viewer toolbar has no theme switch).
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from st_harness import ROOT, ConsoleRecorder, StreamlitServer, wait_charts, wait_idle

from topics.shared.figures import THEMES

pytestmark = pytest.mark.browser

THEME_JS = (ROOT / "ui" / "theme" / "theme.js").read_text(encoding="utf-8")
DARK_ARGS = [
    "--theme.base", "dark",
    "--theme.backgroundColor", "#0e1117",
    "--theme.secondaryBackgroundColor", "#262730",
    "--theme.textColor", "#fafafa",
]  # fmt: skip
PAPER_JS = """(sel) => {
  const gd = document.querySelector(sel);
  return gd && gd._fullLayout ? gd._fullLayout.paper_bgcolor : null;
}"""
CHARTS = {"/": ".st-key-pg_probs .js-plotly-plot", "/binary": ".st-key-bin_curves .js-plotly-plot"}


@pytest.fixture(scope="module")
def dark_url(chromium):
    with StreamlitServer("app.py", extra_args=DARK_ARGS) as server:
        yield server.url


def wait_paper(page, selector: str, colour: str) -> None:
    page.wait_for_function(f"(sel) => ({PAPER_JS})(sel) === {colour!r}", arg=selector, timeout=20_000)


@pytest.mark.parametrize("path", list(CHARTS))
def test_charts_follow_a_dark_theme(chromium, dark_url, path):
    context = chromium.new_context(base_url=dark_url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    recorder = ConsoleRecorder(page)
    try:
        page.goto(path)
        wait_idle(page)
        wait_paper(page, CHARTS[path], THEMES["dark"]["paper"])
        wait_idle(page)
        expect(page.locator("[data-testid=stException]")).to_have_count(0)
    finally:
        context.close()
    assert not recorder.problems, recorder.problems


def test_charts_stay_light_in_the_shipped_theme(page):
    page.goto("/")
    wait_idle(page)
    wait_charts(page)
    page.wait_for_timeout(1500)  # longer than ui/theme's check interval: no rerun to another theme
    wait_idle(page)
    assert page.evaluate(PAPER_JS, CHARTS["/"]) == THEMES["light"]["paper"]


def test_theme_of_reads_computed_colours(page):
    """theme.js's luminance rule, imported on its own in Chromium."""
    page.set_content("<html><body></body></html>")
    results = page.evaluate(
        """async (source) => {
          const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
          const js = await import(url);
          const colours = ['rgb(14, 17, 23)', 'rgb(255, 255, 255)', 'rgba(250, 250, 250, 1)',
                           'rgb(38 39 48)'];
          return [...colours, '', null].map((c) => js.themeOf(c));
        }""",
        THEME_JS,
    )
    assert results == ["dark", "light", "light", "dark", None, None]
