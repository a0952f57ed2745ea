"""The training page in a real Chromium against `streamlit run app.py`.

Contract (built by pages/training.py): the page at /training, titled "Training" ("训练" with ?lang=zh) in
the navigation; the playback in .st-key-trn_playback, a Plotly figure with its own frames, Play / Pause /
Step 0 buttons (.updatemenu-button, in that order) and slider; trace 0 is the decision regions' heat map
and trace 3 the followed sample's logits; the loss selectbox keyed trn_loss; URL state under trn_* keys.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from st_harness import ROOT, horizontal_overflow, screenshot, wait_charts, wait_idle

from topics.shared.i18n import STRINGS

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = ROOT / "test-results" / "screenshots"
NAV = "[data-testid=stSidebarNav]"
EXCEPTION = "[data-testid=stException]"
PLAYBACK = ".st-key-trn_playback .js-plotly-plot"
LOAD_TIMEOUT_MS = 180_000  # seven training runs on a first load, on 2 shared cores

# The playback's slider position, its frame count, and what the moving traces show now.
_STATE_JS = """
(sel) => {
  const gd = document.querySelector(sel);
  if (!gd || !gd._fullLayout) return null;
  const slider = gd._fullLayout.sliders && gd._fullLayout.sliders[0];
  const plain = (v) => (v && ArrayBuffer.isView(v) ? Array.from(v) : v);
  const z = gd._fullData[0].z;
  return {
    active: slider ? slider.active : null,
    frames: (gd._transitionData || {})._frames ? gd._transitionData._frames.length : 0,
    regions: JSON.stringify(Array.isArray(z) ? z.map(plain) : plain(z)),
    logits: JSON.stringify(plain(gd._fullData[3].y)),
    title: gd._fullLayout.title.text,
  };
}
"""


def open_training(page, query: str = "") -> None:
    page.goto("/training" + (f"?{query}" if query else ""))
    wait_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    wait_charts(page, timeout_ms=LOAD_TIMEOUT_MS)


def playback_state(page):
    return page.evaluate(_STATE_JS, PLAYBACK)


def test_pressing_play_moves_the_frames_in_the_browser(page):
    open_training(page)
    expect(page.locator(NAV)).to_contain_text("Training")
    page.locator(PLAYBACK).scroll_into_view_if_needed()
    start = playback_state(page)
    assert start["active"] == 0 and start["frames"] == 100
    buttons = page.locator(f"{PLAYBACK} .updatemenu-button")
    buttons.nth(0).click()  # Play
    page.wait_for_function(
        "(sel) => document.querySelector(sel)._fullLayout.sliders[0].active >= 10",
        arg=PLAYBACK,
        timeout=20_000,
    )
    buttons.nth(1).click()  # Pause
    moved = playback_state(page)
    assert moved["active"] >= 10
    assert moved["regions"] != start["regions"] and moved["logits"] != start["logits"]
    paused = playback_state(page)["active"]
    page.wait_for_timeout(500)
    assert playback_state(page)["active"] == paused
    buttons.nth(2).click()  # back to step 0
    page.wait_for_function(
        "(sel) => document.querySelector(sel)._fullLayout.sliders[0].active === 0", arg=PLAYBACK
    )
    assert playback_state(page)["logits"] == start["logits"]


def test_switching_on_a_mistake_retrains_and_changes_the_url(page):
    open_training(page)
    page.locator(".st-key-trn_loss [data-testid=stSelectbox]").click()
    page.get_by_role("option", name=STRINGS["en"]["trn.loss.softmax_ce"]).click()
    wait_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    wait_charts(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    page.wait_for_function(
        "([sel, name]) => { const gd = document.querySelector(sel);"
        " return gd && gd._fullLayout && gd._fullLayout.title.text.includes(name); }",
        arg=[PLAYBACK, "softmax before CrossEntropyLoss"],
        timeout=30_000,
    )
    assert "trn_loss=softmax_ce" in page.url


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("width", [390, 1280])
def test_screenshots_without_horizontal_scroll(page, width, lang):
    page.set_viewport_size({"width": width, "height": 900})
    open_training(page, f"lang={lang}")
    path = screenshot(page, SCREENSHOT_DIR / f"training_{width}_{lang}.png", width, max_height=9000)
    assert path.stat().st_size > 10_000
    overflow = horizontal_overflow(page)
    wide = {name: sizes for name, sizes in overflow.items() if sizes[0] > sizes[1] + 1}
    assert not wide, f"horizontal scroll at {width} px (scrollWidth, visible width): {wide}"
