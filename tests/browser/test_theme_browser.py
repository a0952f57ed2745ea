"""Light and dark (ui/theme, drawn by app.py): Streamlit, the Plotly charts and the custom components
follow the device's theme under "auto" and the sidebar's switch otherwise, through reruns, page
switches and links.

core's figures carry an explicit light or dark template; st.context.theme is wrong on a first load, so
without ui/theme a dark page drew white charts. The device's theme is Chromium's emulated
prefers-color-scheme: config.toml defines both themes and Streamlit follows the device until a visitor
picks one.
"""

from __future__ import annotations

import pytest
from live import wait_for_release
from playwright.sync_api import expect
from st_harness import ROOT, wait_charts, wait_idle

from topics.shared.figures import THEMES

pytestmark = pytest.mark.browser

THEME_JS = (ROOT / "ui" / "theme" / "theme.js").read_text(encoding="utf-8")
PAPER_JS = """(sel) => {
  const gd = document.querySelector(sel);
  return gd && gd._fullLayout ? gd._fullLayout.paper_bgcolor : null;
}"""
SCHEME_JS = "() => getComputedStyle(document.querySelector('[data-testid=stApp]')).colorScheme"
CHARTS = {"/": ".st-key-pg_probs .js-plotly-plot", "/binary": ".st-key-bin_curves .js-plotly-plot"}
DRAG_BARS = ".dl"  # ui/drag_logits, in its shadow root (Playwright's locators look inside)


def wait_paper(page, selector: str, colour: str) -> None:
    page.wait_for_function(f"(sel) => ({PAPER_JS})(sel) === {colour!r}", arg=selector, timeout=30_000)


def wait_scheme(page, scheme: str) -> None:
    page.wait_for_function(f"() => ({SCHEME_JS})() === {scheme!r}", timeout=30_000)


def luminance(css_colour: str) -> float:
    """0-255 brightness of "rgb(r, g, b)" (the same weights as theme.js)."""
    r, g, b = (float(part) for part in css_colour[css_colour.index("(") + 1 : -1].split(",")[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def assert_shows(page, theme: str, path: str) -> None:
    """Streamlit, the chart and (on the playground) the drag bars all show `theme`."""
    wait_idle(page)
    wait_scheme(page, theme)
    wait_paper(page, CHARTS[path], THEMES[theme]["paper"])
    if path == "/":
        ink = page.locator(DRAG_BARS).first.evaluate("(element) => getComputedStyle(element).color")
        assert (luminance(ink) > 128) == (theme == "dark"), ink
    expect(page.locator("[data-testid=stException]")).to_have_count(0)


def choose(page, label: str) -> None:
    page.locator(".st-key-theme").get_by_text(label, exact=True).click()


@pytest.mark.parametrize("path", list(CHARTS))
def test_a_dark_device_gets_the_dark_theme(page, path):
    page.emulate_media(color_scheme="dark")
    page.goto(path)
    assert_shows(page, "dark", path)


def test_charts_stay_light_on_a_light_device(page):
    page.goto("/")
    wait_idle(page)
    wait_charts(page)
    page.wait_for_timeout(1500)  # longer than ui/theme's check interval: no rerun to another theme
    wait_idle(page)
    assert page.evaluate(SCHEME_JS) == "light"
    assert page.evaluate(PAPER_JS, CHARTS["/"]) == THEMES["light"]["paper"]


def test_the_switch_restyles_everything_and_holds_through_page_switches_and_links(page):
    page.emulate_media(color_scheme="dark")  # the device is dark, so "auto" shows dark
    page.goto("/")
    assert_shows(page, "dark", "/")

    choose(page, "Light")
    assert_shows(page, "light", "/")
    wait_for_release(page, lambda: "theme=light" in page.url)

    page.get_by_role("link", name="Binary").click()
    assert_shows(page, "light", "/binary")
    wait_for_release(page, lambda: "theme=light" in page.url)
    expect(page.locator(".st-key-theme [role=radio][aria-checked=true]")).to_have_text("Light")

    page.reload()  # a new session from the link
    assert_shows(page, "light", "/binary")

    choose(page, "Dark")
    assert_shows(page, "dark", "/binary")
    page.get_by_role("link", name="Playground").click()
    assert_shows(page, "dark", "/")
    wait_for_release(page, lambda: "theme=dark" in page.url)

    page.emulate_media(color_scheme="light")
    choose(page, "Auto")  # back to the device's theme, and out of the URL
    assert_shows(page, "light", "/")
    assert "theme=" not in page.url


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
