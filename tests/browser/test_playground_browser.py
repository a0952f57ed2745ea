"""The playground page in a real Chromium against `streamlit run app.py`.

Contract (built by pages/playground.py): the default page at `/`, titled "Playground" ("交互演练" with
?lang=zh); the logits as drag bars (role=slider in .st-key-pg_drag_box, tests/browser/test_drag_browser.py
drives them) or, with ?pg_input=sliders, one slider per logit with keys pg_z0..pg_z{K-1} (default logits
2.0, 1.0, 0.1, step 0.1); the loss metric in .st-key-pg_loss; Plotly charts in .st-key-pg_probs /
pg_logits / pg_grad; URL state (?pg_z0=3.5), and bad URL values open the defaults with a notice in
.st-key-pg_notice.
"""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect
from st_harness import ROOT, horizontal_overflow, registered_pages, screenshot, wait_charts, wait_idle

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = ROOT / "test-results" / "screenshots"

NAV = "[data-testid=stSidebarNav]"
EXCEPTION = "[data-testid=stException]"
LOSS = ".st-key-pg_loss [data-testid=stMetricValue]"
PROBS_PLOT = ".st-key-pg_probs .js-plotly-plot"
NOTICE = ".st-key-pg_notice"

DEFAULT_LOSS_TEXT = "0.4170"  # cross-entropy of logits (2.0, 1.0, 0.1) for the true class 0

# The probability chart's traces as JSON (typed arrays made plain), or null before it is drawn.
_PROBS_DATA_JS = """
(sel) => {
  const gd = document.querySelector(sel);
  if (!gd || !gd.data) return null;
  return JSON.stringify(gd.data, (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v));
}
"""
_TEXT_JS = "(sel) => { const el = document.querySelector(sel); return el ? el.innerText.trim() : null; }"


def slider(page, key: str):
    """The thumb of the slider with `key`, by its accessible role: in Streamlit 1.67 that is a hidden
    <input type=range> (implicit role, no role= or aria-valuenow attribute), older ones a [role=slider] div.
    """
    return page.locator(f".st-key-{key}").get_by_role("slider")


def slider_value(page, key: str) -> float:
    thumb = slider(page, key)
    expect(thumb).to_have_count(1)
    return float(thumb.evaluate("(el) => el.value ?? el.getAttribute('aria-valuenow')"))


def drag_bar_values(page) -> list[float]:
    """The logits the drag bars show (their aria-valuenow), in class order."""
    bars = page.locator(".st-key-pg_drag_box .dl-track")  # the logit bars (T and soft labels are sliders too)
    expect(bars.first).to_be_visible()
    values = bars.evaluate_all("(els) => els.map((el) => el.getAttribute('aria-valuenow'))")
    return [float(value) for value in values]


def assert_nav_lists(page, title: str) -> None:
    nav = page.locator(NAV)
    if nav.count() == 0:
        pages = registered_pages()
        pytest.fail(
            f"no {NAV} on the page (so no {title!r} in it); app.py registers {len(pages)} page(s): "
            f"{[p.script for p in pages]} (Streamlit hides the navigation when there is only one page)",
            pytrace=False,
        )
    expect(nav).to_contain_text(title)


def open_page(page, path: str = "/") -> None:
    page.goto(path)
    wait_idle(page)


def probs_data(page) -> str | None:
    return page.evaluate(_PROBS_DATA_JS, PROBS_PLOT)


def wait_changed(page, getter_js: str, selector: str, before, timeout_ms: float = 15_000):
    """Poll getter_js(selector) in the page until it differs from `before` (or time out); return it."""
    try:
        page.wait_for_function(
            f"([sel, before]) => {{ const v = ({getter_js})(sel); return v !== null && v !== before; }}",
            arg=[selector, before],
            polling=50,
            timeout=timeout_ms,
        )
    except PlaywrightTimeout:
        pass
    return page.evaluate(getter_js, selector)


def assert_no_exception(page) -> None:
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_default_page_is_the_playground(page):
    open_page(page, "/")
    assert_no_exception(page)
    expect(page.locator(LOSS)).to_have_text(DEFAULT_LOSS_TEXT)
    assert drag_bar_values(page) == pytest.approx([2.0, 1.0, 0.1])
    for key in ("pg_probs", "pg_grad"):
        expect(page.locator(f".st-key-{key} [data-testid=stPlotlyChart]")).to_have_count(1)
    # The drag bars are the logits chart in this mode: the page does not draw the same bars twice.
    expect(page.locator(".st-key-pg_logits")).to_have_count(0)
    assert_nav_lists(page, "Playground")


