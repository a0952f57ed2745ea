"""The training page in a real Chromium against `streamlit run app.py`.

Contract (built by pages/training.py and ui/training_player; the component may sit in a shadow root, so
the test reads it through Playwright locators, which pierce it): the page at /training, titled "Training"
("训练" with ?lang=zh) in the navigation; the player in .st-key-trn_player: a .tp element whose data-frame
is the frame shown, buttons .tp-play (play / pause), .tp-one-step, .tp-reset, a range input .tp-slider and
the text .tp-step; the side-by-side runs behind the expander labelled trn.mistakes.open (trained when
opened), their chart in .st-key-trn_mistakes; the loss selectbox keyed trn_loss; URL state under trn_* keys.
"""

from __future__ import annotations

import re

import pytest
from live import wait_for_release
from playwright.sync_api import expect
from st_harness import ROOT, horizontal_overflow, screenshot, wait_charts, wait_idle

from topics.shared.i18n import STRINGS

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = ROOT / "test-results" / "screenshots"
NAV = "[data-testid=stSidebarNav]"
EXCEPTION = "[data-testid=stException]"
PLAYER = ".st-key-trn_player .tp"
LOAD_TIMEOUT_MS = 180_000  # seven training runs on a first load, on 2 shared cores


def open_training(page, query: str = "") -> None:
    page.goto("/training" + (f"?{query}" if query else ""))
    wait_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    wait_charts(page, timeout_ms=LOAD_TIMEOUT_MS)
    page.wait_for_selector(f"{PLAYER}[data-frame]", timeout=LOAD_TIMEOUT_MS)


def frame(page):
    return int(page.get_attribute(PLAYER, "data-frame"))


def pixels(page):
    """A fingerprint of what the regions canvas shows now."""
    return page.locator(f"{PLAYER} canvas").first.evaluate("canvas => canvas.toDataURL()")


def test_play_pause_step_and_reset_run_in_the_browser(page):
    open_training(page)
    expect(page.locator(NAV)).to_contain_text("Training")
    page.locator(PLAYER).scroll_into_view_if_needed()
    assert frame(page) == 0
    expect(page.locator(f"{PLAYER} .tp-step")).to_have_text("step 0 of 300")
    first = pixels(page)
    page.click(f"{PLAYER} .tp-play")
    expect(page.locator(PLAYER)).to_have_attribute(
        "data-frame", re.compile(r"^(1[5-9]|[2-9][0-9])$"), timeout=20_000
    )
    page.click(f"{PLAYER} .tp-play")  # pause
    paused = frame(page)
    page.wait_for_timeout(500)
    assert frame(page) == paused >= 15
    assert pixels(page) != first  # the regions were redrawn
    page.click(f"{PLAYER} .tp-one-step")
    assert frame(page) == paused + 1
    page.click(f"{PLAYER} .tp-reset")
    assert frame(page) == 0
    page.locator(f"{PLAYER} .tp-slider").fill("99")
    assert frame(page) == 99
    expect(page.locator(f"{PLAYER} .tp-step")).to_have_text("step 300 of 300")


def open_selectbox(page, key):
    """Open the options of the selectbox keyed `key`. It sits below the fold at 1280 x 900 (the controls
    column is long): a click that first has to scroll the page there focuses the box's text input but does
    not open its list (Streamlit 1.67's selectbox is a react-aria ComboBox; the same click on a box already
    in view opens it), so the box is scrolled into view and left to settle before the click."""
    box = page.locator(f".st-key-{key} [data-testid=stSelectbox]")
    box.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box.click()
    expect(page.get_by_role("option").first).to_be_visible()


def open_comparison(page, lang="en"):
    """Open the side-by-side runs (trained when opened) and wait for their chart."""
    page.get_by_text(STRINGS[lang]["trn.mistakes.open"]).click()
    wait_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.locator(".st-key-trn_mistakes .js-plotly-plot")).to_have_count(1, timeout=LOAD_TIMEOUT_MS)
    wait_charts(page, timeout_ms=LOAD_TIMEOUT_MS)


def test_switching_on_a_mistake_retrains_and_changes_the_url(page):
    open_training(page)
    before = page.locator(".st-key-trn_metrics").inner_text()
    open_selectbox(page, "trn_loss")
    page.get_by_role("option", name=STRINGS["en"]["trn.loss.softmax_ce"]).click()
    wait_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    expect(page.locator(".st-key-trn_metrics")).not_to_have_text(before)
    wait_for_release(page, lambda: "trn_loss=softmax_ce" in page.url, timeout_ms=LOAD_TIMEOUT_MS)
    assert frame(page) == 0  # a new run starts at step 0


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_without_horizontal_scroll(page, width, lang):
    page.set_viewport_size({"width": width, "height": 900})
    open_training(page, f"lang={lang}")
    open_comparison(page, lang)  # the side-by-side runs and their table, which must fit a phone too
    path = screenshot(page, SCREENSHOT_DIR / f"training_{width}_{lang}.png", width, max_height=9000)
    assert path.stat().st_size > 10_000
    overflow = horizontal_overflow(page)
    wide = {name: sizes for name, sizes in overflow.items() if sizes[0] > sizes[1] + 1}
    assert not wide, f"horizontal scroll at {width} px (scrollWidth, visible width): {wide}"
