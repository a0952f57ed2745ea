"""The frameworks page in a real Chromium against `streamlit run app.py`.

Contract (built by pages/frameworks.py): the page at /frameworks, titled "Frameworks" ("框架对照" with
?lang=zh) in the navigation; each mistake card in .st-key-fw_card_<key> with its three metrics in
.st-key-fw_metrics_<key>; the symptom selectbox keyed fw_symptom; the agreement table in
.st-key-fw_api_table; the live check table in .st-key-fw_check_table; URL state under fw_* keys.
"""

from __future__ import annotations

import pytest
from live import wait_for_release
from playwright.sync_api import expect
from st_harness import ROOT, horizontal_overflow, screenshot, wait_charts, wait_idle

from topics import frameworks
from topics.shared.formatting import fmt

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = ROOT / "test-results" / "screenshots"
NAV = "[data-testid=stSidebarNav]"
EXCEPTION = "[data-testid=stException]"
METRIC = "[data-testid=stMetricValue]"


def open_frameworks(page, query: str = "") -> None:
    page.goto("/frameworks" + (f"?{query}" if query else ""))
    wait_idle(page, timeout_ms=90_000)  # the page draws eleven cards: allow for a loaded machine
    expect(page.locator(EXCEPTION)).to_have_count(0)


def card_metrics(page, key):
    return page.locator(f".st-key-fw_metrics_{key} {METRIC}")


def test_frameworks_page_shows_keras_1_3359_against_torch_1_2288(page):
    open_frameworks(page)
    expect(page.locator(NAV)).to_contain_text("Frameworks")
    expect(card_metrics(page, "keras_from_logits")).to_have_text(["1.3359", "1.2288", "+0.1071"])
    expect(page.locator(".st-key-fw_api_table")).to_be_visible()
    for card in frameworks.mistakes.all_mistakes(frameworks.state.FrameworkState()):
        expect(card_metrics(page, card.key).first).to_have_text(fmt(card.written.loss))


def test_symptom_finder_filters_the_cards_and_goes_into_the_url(page):
    open_frameworks(page)
    page.locator("[data-testid=stSelectbox]").first.click()
    page.get_by_role("option", name="loss is negative").click()
    wait_idle(page, timeout_ms=60_000)
    expect(page.locator(".st-key-fw_matches")).to_contain_text("#3a")
    expect(page.locator(".st-key-fw_card_nll_probs")).to_be_visible()
    expect(page.locator(".st-key-fw_card_double_softmax")).to_have_count(0)
    wait_for_release(page, lambda: "fw_symptom=negative" in page.url)


def test_url_state_and_chinese(page):
    open_frameworks(page, "lang=zh&fw_big=10")
    expect(page.locator(NAV)).to_contain_text("框架对照")
    card = next(
        c
        for c in frameworks.mistakes.all_mistakes(frameworks.state.FrameworkState(big_logit=10.0))
        if c.key == "bce_saturation"
    )
    expect(card_metrics(page, "bce_saturation").first).to_have_text(fmt(card.written.loss))


def test_check_panel_runs_the_frameworks_in_the_browser(page):
    open_frameworks(page)
    page.get_by_text("Check with the real frameworks").click()
    wait_idle(page)  # opening the panel reruns it: a click on the switch during that run can be lost
    page.locator(".st-key-fw_check label").click()
    expect(page.locator(".st-key-fw_check_table")).to_be_visible(timeout=90_000)
    wait_idle(page, timeout_ms=90_000)
    expect(page.locator(".st-key-fw_check_table")).to_contain_text("1.2288231")
    expect(page.get_by_text("Every live value agrees with core")).to_be_visible()
    expect(page.locator(EXCEPTION)).to_have_count(0)


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshot_and_no_horizontal_scroll(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_frameworks(page)
    wait_charts(page)
    path = screenshot(page, SCREENSHOT_DIR / f"frameworks_{width}.png", width)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 10_000
    overflow = horizontal_overflow(page)
    wide = {name: sizes for name, sizes in overflow.items() if sizes[0] > sizes[1] + 1}
    assert not wide, f"horizontal scroll at {width} px (scrollWidth, visible width): {wide}"
