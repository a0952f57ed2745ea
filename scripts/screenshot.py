"""Screenshots of the app in headless Chromium, from its own `streamlit run app.py` server.

    python scripts/screenshot.py [--url-path /] [--query "pg_z0=3&lang=zh"] [--width 1280 --width 390]
                                 [--height 900] [--out screenshots/] [--all-pages]

Saves one PNG per page and width, named <page>_<width>[_<query>].png (the page is its url path, or the
default page's name for `/`; a long query is shortened to a slug and a hash), and prints each path.
--all-pages takes the pages registered with st.Page(...) in app.py instead of --url-path. A thin
wrapper over tools/screenshots.py; `python -m tools.export screenshot` also captures one element and
writes a caption beside the file.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.screenshots import Screenshotter, file_stem, registered_pages, sigterm_as_exit, slug  # noqa: E402

DEFAULT_WIDTHS = [1280, 390]


def page_name(url_path: str) -> str:
    """File-name stem of a url path: the page's name (the default page's for `/`)."""
    path = url_path.strip("/")
    if path:
        return slug(path)
    defaults = [p.name for p in registered_pages() if p.url_path == "/"]
    return slug(defaults[0]) if defaults else "index"


def targets(args) -> list[tuple[str, str]]:
    """(page, file-name stem) pairs to capture."""
    if args.all_pages:
        pages = registered_pages()
        if not pages:
            sys.exit("no st.Page(...) calls found in app.py")
        return [(p.name, slug(p.name) or "index") for p in pages]
    return [(args.url_path.strip().strip("/"), page_name(args.url_path))]


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
    out.mkdir(parents=True, exist_ok=True)
    saved, problems = [], []
    with sigterm_as_exit(), Screenshotter() as shooter:
        for page, name in targets(args):
            for width in widths:
                shot = shooter.shot(page, query, width, args.height)
                path = out / f"{file_stem(name, str(width), query)}.png"
                path.write_bytes(shot.png)
                saved.append(path)
                print(path, flush=True)
                problems += [f"/{page} @ {width}px: {p}" for p in shot.problems]
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    return 0 if saved else 1


if __name__ == "__main__":
    raise SystemExit(main())
