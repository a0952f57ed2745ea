"""Browser history: one entry per page, not one per slider step (ui/history, drawn by app.py).

Streamlit pushes a history entry for every query-string change, and every control is in the URL, so
without ui/history Back stepped back through slider values. These tests press keys on sliders, then
check the entry count, where Back goes, and that the page state comes back with it.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from st_harness import ROOT, wait_idle

pytestmark = pytest.mark.browser

HISTORY_JS = (ROOT / "ui" / "history" / "history.js").read_text(encoding="utf-8")
EXCEPTION = "[data-testid=stException]"


def press_on_slider(page, key: str, presses: int, url_after) -> None:
    """Press ArrowRight `presses` times on slider `key`, each time until the page is idle again."""
    thumb = page.locator(f".st-key-{key}").get_by_role("slider")
    for _ in range(presses):
        thumb.focus()
        thumb.press("ArrowRight")
        wait_idle(page)
    expect(page).to_have_url(url_after)


def history_length(page) -> int:
    return page.evaluate("() => window.history.length")


@pytest.mark.parametrize("width", [1280, 390])  # at 390 px the sidebar, which draws ui/history, is closed
def test_slider_steps_do_not_add_history_entries(page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/?pg_input=sliders")
    wait_idle(page)
    entries = history_length(page)
    press_on_slider(page, "pg_z0", 3, re.compile(r"pg_z0=2\.3(&|$)"))
    assert history_length(page) == entries, "each slider step added a browser-history entry"
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_back_leaves_the_page_in_the_state_it_was_left_in(page):
    page.goto("/?pg_input=sliders")
    wait_idle(page)
    press_on_slider(page, "pg_z0", 2, re.compile(r"pg_z0=2\.2(&|$)"))
    page.locator("[data-testid=stSidebarNav]").get_by_text("Batch").click()
    expect(page).to_have_url(re.compile(r"/batch"))
    wait_idle(page)

    page.go_back()
    expect(page).to_have_url(re.compile(r"/\?.*pg_z0=2\.2(&|$)"))
    wait_idle(page)
    thumb = page.locator(".st-key-pg_z0").get_by_role("slider")
    assert float(thumb.evaluate("(el) => el.value")) == pytest.approx(2.2)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_only_same_page_pushes_become_replaces(page):
    """history.js on its own, in a blank page: a new query or hash replaces, a new path pushes."""
    page.goto("/_stcore/health")  # any same-origin document of the server: history needs a real URL
    result = page.evaluate(
        """async (source) => {
          const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
          const js = await import(url);
          js.keepOneEntryPerPage(window);
          js.keepOneEntryPerPage(window);  // a second mount must not wrap the wrapper
          const start = history.length;
          history.pushState({}, '', '?a=1');
          history.pushState({}, '', '?a=2#x');
          history.pushState({}, '');
          const afterQueries = history.length - start;
          history.pushState({}, '', '/batch?a=3');
          return { afterQueries, afterPath: history.length - start, href: location.href,
                   sameQuery: js.samePage('?b=1', 'http://h/p?a=1'),
                   otherPath: js.samePage('/q', 'http://h/p?a=1'),
                   otherOrigin: js.samePage('http://other/p', 'http://h/p') };
        }""",
        HISTORY_JS,
    )
    assert result["afterQueries"] == 0, result
    assert result["afterPath"] == 1, result
    assert result["href"].endswith("/batch?a=3"), result
    assert (result["sameQuery"], result["otherPath"], result["otherOrigin"]) == (True, False, False)


def test_leaving_and_coming_back_keeps_the_controls_and_the_language(page):
    """Streamlit drops widget values on a page switch; ui/url_state keeps a copy the switch does not touch."""
    page.goto("/?pg_input=sliders&lang=zh")
    wait_idle(page)
    press_on_slider(page, "pg_z0", 2, re.compile(r"pg_z0=2\.2(&|$)"))
    nav = page.locator("[data-testid=stSidebarNav]")
    nav.locator("a").nth(1).click()  # the batch page
    expect(page).to_have_url(re.compile(r"/batch\?lang=zh$"))
    wait_idle(page)
    nav.locator("a").nth(0).click()  # back to the playground, by its link (not history)
    expect(page).to_have_url(re.compile(r"/\?(?=.*pg_z0=2\.2)(?=.*pg_input=sliders)(?=.*lang=zh)"))
    wait_idle(page)
    thumb = page.locator(".st-key-pg_z0").get_by_role("slider")
    assert float(thumb.evaluate("(el) => el.value")) == pytest.approx(2.2)
    expect(nav).to_contain_text("交互演练")
    expect(page.locator(EXCEPTION)).to_have_count(0)
