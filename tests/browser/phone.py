"""A phone for the browser tests: a 390 x 844 touch page, touch drags sent through the DevTools protocol
(real touch events: the page scrolls unless the element says touch-action: none), and the checks every
touch test of a live control makes afterwards."""

from __future__ import annotations

import contextlib

from st_harness import MAIN_SCROLL_SELECTOR, ConsoleRecorder, horizontal_overflow

PHONE = {"width": 390, "height": 844}


@contextlib.contextmanager
def phone_page(chromium, app_url):
    """Yields (page, touch): touch(kind, point) sends "touchStart", "touchMove" or "touchEnd" at (x, y).
    The console must stay clean; the context is closed after."""
    context = chromium.new_context(base_url=app_url, viewport=PHONE, has_touch=True, is_mobile=True)
    context.set_default_timeout(30_000)
    page = context.new_page()
    recorder = ConsoleRecorder(page)
    try:
        cdp = context.new_cdp_session(page)

        def touch(kind, point):
            points = [] if kind == "touchEnd" else [{"x": point[0], "y": point[1], "id": 1}]
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

        yield page, touch
    finally:
        context.close()
    assert not recorder.problems, recorder.problems


def main_scroll(page) -> float:
    return page.locator(MAIN_SCROLL_SELECTOR).evaluate("(el) => el.scrollTop")


def assert_touch_kept_the_page(page, scroll_before, *selectors):
    """After a touch drag: the page did not scroll, the dragged elements refuse touch panning, and
    nothing is wider than the phone."""
    assert main_scroll(page) == scroll_before
    for selector in selectors:
        assert page.locator(selector).first.evaluate("(el) => getComputedStyle(el).touchAction") == "none"
    wide = {name: sizes for name, sizes in horizontal_overflow(page).items() if sizes[0] > sizes[1] + 1}
    assert not wide, f"horizontal scroll at 390 px: {wide}"
