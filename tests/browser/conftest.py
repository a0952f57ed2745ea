"""Fixtures for the browser tests: one `streamlit run app.py` server and one Chromium per session, a
fresh browser context (a fresh Streamlit session) per test, and console/page errors checked at teardown.

The start/stop and browser logic lives in st_harness.py, shared with scripts/ and bench/.
Without /usr/bin/chromium these tests are skipped, except under CI (CI=true), where that is a failure.
"""

from __future__ import annotations

import pytest
from st_harness import CHROMIUM, ConsoleRecorder, StreamlitServer, in_ci, launch_chromium

DEFAULT_VIEWPORT = {"width": 1280, "height": 900}


def _require_chromium() -> None:
    if CHROMIUM.is_file():
        return
    message = f"{CHROMIUM} not found (apt-get install -y chromium); `playwright install` cannot work here"
    if in_ci():
        pytest.fail(f"CI: {message}", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def chromium():
    """A headless Debian Chromium driven by Playwright (skipped locally if it is missing)."""
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture(scope="session")
def app_url(chromium) -> str:
    """Base URL of `streamlit run app.py` (started once; stopped with its children at the end).

    Depends on `chromium` so a machine without the browser skips before starting a server.
    """
    with StreamlitServer("app.py") as server:
        yield server.url


@pytest.fixture
def page(chromium, app_url):
    """A page in a fresh browser context (so a fresh Streamlit session), base URL set to the server.

    At teardown, any console error or page error other than the documented noise (see
    st_harness.is_benign) fails the test.
    """
    context = chromium.new_context(base_url=app_url, viewport=DEFAULT_VIEWPORT)
    context.set_default_timeout(30_000)
    pg = context.new_page()
    recorder = ConsoleRecorder(pg)
    try:
        yield pg
    finally:
        context.close()
    problems = recorder.problems
    if problems:
        pytest.fail(
            f"{len(problems)} console/page error(s):\n" + "\n".join(f"  {p}" for p in problems),
            pytrace=False,
        )
