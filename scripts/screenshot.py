"""Screenshots of the app in headless Chromium, from its own `streamlit run app.py` server.

    python scripts/screenshot.py [--url-path /] [--query "pg_z0=3&lang=zh"] [--width 1280 --width 390]
                                 [--height 900] [--out screenshots/] [--all-pages]

Saves one PNG per page and width, named <page>_<width>[_<query>].png (the page is its url path, or the
default page's name for `/`), and prints each path. --all-pages takes the pages registered with
st.Page(...) in app.py instead of --url-path. The viewport is made as tall as the page (Streamlit
scrolls inside its own container, so a full-page screenshot would be cut). Uses /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "browser"))

from st_harness import (  # noqa: E402
    CHROMIUM,
    ConsoleRecorder,
    StreamlitServer,
    launch_chromium,
    registered_pages,
    screenshot,
    sigterm_as_exit,
    wait_idle,
)

DEFAULT_WIDTHS = [1280, 390]


def slug(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-")


def page_name(url_path: str) -> str:
    """File-name stem of a url path: the page's name (the default page's for `/`)."""
    path = url_path.strip("/")
    if path:
        return slug(path)
    defaults = [p.name for p in registered_pages() if p.url_path == "/"]
    return slug(defaults[0]) if defaults else "index"


def targets(args) -> list[tuple[str, str]]:
    """(url path, file-name stem) pairs to capture."""
    if args.all_pages:
        pages = registered_pages()
        if not pages:
            sys.exit("no st.Page(...) calls found in app.py")
        return [(p.url_path, slug(p.name) or "index") for p in pages]
    url_path = "/" + args.url_path.strip().lstrip("/")
    return [(url_path, page_name(url_path))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url-path", default="/", help="page path, e.g. / (default page) or /other")
    parser.add_argument("--query", default="", help='query string without "?", e.g. "pg_z0=3&lang=zh"')
    parser.add_argument("--width", type=int, action="append", help="viewport width (repeatable)")
    parser.add_argument("--height", type=int, default=900, help="minimum viewport height")
    parser.add_argument("--out", type=Path, default=Path("screenshots"), help="output folder")
    parser.add_argument("--all-pages", action="store_true", help="every page registered in app.py")
    args = parser.parse_args(argv)
    widths = args.width or DEFAULT_WIDTHS
    query = args.query.strip().lstrip("?")
    out = args.out.resolve()
    if not CHROMIUM.is_file():
        sys.exit(f"{CHROMIUM} not found: apt-get install -y chromium")

    from playwright.sync_api import sync_playwright

    saved, problems = [], []
    with sigterm_as_exit(), StreamlitServer("app.py") as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for url_path, name in targets(args):
                for width in widths:
                    # A fresh context per shot: a fresh Streamlit session, as a visitor would see it.
                    context = browser.new_context(
                        base_url=server.url, viewport={"width": width, "height": args.height}
                    )
                    try:
                        page = context.new_page()
                        console = ConsoleRecorder(page)
                        page.goto(url_path + (f"?{query}" if query else ""))
                        wait_idle(page)
                        stem = f"{name}_{width}" + (f"_{slug(query)}" if query else "")
                        path = screenshot(page, out / f"{stem}.png", width, height=args.height)
                        saved.append(path)
                        print(path, flush=True)
                        problems += [f"{url_path} @ {width}px: {p}" for p in console.problems]
                    finally:
                        context.close()
        finally:
            browser.close()
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    return 0 if saved else 1


if __name__ == "__main__":
    raise SystemExit(main())
