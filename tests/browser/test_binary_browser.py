"""The binary page in a real Chromium against `streamlit run app.py`.

Contract (built by pages/binary.py): the page at /binary, titled "Binary" ("二分类" with ?lang=zh) in the
navigation; the losses in the live chart's readout (.st-key-bin_live .lb-value, BCEWithLogitsLoss
first); the soft-label chart in .st-key-bin_curves, a Plotly figure with its own slider (steps
y = 0.00 ... 1.00, one frame each) whose moving traces start at index
binary_figures.FIRST_MOVING_TRACE; URL state under bin_* keys.
"""

from __future__ import annotations

import base64

import numpy as np
import pytest
from playwright.sync_api import expect
from st_harness import ROOT, horizontal_overflow, screenshot, wait_charts, wait_idle

from topics import binary
from topics.shared.formatting import fmt
from topics.shared.i18n import STRINGS

pytestmark = pytest.mark.browser
EN = STRINGS["en"]

SCREENSHOT_DIR = ROOT / "test-results" / "screenshots"
NAV = "[data-testid=stSidebarNav]"
EXCEPTION = "[data-testid=stException]"
FIRST_LOSS = ".st-key-bin_live .lb-value >> nth=0"  # BCEWithLogitsLoss in the live chart's readout
CURVES = ".st-key-bin_curves .js-plotly-plot"

# The current-label curve's y values and the slider's active step, read from the plot's live data.
_CURVE_JS = """
([sel, index]) => {
  const gd = document.querySelector(sel);
  if (!gd || !gd.data || !gd.data[index]) return null;
  const active = gd._fullLayout && gd._fullLayout.sliders && gd._fullLayout.sliders[0]
    ? gd._fullLayout.sliders[0].active : null;
  const full = gd._fullData && gd._fullData[index];
  return {y: full ? Array.from(full.y) : null, active: active, frames: (gd._transitionData || {})._frames
    ? gd._transitionData._frames.length : 0};
}
"""


LOAD_TIMEOUT_MS = 90_000  # a first load took 23-38 s here with the 2 cores shared by six test runs


def open_binary(page, query: str = "") -> None:
    page.goto("/binary" + (f"?{query}" if query else ""))
    wait_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def curve_state(page):
    return page.evaluate(_CURVE_JS, [CURVES, binary.figures.FIRST_MOVING_TRACE])


def test_binary_page_shows_cores_numbers_and_is_in_the_navigation(page):
    open_binary(page)
    readout = binary.numbers.evaluate(binary.state.BinaryState())
    expect(page.locator(FIRST_LOSS)).to_have_text(fmt(readout.bce_logits))
    expect(page.locator(NAV)).to_contain_text("Binary")
    wait_charts(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.locator(".st-key-bin_ends")).to_contain_text("16.1181")


def test_dragging_the_charts_own_slider_moves_the_curve_before_release(page):
    open_binary(page)
    wait_charts(page, timeout_ms=LOAD_TIMEOUT_MS)
    page.locator(CURVES).scroll_into_view_if_needed()
    start = curve_state(page)
    assert start["frames"] == len(binary.numbers.label_grid())
    assert start["active"] == 92  # the page's y = 0.92
    grip = page.locator(f"{CURVES} .slider-grip-rect").first
    rail = page.locator(f"{CURVES} .slider-rail-rect").first
    grip_box, rail_box = grip.bounding_box(), rail.bounding_box()
    x = grip_box["x"] + grip_box["width"] / 2
    y = grip_box["y"] + grip_box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    target_x = rail_box["x"] + 0.3 * rail_box["width"]
    page.mouse.move(target_x, y, steps=12)
    page.wait_for_timeout(200)
    during = curve_state(page)  # read while the button is still held
    page.mouse.up()
    assert during["y"] != start["y"], "the curve did not move while dragging"
    label = during["active"] / 100
    assert 0.2 < label < 0.4
    expected = binary.figures.frame_data(0.9129, label)["current"]["y"]  # Plotly's typed-array spec
    values = np.frombuffer(base64.b64decode(expected["bdata"]), dtype=expected["dtype"])
    assert during["y"] == pytest.approx(values.tolist(), abs=1e-5)
    # The figure's slider runs in the browser only: the page's readouts have not rerun.
    expect(page.locator(FIRST_LOSS)).to_have_text(
        fmt(binary.numbers.evaluate(binary.state.BinaryState()).bce_logits)
    )


def test_url_state_and_chinese(page):
    open_binary(page, "lang=zh&bin_z=-3&bin_y=0.25&bin_pw=4")
    expect(page.locator(NAV)).to_contain_text("二分类")
    readout = binary.numbers.evaluate(binary.state.BinaryState(z=-3.0, y=0.25, pos_weight=4.0))
    expect(page.locator(FIRST_LOSS)).to_have_text(fmt(readout.bce_logits))
    wait_charts(page, timeout_ms=LOAD_TIMEOUT_MS)
    assert curve_state(page)["active"] == 25


def test_check_panel_runs_the_frameworks_in_the_browser(page):
    open_binary(page)
    page.get_by_text("Check with PyTorch and Keras").click()
    wait_idle(page)  # opening the panel reruns it: a click on the switch during that run can be lost
    page.locator(".st-key-bin_check label").click()
    expect(page.locator(".st-key-bin_check_table")).to_be_visible(timeout=60_000)
    wait_idle(page, timeout_ms=60_000)
    expect(page.locator(".st-key-bin_check_table")).to_contain_text("Keras 3")
    expect(page.locator(EXCEPTION)).to_have_count(0)


@pytest.mark.parametrize("width, lang", [(1280, "en"), (390, "en"), (390, "zh")])
def test_screenshot_and_no_horizontal_scroll(page, width, lang):
    page.set_viewport_size({"width": width, "height": 900})
    open_binary(page, f"lang={lang}")
    wait_charts(page, timeout_ms=LOAD_TIMEOUT_MS)
    path = screenshot(page, SCREENSHOT_DIR / f"binary_{width}_{lang}.png", width, max_height=9000)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 10_000
    if width <= 480:
        overflow = horizontal_overflow(page)
        wide = {name: sizes for name, sizes in overflow.items() if sizes[0] > sizes[1] + 1}
        assert not wide, f"horizontal scroll at {width} px (scrollWidth, visible width): {wide}"


def test_a_pos_weight_change_reaches_the_multilabel_panel_outside_the_prediction_fragment(page):
    """The prediction, y, pos_weight and smoothing rerun only the page's prediction fragment; pos_weight is
    also the multi-label panel's, so its change reruns the whole page."""
    open_binary(page)
    thumb = page.locator(".stSlider").filter(has_text=EN["bin.pw"].split(" (")[0]).get_by_role("slider")
    thumb.focus()
    thumb.press("ArrowRight")  # 1.0 -> 1.1
    wait_idle(page)
    expect(page.locator(".st-key-bin_live .lb-value[data-name=posWeight]")).to_contain_text("w = 1.1")
    expect(page.locator("[data-testid=stMarkdown]").filter(has_text="w = 1.1 applies")).to_have_count(1)