def test_arrow_right_on_a_logit_updates_loss_and_probability_chart(page):
    open_page(page, "/?pg_input=sliders")
    wait_charts(page)
    loss = page.locator(LOSS)
    expect(loss).to_be_visible()
    loss_before = loss.inner_text().strip()
    data_before = probs_data(page)
    assert data_before is not None, f"no Plotly chart data in {PROBS_PLOT}"

    assert slider_value(page, "pg_z0") == pytest.approx(2.0)
    thumb = slider(page, "pg_z0")
    thumb.focus()
    thumb.press("ArrowRight")
    loss_after = wait_changed(page, _TEXT_JS, LOSS, loss_before)
    data_after = wait_changed(page, _PROBS_DATA_JS, PROBS_PLOT, data_before)
    wait_idle(page)

    assert slider_value(page, "pg_z0") == pytest.approx(2.1)
    assert loss_after != loss_before, f"loss text stayed {loss_before!r} after ArrowRight"
    assert data_after != data_before, "probability chart data did not change after ArrowRight"
    traces = json.loads(data_after)
    assert traces, "probability chart has no traces"
    for key in ("pg_logits", "pg_probs", "pg_grad"):
        expect(page.locator(f".st-key-{key} [data-testid=stPlotlyChart]")).to_have_count(1)
    # The key press reran only the playground's fragment; the address bar still follows it.
    expect(page).to_have_url(re.compile(r"pg_z0=2\.1(&|$)"))
    assert_no_exception(page)


def test_learning_rate_goes_in_the_url(page):
    open_page(page, "/?pg_input=sliders")
    thumb = slider(page, "pg_lr")
    thumb.focus()
    thumb.press("ArrowRight")
    expect(page).to_have_url(re.compile(r"pg_lr=1\.05(&|$)"))
    assert_no_exception(page)


def test_check_panel_opens_with_its_snippet_and_runs_torch(page):
    open_page(page)
    snippet = page.locator(".st-key-pg_check_open [data-testid=stCode]")
    expect(snippet).to_have_count(0)  # closed: not built, not sent
    page.get_by_text("Check with PyTorch and Keras").click()
    expect(snippet).to_contain_text("torch.tensor([2.0, 1.0, 0.1]")
    wait_idle(page)  # opening the panel reruns it: a click on the switch during that run can be lost
    page.locator(".st-key-pg_check label").click()
    expect(page.locator(".st-key-pg_check_open [data-testid=stDataFrame]")).to_be_visible(timeout=60_000)
    wait_idle(page, timeout_ms=60_000)
    assert_no_exception(page)


def test_chinese_title(page):
    open_page(page, "/?lang=zh")
    assert_no_exception(page)
    assert_nav_lists(page, "交互演练")


def test_url_sets_first_logit(page):
    open_page(page, "/?pg_z0=3.5")
    assert drag_bar_values(page) == pytest.approx([3.5, 1.0, 0.1])
    expect(page.locator(LOSS)).not_to_have_text(DEFAULT_LOSS_TEXT)
    assert_no_exception(page)


def test_hostile_url_opens_defaults_with_a_notice(page):
    open_page(page, "/?pg_k=1000&pg_z0=abc")
    assert_no_exception(page)
    expect(page.locator(NOTICE)).to_be_visible()
    expect(page.locator(NOTICE)).not_to_have_text("")
    expect(page.locator(LOSS)).to_have_text(DEFAULT_LOSS_TEXT)
    assert drag_bar_values(page) == pytest.approx([2.0, 1.0, 0.1])


def test_sliders_from_the_url_show_the_url_logits(page):
    open_page(page, "/?pg_input=sliders&pg_z1=-4")
    assert [slider_value(page, f"pg_z{i}") for i in range(3)] == pytest.approx([2.0, -4.0, 0.1])
    expect(page.locator(".st-key-pg_z3")).to_have_count(0)
    expect(page.locator(".st-key-pg_drag_box")).to_have_count(0)


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshot_and_no_horizontal_scroll(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_page(page, "/")
    wait_charts(page)
    assert_no_exception(page)
    if width <= 480:
        overflow = horizontal_overflow(page)
        wide = {name: sizes for name, sizes in overflow.items() if sizes[0] > sizes[1] + 1}
        assert not wide, f"horizontal scroll at {width} px (scrollWidth, visible width): {wide}"

    path = screenshot(page, SCREENSHOT_DIR / f"playground_{width}.png", width)
    head = path.read_bytes()[:8]
    assert head == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    assert path.stat().st_size > 10_000, f"{path} is only {path.stat().st_size} bytes"
    if width <= 480:  # once more at the full (enlarged) height, everything laid out
        overflow = horizontal_overflow(page)
        wide = {name: sizes for name, sizes in overflow.items() if sizes[0] > sizes[1] + 1}
        assert not wide, f"horizontal scroll at {width} px (scrollWidth, visible width): {wide}"
