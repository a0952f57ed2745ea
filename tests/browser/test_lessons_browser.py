"""Lessons and exercise links in a real Chromium at 390 px (a phone), against `streamlit run app.py`.

Contract (ui.exercise, pages/lessons.py): the lessons page at /lessons with a Start button per lesson
(.st-key-ls_start_<id>) and its progress (.st-key-ls_progress); on a page, the lesson or exercise panel
(.st-key-ex_panel) with its verdict (.st-key-ex_status); the exercise maker is an expander whose QR code
is in .st-key-ex_make_qr. Progress is kept in the browser's localStorage, so it survives a new session.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest
from playwright.sync_api import expect
from st_harness import ROOT, horizontal_overflow, screenshot, wait_idle

from topics.lessons.snippet_fix import STARTING_CODE
from topics.shared.i18n import STRINGS

pytestmark = pytest.mark.browser

EN = STRINGS["en"]
PHONE = {"width": 390, "height": 844}
SCREENSHOT_DIR = ROOT / "test-results" / "screenshots"
LOAD_TIMEOUT_MS = 90_000
PANEL, STATUS = ".st-key-ex_panel", ".st-key-ex_status"
EXCEPTION = "[data-testid=stException]"


def open_path(page, path):
    page.goto(path)
    wait_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def click(page, selector):
    page.locator(selector).first.click()
    wait_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def press(page, key, button):
    """Press a key on the slider keyed `key` and wait for the page's run."""
    thumb = page.locator(f".st-key-{key}").get_by_role("slider")
    thumb.focus()
    thumb.press(button)
    wait_idle(page, timeout_ms=LOAD_TIMEOUT_MS)


def assert_no_horizontal_scroll(page):
    wide = {name: sizes for name, sizes in horizontal_overflow(page).items() if sizes[0] > sizes[1] + 1}
    assert not wide, f"horizontal scroll at 390 px (scrollWidth, visible width): {wide}"


def test_two_lessons_are_checked_live_and_the_progress_survives_a_new_session(page):
    page.set_viewport_size(PHONE)
    open_path(page, "/lessons")
    expect(page.locator(".st-key-ls_progress")).to_contain_text(EN["ls.progress"].format(done=0, total=10))
    click(page, ".st-key-ls_start_temperature button")
    heading = EN["ex.lesson_heading"].format(number=3, total=10, title=EN["ls.temperature.title"])
    expect(page.locator(PANEL)).to_contain_text(heading)
    expect(page.locator(STATUS)).to_contain_text(EN["ex.not_yet"])
    assert page.locator(".st-key-pg_z0").get_by_role("slider").is_disabled()  # the logits are locked
    press(page, "pg_t", "Home")  # T = 0.1
    expect(page.locator(STATUS)).to_contain_text(EN["ex.done"])
    assert_no_horizontal_scroll(page)

    click(page, ".st-key-ls_next button")  # lesson 4: predict the gradient's signs
    expect(page.locator(PANEL)).to_contain_text(EN["ls.gradient_signs.title"])
    expect(page.locator(".st-key-pg_grad")).to_be_hidden()  # hidden until the prediction
    for index, sign in enumerate("+−+"):
        click(page, f".st-key-ls_sign_gradient_signs_{index} button:has-text('{sign}')")
    click(page, ".st-key-ls_reveal_gradient_signs button")
    expect(page.locator(STATUS)).to_contain_text(EN["ex.done"])
    expect(page.locator(".st-key-pg_grad")).to_be_visible()
    assert_no_horizontal_scroll(page)

    page.goto("about:blank")  # a new Streamlit session: only the browser's storage remembers
    open_path(page, "/lessons")
    expect(page.locator(".st-key-ls_progress")).to_contain_text(EN["ls.progress"].format(done=2, total=10))
    expect(page.locator(".st-key-ls_card_temperature")).to_contain_text(EN["ls.done"])
    expect(page.locator(".st-key-ls_card_softmax")).to_contain_text(EN["ls.open"])


