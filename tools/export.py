"""Export the explorer's figures and screenshots for documentation, each with its caption and alt text.

    python -m tools.export build [--manifest docs/figures.toml] [--out docs/figures] [--only NAME ...]
    python -m tools.export figure PAGE FIGURE [--state QUERY] [--format svg|png|pdf] [--width W]
                                  [--height H] [--scale S] [--theme light|dark] [--lang en|zh]
    python -m tools.export screenshot PAGE [--state QUERY] [--element page|TESTID|KEY|CSS] [--width W]
    python -m tools.export list

A state is the page's URL query string as the app writes it (`pg_z0=3&pg_class=1&lang=zh`); a value
the page would refuse is an error here. Figures come from each page's core page_figures() (the same
builders the pages draw with) through kaleido and /usr/bin/chromium; screenshots from a
`streamlit run app.py` server in headless Chromium. Each file gets `<name>.json` beside it with the
caption and alt text in English and Chinese. The exit status is 1 if anything failed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tools import page_states
from tools.figure_export import FORMATS
from tools.manifest import Builder, Entry, EntryError, entry, read_manifest
from tools.screenshots import file_stem, sigterm_as_exit
from topics import registry
from topics.shared.figures import THEMES
from topics.shared.i18n import LANGUAGES

DEFAULT_MANIFEST = Path("docs/figures.toml")
DEFAULT_OUT = Path("exports")


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.command == "list":
        for page in registry.BY_NAME:
            print(f"{page}: {', '.join(page_states.figure_names(page))}")
        return 0
    if args.command == "build":
        entries, errors = read_manifest(args.manifest)
        if args.only:
            entries = [made for made in entries if made.name in args.only]
            errors = [error for error in errors if error.name in args.only]
        out = args.out or args.manifest.parent / "figures"
    else:
        out = args.out or DEFAULT_OUT
        try:
            entries, errors = [one_entry(args)], []
        except EntryError as error:
            entries, errors = [], [error]
    with sigterm_as_exit(), Builder(out) as builder:
        failed = builder.build_all(entries, errors)
    built = len(entries) + len(errors) - len(failed)
    print(f"built {built} of {len(entries) + len(errors)} into {out}")
    if failed:
        print("failed: " + ", ".join(error.name for error in failed), file=sys.stderr)
    return 1 if failed else 0


def one_entry(args) -> Entry:
    """The command line's figure or screenshot as a manifest entry, named from what it shows."""
    shown = args.figure if args.command == "figure" else f"shot-{args.element}"
    options = {"page": args.page, "state": args.state, "width": args.width, "height": args.height}
    if args.command == "figure":
        options.update(figure=args.figure, format=args.format, scale=args.scale, theme=args.theme)
    else:
        options.update(screenshot=args.element)
    if args.lang:
        options["lang"] = args.lang
    size = f"{args.width or ''}x{args.height or ''}".strip("x")
    theme = "" if getattr(args, "theme", "light") == "light" else args.theme
    name = args.name or file_stem(args.page, shown, args.state, size, theme, args.lang or "")
    return entry(name=name, **{key: value for key, value in options.items() if value is not None})


def parser() -> argparse.ArgumentParser:
    main_parser = argparse.ArgumentParser(prog="python -m tools.export", description=__doc__.split("\n\n")[0])
    commands = main_parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="rebuild every entry of a manifest")
    build.add_argument("--manifest", type=Path, default=DEFAULT_MANIFEST, help="default: %(default)s")
    build.add_argument("--out", type=Path, help="output folder (default: figures/ beside the manifest)")
    build.add_argument("--only", nargs="+", metavar="NAME", help="build only these entries")

    commands.add_parser("list", help="the pages and their figure names")

    one_off = (("figure", "export one figure"), ("screenshot", "screenshot a page or an element"))
    for command, helptext in one_off:
        sub = commands.add_parser(command, help=helptext)
        sub.add_argument("page", help=f"one of: {', '.join(registry.BY_NAME)}")
        if command == "figure":
            sub.add_argument("figure", help="a figure name (see: list)")
            sub.add_argument("--format", choices=FORMATS, default="svg")
            sub.add_argument("--scale", type=float, default=1, help="PNG pixels per CSS pixel")
            sub.add_argument("--theme", choices=list(THEMES), default="light")
        else:
            sub.add_argument(
                "--element",
                default="page",
                help="page (default), a test id (stPlotlyChart), a key (pg_loss) or a CSS selector",
            )
        sub.add_argument("--state", default="", help='the URL query string, e.g. "pg_z0=3&lang=zh"')
        sub.add_argument("--width", type=int, help="CSS pixels (screenshots: the viewport width)")
        sub.add_argument("--height", type=int, help="CSS pixels (screenshots: the least viewport height)")
        sub.add_argument("--lang", choices=list(LANGUAGES), help="default: the state's lang=, else en")
        sub.add_argument("--name", help="file stem (default: made from the page, figure and state)")
        sub.add_argument("--out", type=Path, help=f"output folder (default: {DEFAULT_OUT}/)")
    return main_parser


if __name__ == "__main__":
    raise SystemExit(main())
