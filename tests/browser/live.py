"""What the browser tests of the live components share (ui/live_math and the components built on it):
opening a page at a query, waiting for a condition, a held mouse drag, the page's state from its URL, and
the check that during a drag no number outside the component passes for a current one.

During a drag the page has not run yet, so every Streamlit element still shows the state before it. The
elements that depend on the dragged control sit in live_dep_* containers that the component dims under
"Updates when you let go". `undimmed_numbers` reads every number a reader can see outside the component
and outside a dimmed container; `assert_nothing_stale` checks that each of them is one the page also
shows once it has run for the released state (so none depends on the control that moved).
"""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qsl, urlsplit

from playwright.sync_api import expect
from st_harness import wait_idle

from topics.shared.url_params import read_params
from ui.readouts import NARROW

LOAD_TIMEOUT_MS = 90_000
STALE_CLASS = "cee-live-stale"  # on <body> while the page's live_dep_* containers are stale
# Numbers as the page writes them (topics.shared.formatting): a sign, digits, a point and decimals.
NUMBER = re.compile(r"[-−]?\d+\.\d+(?:e[-+]?\d+)?")

# Every visible text outside `skip` (the component) whose elements are not dimmed below half opacity; the
# hidden MathML copy of each formula is not read (KaTeX's visible HTML is).
_VISIBLE_TEXTS_JS = """(skip) => {
  const main = document.querySelector('[data-testid=stMain]');
  const texts = [];
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const element = node.parentElement;
    if (!node.textContent.trim() || element.closest(skip) || element.closest('.katex-mathml')) continue;
    if (!element.getClientRects().length) continue;
    let opacity = 1;
    for (let at = element; at && at !== main; at = at.parentElement) {
      opacity *= Number(getComputedStyle(at).opacity);
    }
    if (opacity >= 0.5) texts.push(node.textContent);
  }
  return texts;
}"""


def open_live_page(page, path, component, query=""):
    """Open `path` (e.g. "/binary") with `query`, wait until it is idle and `component` is visible."""
    page.goto(path + (f"?{query}" if query else ""))
    wait_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    expect(page.locator(component)).to_be_visible()


def wait_for(condition, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    return condition()


def wait_for_release(page, condition, timeout_ms=LOAD_TIMEOUT_MS):
    """Wait until `condition()` (which reads `page.url`) holds, then until the page is idle.

    A release sends the state at once, but on a loaded machine the rerun that writes the URL can start
    later than wait_idle's settle: CI saw a wait_idle return with the URL of the state before the release.
    So a test that reads the released state from the URL waits for it here. Playwright updates `page.url`
    only while it handles the browser's events, hence `wait_for_timeout` rather than a sleep.
    """
    deadline = time.monotonic() + timeout_ms / 1000
    while not condition():
        assert time.monotonic() < deadline, f"the released state never reached the URL: {page.url}"
        page.wait_for_timeout(50)
    wait_idle(page, timeout_ms=timeout_ms)


def assert_view_first_on_a_phone(page, width, view, controls):
    """At a phone's `width` (ui.layout.controls_and_view stacks the columns) the `view` element is above
    the `controls` element; on a laptop the controls are beside it, on its left. The view's box."""
    view_box, controls_box = page.locator(view).bounding_box(), page.locator(controls).bounding_box()
    if width <= NARROW:
        assert view_box["y"] < controls_box["y"]
    else:
        assert controls_box["x"] < view_box["x"]
    return view_box


def drag(page, points):
    """Press the mouse at the first point and move through the others; the caller releases it."""
    page.mouse.move(*points[0])
    page.mouse.down()
    for point in points[1:]:
        page.mouse.move(*point)


def url_values(page, specs):
    """The valid control values in the page's URL (none refused), by key."""
    valid, refused = read_params(dict(parse_qsl(urlsplit(page.url).query)), specs)
    assert not refused
    return valid


def undimmed_numbers(page, component):
    """Every number a reader sees on the page outside `component` and outside a dimmed container."""
    texts = page.evaluate(_VISIBLE_TEXTS_JS, component)
    return {number.replace("−", "-") for text in texts for number in NUMBER.findall(text)}


def is_stale(page):
    return page.evaluate(f"() => document.body.classList.contains('{STALE_CLASS}')")


def assert_nothing_stale(page, component, held_numbers):
    """After the release of a drag during which `held_numbers = undimmed_numbers(...)` was read: once the
    page has run for the released state, it shows every one of those numbers too (none was a stale value
    of the state before the drag), and nothing is dimmed any more."""
    wait_idle(page, timeout_ms=LOAD_TIMEOUT_MS)
    assert wait_for(lambda: not is_stale(page))
    released = undimmed_numbers(page, component)
    assert held_numbers <= released, f"shown undimmed during the drag, stale after: {held_numbers - released}"


def dimmed_during_drag(page, keys):
    """Whether each live_dep_* container in `keys` is dimmed (its content below half opacity) now."""
    return {
        key: page.evaluate(
            """(key) => {
              const box = document.querySelector('.st-key-live_dep_' + key);
              const dim = (child) => Number(getComputedStyle(child).opacity) < 0.5;
              return !!box && [...box.children].every(dim);
            }""",
            key,
        )
        for key in keys
    }


def exercise_query(lock="", hide=""):
    """The query of an exercise link (topics/shared/exercises.py) that locks and hides these control keys
    (comma-separated)."""
    parts = ["ex_task=Try%20it"] + [f"ex_lock={lock}"] * bool(lock) + [f"ex_hide={hide}"] * bool(hide)
    return "&".join(parts)