def test_an_exercise_link_locks_the_drag_bars_shows_the_task_as_text_and_says_done(page):
    page.set_viewport_size(PHONE)
    task = "Make the **loss** < 0.1 with only T: [see](http://example.com)"
    query = f"ex_task={quote(task)}&ex_check=below:loss:0.1&ex_lock=pg_z0,pg_z1,pg_z2"
    open_path(page, f"/?{query}")
    expect(page.locator(PANEL)).to_contain_text(task)  # shown as typed: no bold, no link
    expect(page.locator(f"{PANEL} a")).to_have_count(0)
    expect(page.locator(".st-key-pg_drag_box").get_by_role("slider").first).to_have_attribute(
        "aria-disabled", "true"
    )
    expect(page.locator(STATUS)).to_contain_text(EN["ex.not_yet"])
    knob = page.locator(".st-key-pg_drag_box .dl-knob-track").first  # T, live in the drag component
    knob.focus()
    knob.press("Home")  # T = 0.1
    wait_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.locator(STATUS)).to_contain_text(EN["ex.done"])
    assert "ex_check=below" in page.url  # a reload keeps the exercise
    assert_no_horizontal_scroll(page)


def test_a_hostile_exercise_link_opens_the_page_with_a_notice_and_injects_nothing(page):
    page.set_viewport_size(PHONE)
    open_path(page, "/?ex_task=" + quote("<img src=x onerror=window.hacked=1>") + "&ex_check=below:loss:0.1")
    expect(page.get_by_text(EN["ex.notice_bad"].split(" (")[0])).to_be_visible()
    expect(page.locator(PANEL)).to_have_count(0)
    assert page.evaluate("() => window.hacked === undefined")
    expect(page.locator(".st-key-pg_loss")).to_contain_text("0.4170")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_exercise_maker_gives_a_link_and_a_qr_code(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    open_path(page, "/binary")
    page.get_by_text(EN["ex.make"]).click()
    box = page.get_by_label(EN["ex.make.task"])
    box.fill("Find the label y with the lowest BCE at p = 0.7.")
    box.press("Control+Enter")
    wait_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.locator(".st-key-ex_make_qr img")).to_be_visible()
    expect(page.locator("[data-testid=stCode]").filter(has_text="ex_task=")).to_have_count(1)
    if width <= 480:
        assert_no_horizontal_scroll(page)
    screenshot(page, SCREENSHOT_DIR / f"exercise_maker_{width}.png", width)


def test_the_fix_the_snippet_lesson_reads_typed_code_on_a_phone(page):
    page.set_viewport_size(PHONE)
    open_path(page, "/binary?bin_mistake=1&lesson=api_mistake")
    box = page.locator(".st-key-ls_code_api_mistake textarea")
    expect(box).to_have_value(STARTING_CODE)
    box.fill(STARTING_CODE.replace("nn.BCEWithLogitsLoss()", "nn.BCELoss()"))
    box.press("Control+Enter")
    wait_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    click(page, ".st-key-ls_code_check_api_mistake button")
    expect(page.locator(".st-key-ls_code_verdict")).to_contain_text(EN["ls.code.right"].format(line=8))
    expect(page.locator(STATUS)).to_contain_text(EN["ex.done"])
    assert_no_horizontal_scroll(page)


def test_an_exercise_link_with_two_checks_shows_each_checks_state(page):
    page.set_viewport_size(PHONE)
    open_path(page, "/?pg_input=sliders&pg_z0=3&ex_check=below:loss:0.1;above:p0:0.85&ex_lock=pg_z1,pg_z2")
    loss_now = page.locator(".st-key-pg_loss [data-testid=stMetricValue]").inner_text().strip()
    expect(page.locator(".st-key-ex_checks")).to_contain_text(loss_now)  # each check with its value now
    expect(page.locator(PANEL)).to_contain_text(EN["ex.checks_summary"].format(passing=0, total=2))
    for _ in range(5):  # z0 from 3.0 to 3.5: p0 0.897 passes, the loss 0.109 does not yet
        press(page, "pg_z0", "ArrowRight")
    expect(page.locator(PANEL)).to_contain_text(EN["ex.checks_summary"].format(passing=1, total=2))
    assert page.locator(".st-key-pg_z1").get_by_role("slider").is_disabled()
    assert_no_horizontal_scroll(page)
