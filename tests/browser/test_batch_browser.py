"""The batch page in a real Chromium against `streamlit run app.py`.

Contract (built by pages/batch.py): the page at /batch, titled "Batch" ("批量计算" with ?lang=zh) in the
navigation; the batch table is the first data editor (label column 64 px, logit columns 58 px, rows
35 px); the loss metric in .st-key-bt_loss; heat maps in .st-key-bt_softmax / .st-key-bt_grad; cell
problems in .st-key-bt_table_problems; URL state under bt_* keys.
"""

from __future__ import annotations

import pytest
from live import wait_for_release
from playwright.sync_api import expect
from st_harness import (
    ROOT,
    ConsoleRecorder,
    StreamlitServer,
    horizontal_overflow,
    screenshot,
    wait_charts,
    wait_idle,
)

from topics import batch
from topics.shared.formatting import fmt

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = ROOT / "test-results" / "screenshots"
NAV = "[data-testid=stSidebarNav]"
EXCEPTION = "[data-testid=stException]"
LOSS = ".st-key-bt_loss [data-testid=stMetricValue]"
TABLE = "[data-testid=stDataFrame]"
SEED_LOSS = "1.2288"
HEADER, ROW = 35, 35  # Streamlit's data editor: header and row height in px
LOGIT_WIDTH = 58  # pages/batch.py sets the logit columns to 58 px


def open_batch(page, query: str = "") -> None:
    page.goto("/batch" + (f"?{query}" if query else ""))
    wait_idle(page)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def edit_logit(page, row: int, column: int, value: str, num_classes: int = 3) -> None:
    """Double-click the cell z{column} of `row` in the batch table, type `value`, press Enter.

    The grid is drawn on a canvas: the cell is found from the table's box (the logit columns are the
    last ones, LOGIT_WIDTH px each; the header and every row are ROW px high)."""
    box = page.locator(TABLE).first.bounding_box()
    x = box["x"] + box["width"] - (num_classes - column - 0.5) * LOGIT_WIDTH - 1
    y = box["y"] + HEADER + (row + 0.5) * ROW
    page.mouse.dblclick(x, y)
    editor = page.locator("#portal textarea, textarea.gdg-input").first
    expect(editor).to_be_visible()
    editor.press("ControlOrMeta+A")
    editor.press_sequentially(value)
    # Enter right after the last key sometimes commits nothing (seen with Chromium 156.0.8078.129, old
    # and new code alike): wait until the grid's editor holds the typed text.
    expect(editor).to_have_value(value)
    editor.press("Enter")
    wait_idle(page)


def test_batch_page_shows_the_seed_numbers_and_is_in_the_navigation(page):
    open_batch(page)
    expect(page.locator(LOSS)).to_have_text(SEED_LOSS)
    for key in ("bt_softmax", "bt_grad"):
        expect(page.locator(f".st-key-{key} [data-testid=stPlotlyChart]")).to_have_count(1)
    wait_charts(page)
    expect(page.locator(".st-key-bt_softmax .js-plotly-plot")).to_contain_text("0.6590")
    expect(page.locator(NAV)).to_contain_text("Batch")
    expect(page.locator(NAV)).to_contain_text("Playground")


def test_editing_a_cell_updates_the_loss_and_the_url(page):
    open_batch(page)
    expect(page.locator(LOSS)).to_have_text(SEED_LOSS)
    edit_logit(page, row=1, column=2, value="3")
    logits = ((2.0, 1.0, 0.1), (0.5, 2.0, 3.0))
    expected = fmt(batch.numbers.evaluate(batch.state.BatchState(logits=logits)).loss)
    # the edit's rerun: seen to take over expect's 5 s default with two test workers on two cores
    expect(page.locator(LOSS)).to_have_text(expected, timeout=30_000)
    wait_for_release(
        page,
        lambda: "bt_logits=2%2C1%2C0.1%3B0.5%2C2%2C3" in page.url or "bt_logits=2,1,0.1;0.5,2,3" in page.url,
    )


def test_a_non_number_in_a_cell_is_named_and_the_loss_stays(page):
    open_batch(page)
    edit_logit(page, row=1, column=2, value="abc")
    problems = page.locator(".st-key-bt_table_problems")
    expect(problems).to_contain_text("Row 1, column z2")
    expect(problems).to_contain_text("'abc' is not a number")
    expect(page.locator(LOSS)).to_have_text(SEED_LOSS)


def test_url_state_and_chinese(page):
    open_batch(page, "lang=zh&bt_reduction=sum&bt_weight=1,1,2")
    expect(page.locator(NAV)).to_contain_text("批量计算")
    expected = fmt(
        batch.numbers.evaluate(batch.state.BatchState(reduction="sum", weight=(1.0, 1.0, 2.0))).loss
    )
    expect(page.locator(LOSS)).to_have_text(expected)


def test_check_panel_runs_the_frameworks_in_the_browser(page):
    open_batch(page)
    page.get_by_text("Check with PyTorch and Keras").click()
    wait_idle(page)  # opening the panel reruns it: a click on the switch during that run can be lost
    page.locator(".st-key-bt_check label").click()
    expect(page.locator(".st-key-bt_check_table")).to_be_visible(timeout=60_000)
    wait_idle(page, timeout_ms=60_000)
    expect(page.locator(".st-key-bt_check_table")).to_contain_text("Keras 3")
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_deep_link_on_a_fresh_server_runs_inside_the_app_shell(chromium):
    """Before st.navigation has ever run, Streamlit would run pages/batch.py on its own (legacy pages/
    mode): no sidebar title, no wide layout, a file-name navigation. The page reruns through app.py."""
    with StreamlitServer("app.py") as server:
        context = chromium.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
        try:
            page = context.new_page()
            recorder = ConsoleRecorder(page)
            open_batch(page, "bt_reduction=sum")
            expect(page.locator("[data-testid=stSidebar]")).to_contain_text("Cross-Entropy Explorer")
            expect(page.locator(NAV)).to_contain_text("Playground")
            expect(page.locator(NAV)).not_to_contain_text("app")
            expect(page.locator(LOSS)).to_have_text("2.4576")
            assert recorder.problems == []
        finally:
            context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshot_and_no_horizontal_scroll(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_batch(page)
    wait_charts(page)
    path = screenshot(page, SCREENSHOT_DIR / f"batch_{width}.png", width)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert path.stat().st_size > 10_000
    if width <= 480:
        overflow = horizontal_overflow(page)
        wide = {name: sizes for name, sizes in overflow.items() if sizes[0] > sizes[1] + 1}
        assert not wide, f"horizontal scroll at {width} px (scrollWidth, visible width): {wide}"
