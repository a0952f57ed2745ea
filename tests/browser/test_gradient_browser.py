"""The gradient page in a real Chromium against `streamlit run app.py`.

Contract (built by pages/gradient.py): the page at /gradient, titled "Gradient" ("梯度" with ?lang=zh) in
the navigation; the live landscape in .st-key-gr_live (ui/live_landscape: a click or drag on it moves the
point) with the loss and dL/dz in its readout (.ll-value), the page's only map; the Plotly landscape (the
exported figure) behind the download button .st-key-gr_map_download; the CE/MSE chart in
.st-key-gr_sweep_chart, the Jacobian in .st-key-gr_jacobian_chart; formulas inside
.st-key-gr_formulas*; URL state under gr_* keys.
"""

from __future__ import annotations

import pytest
from live import wait_for_release
from playwright.sync_api import expect
from st_harness import ROOT, horizontal_overflow, screenshot, wait_charts, wait_idle

from topics import gradient
from topics.shared import sample
from topics.shared.formatting import fmt

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = ROOT / "test-results" / "screenshots"
NAV = "[data-testid=stSidebarNav]"
EXCEPTION = "[data-testid=stException]"
LOSS = ".st-key-gr_live .ll-value >> nth=0"
GRADIENT = ".st-key-gr_live .ll-value >> nth=1"
MAP = ".st-key-gr_live .ll-overlay"
# The first render draws seven formulas and three charts; on the shared 2-core machine under load
# (load average ~15) wait_idle took 28-35 s for this page and for /batch alike, so allow more than 30 s.
LOAD_TIMEOUT_MS = 90_000


def open_gradient(page, query: str = "") -> None:
    page.goto("/gradient" + (f"?{query}" if query else ""))
    wait_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)
    wait_charts(page, timeout_ms=LOAD_TIMEOUT_MS)


def core_loss(**changes):
    return fmt(
        sample.evaluate(gradient.state.state_from_values(gradient.state.default_values() | changes)).loss
    )


def test_gradient_page_shows_the_seed_numbers_and_every_chart(page):
    open_gradient(page)
    assert core_loss() == "0.4170"  # seed 000's first sample, shifted so that z0 = 0
    expect(page.locator(LOSS)).to_have_text("0.4170")
    expect(page.locator(GRADIENT)).to_have_text("(-0.3410, 0.2424, 0.0986)")
    for key in ("gr_sweep_chart", "gr_jacobian_chart"):
        expect(page.locator(f".st-key-{key} [data-testid=stPlotlyChart]")).to_have_count(1)
    expect(page.locator("[data-testid=stPlotlyChart]")).to_have_count(2)  # one map: the live one
    expect(page.locator(MAP)).to_have_count(1)
    expect(page.locator(".st-key-gr_jacobian_chart .js-plotly-plot")).to_contain_text("0.2247")
    expect(page.locator("[class*=st-key-gr_formulas] .katex").first).to_be_visible()
    expect(page.locator(NAV)).to_contain_text("Gradient")


def test_a_click_on_the_map_moves_the_point_and_every_number(page):
    open_gradient(page)
    page.locator(MAP).scroll_into_view_if_needed()
    area = page.locator(MAP).bounding_box()
    low, high = gradient.state.LOGIT_RANGE
    z1, z2 = 2.0, 3.0
    x = area["x"] + (z1 - low) / (high - low) * area["width"]
    y = area["y"] + (high - z2) / (high - low) * area["height"]
    page.mouse.click(x, y)
    expect(page.locator(LOSS)).to_have_text(core_loss(gr_z1=z1, gr_z2=z2), timeout=LOAD_TIMEOUT_MS)
    wait_for_release(page, lambda: "gr_z1=2" in page.url and "gr_z2=3" in page.url)
    expect(page.locator(".st-key-gr_formulas")).to_contain_text(core_loss(gr_z1=z1, gr_z2=z2))
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_the_download_button_gives_the_plotly_landscape(page):
    open_gradient(page, "gr_z1=1.5")
    with page.expect_download() as download_info:
        page.locator(".st-key-gr_map_download button").click()
    html = download_info.value.path().read_text(encoding="utf-8")
    values = gradient.state.default_values() | {"gr_z1": 1.5}
    title = gradient.figures.page_figures(values)["landscape"].figure.layout.title.text
    assert "plotly" in html.lower() and title in html
    wait_idle(page)
    assert "gr_z1=1.5" in page.url  # the press did not lose the state


def test_url_state_and_chinese(page):
    open_gradient(page, "lang=zh&gr_class=1&gr_eps=0.1&gr_t=1.5")
    expect(page.locator(NAV)).to_contain_text("梯度")
    expect(page.locator(LOSS)).to_have_text(core_loss(gr_class=1, gr_eps=0.1, gr_t=1.5))
    expect(page.locator(".st-key-gr_minimum")).to_contain_text("4.9983")


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshot_and_no_horizontal_scroll(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_gradient(page, "gr_eps=0.1&gr_t=1.5")
    path = screenshot(page, SCREENSHOT_DIR / f"gradient_{width}.png", width)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 10_000
    overflow = horizontal_overflow(page)
    wide = {name: sizes for name, sizes in overflow.items() if sizes[0] > sizes[1] + 1}
    assert not wide, f"horizontal scroll at {width} px (scrollWidth, visible width): {wide}"
    # A formula is shrink-wrapped (its own scrollWidth runs 2 px over): compare it with its element's box.
    clipped = page.evaluate(
        """() => [...document.querySelectorAll('[class*=st-key-gr_formulas] .katex-display')]
              .filter(e => e.scrollWidth > e.closest('[data-testid=stElementContainer]').clientWidth + 4)
              .length"""
    )
    assert clipped == 0, f"{clipped} formulas wider than their box at {width} px"
