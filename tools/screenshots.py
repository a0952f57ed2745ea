"""Screenshots of the running app: a whole page or one element, at a URL state and a viewport width.

One `streamlit run app.py` server and one headless Debian Chromium (Playwright) serve a whole batch;
each shot gets a fresh browser context, so a fresh Streamlit session opened from the link, as a visitor
would see it. A shot is taken once the page is idle and every chart is drawn (tests/browser/st_harness,
shared with the browser tests).
"""

from __future__ import annotations

import hashlib
import re
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "browser"))

from st_harness import (  # noqa: E402
    CHROMIUM,
    ConsoleRecorder,
    StreamlitServer,
    fit_viewport,
    in_ci,
    launch_chromium,
    registered_pages,
    sigterm_as_exit,
    wait_idle,
)

IDLE_TIMEOUT_MS = 90_000  # a documentation build may run on a busy machine: wait longer than the tests
MAX_SLUG = 48  # longer query strings are shortened to a slug and a hash (file names have a limit)
_TEST_ID = re.compile(r"[A-Za-z][\w-]*")


__all__ = [
    "Screenshotter", "Shot", "ShotError", "capture", "file_stem", "in_ci", "registered_pages",
    "sigterm_as_exit", "slug",
]  # fmt: skip


class ShotError(RuntimeError):
    """The page or the element could not be captured."""


@dataclass(frozen=True)
class Shot:
    png: bytes
    width: int  # CSS pixels of the captured area (device scale factor 1: also the PNG's size)
    height: int
    problems: tuple  # console or page errors seen while the page loaded (st_harness.ConsoleRecorder)


def slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-")


def file_stem(*parts: str) -> str:
    """A short, stable file-name stem from its parts: their slugs joined by '_', and when that would be
    long, its first MAX_SLUG characters and a hash of the whole (so two long states never collide)."""
    whole = "_".join(slug(part) for part in parts if part)
    if len(whole) <= MAX_SLUG:
        return whole
    digest = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:10]
    return f"{whole[:MAX_SLUG].rstrip('-_')}-{digest}"


def url_path(page: str) -> str:
    """The url path a page is served at: '/' for the default page (app.py's st.Page(default=True))."""
    name = page.strip().strip("/")
    for spec in registered_pages():
        if spec.name == name:
            return spec.url_path
    return f"/{name}" if name else "/"


def element_selector(element: str) -> list[str]:
    """CSS selectors to try for `element`: a bare name is a Streamlit test id (stPlotlyChart) or a
    widget/container key (pg_loss: Streamlit gives a keyed element the class st-key-<key>); anything
    else is used as a CSS selector."""
    if _TEST_ID.fullmatch(element):
        return [f'[data-testid="{element}"]', f".st-key-{element}"]
    return [element]


class Screenshotter:
    """`with Screenshotter() as shooter: shooter.shot("playground", "pg_z0=3", 1280, element="pg_loss")`."""

    def __init__(self, app: str = "app.py"):
        self.app = app
        self._server = self._playwright = self._browser = None

    def __enter__(self) -> Screenshotter:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> Screenshotter:
        if not CHROMIUM.is_file():
            raise ShotError(f"{CHROMIUM} not found: apt-get install -y chromium")
        from playwright.sync_api import sync_playwright

        self._server = StreamlitServer(self.app).start()
        try:
            self._playwright = sync_playwright().start()
            self._browser = launch_chromium(self._playwright)
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None
        if self._server is not None:
            self._server.stop()
            self._server = None

    def shot(self, page, query="", width=1280, height=900, element=None, attempts=2) -> Shot:
        """A PNG of the page in a state at `width` (see capture), in a fresh browser context.

        A shot that times out is taken once more: the first session after a server start can be slow
        on a busy machine."""
        from playwright.sync_api import TimeoutError as PlaywrightTimeout

        for attempt in range(1, attempts + 1):
            try:
                return self._shot(page, query, width, height, element)
            except PlaywrightTimeout:
                if attempt == attempts:
                    raise

    def _shot(self, page, query, width, height, element):
        viewport = {"width": width, "height": height}
        context = self._browser.new_context(base_url=self._server.url, viewport=viewport)
        context.set_default_timeout(30_000)
        try:
            tab = context.new_page()
            console = ConsoleRecorder(tab)
            query = query.strip().lstrip("?")
            tab.goto(url_path(page) + (f"?{query}" if query else ""))
            image, box = capture(tab, width, height, element)
            return Shot(image, box[0], box[1], tuple(map(str, console.problems)))
        finally:
            context.close()


def capture(tab, width, height=900, element=None) -> tuple[bytes, tuple[int, int]]:
    """(PNG, (width, height) in CSS pixels) of an opened page once idle: the whole page, its viewport
    `width` wide and as tall as the content (at least `height`), or the first element that matches
    `element` (see element_selector)."""
    wait_idle(tab, IDLE_TIMEOUT_MS)
    fit_viewport(tab, width, height, timeout_ms=IDLE_TIMEOUT_MS)
    if element is None:
        size = tab.viewport_size
        return tab.screenshot(), (size["width"], size["height"])
    target = _locate(tab, element)
    box = target.bounding_box()
    return target.screenshot(), (round(box["width"]), round(box["height"]))


def _locate(tab, element):
    for selector in element_selector(element):
        found = tab.locator(selector)
        if found.count():
            return found.first
    raise ShotError(f"no element matches {element!r} (tried {', '.join(element_selector(element))})")
