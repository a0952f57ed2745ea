"""The figures the documentation uses (docs/figures.toml), and building them with captions beside them.

Each `[[figure]]` table is one file:

    name = "playground-probs"       # the file stem: docs/figures/playground-probs.svg (+ .json)
    page = "playground"             # a page's url path (topics.registry)
    state = "pg_z0=3&pg_class=1"    # the page's URL query string, as the app writes it ("" = defaults)
    figure = "probs"                # one of the page's figures (python -m tools.export list) ...
    screenshot = "pg_loss"          # ... or a screenshot: "page", a test id, a key or a CSS selector
    format = "svg"                  # svg, png or pdf (screenshots: png)
    width = 700                     # CSS pixels; figures default to 700 x their own height,
    height = 280                    #   screenshots to a 1280 px viewport at least 900 px tall
    scale = 2                       # PNG figures: pixels per CSS pixel
    theme = "light"                 # light or dark (figures only: the app itself is light)
    lang = "en"                     # the figure's language (default: the state's lang=, else en)

Beside each file, `<name>.json` holds the entry, the app link of its state, and the caption and the
alt text in English and Chinese.
A bad entry is reported by name and skipped; the others still build.
"""

from __future__ import annotations

import json
import re
import time
import tomllib
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from tools import page_states
from tools.figure_export import FORMATS, FigureExporter
from tools.screenshots import Screenshotter, url_path
from topics.shared.figures import THEMES
from topics.shared.i18n import LANGUAGES, STRINGS, text

SCREENSHOT_WIDTH, SCREENSHOT_HEIGHT = 1280, 900
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


class EntryError(ValueError):
    """A manifest entry that cannot be built; `name` says which."""

    def __init__(self, name, message):
        super().__init__(message)
        self.name = name


@dataclass(frozen=True)
class Entry:
    name: str
    page: str
    state: str = ""
    figure: str | None = None
    screenshot: str | None = None
    format: str = "svg"
    width: int | None = None
    height: int | None = None
    scale: float = 1
    theme: str = "light"
    lang: str | None = None

    @property
    def file_name(self):
        return f"{self.name}.{self.format}"

    def describe(self):
        what = self.figure if self.figure else f"screenshot {self.screenshot}"
        size = f" {self.width or 'auto'}x{self.height or 'auto'}"
        return f"{self.page}/{what}, {self.format}{size}"


def entry(**table) -> Entry:
    """An Entry from one manifest table, checked (EntryError naming the entry)."""
    name = str(table.get("name", "?"))
    known = {f.name for f in fields(Entry)}
    if unknown := sorted(table.keys() - known):
        raise EntryError(name, f"unknown field(s) {', '.join(unknown)}; fields: {', '.join(sorted(known))}")
    if not _NAME.fullmatch(name):
        raise EntryError(name, "needs a name of letters, digits, '-', '_' or '.' (it is the file name)")
    if "page" not in table:
        raise EntryError(name, "needs a page")
    if ("figure" in table) == ("screenshot" in table):
        raise EntryError(name, "needs exactly one of figure = ... or screenshot = ...")
    table.setdefault("format", "png" if "screenshot" in table else "svg")
    made = Entry(**table)
    _check(made)
    return made


def _check(made):
    def fail(message):
        raise EntryError(made.name, message)

    if made.screenshot is not None and made.format != "png":
        fail("a screenshot is a png")
    if made.screenshot is not None and made.theme != "light":
        fail("a screenshot shows the app's own (light) theme")
    if made.format not in FORMATS:
        fail(f"format {made.format!r} is not one of {', '.join(FORMATS)}")
    if made.theme not in THEMES:
        fail(f"theme {made.theme!r} is not one of {', '.join(THEMES)}")
    if made.lang is not None and made.lang not in LANGUAGES:
        fail(f"lang {made.lang!r} is not one of {', '.join(LANGUAGES)}")
    for size in (made.width, made.height):
        if size is not None and not (isinstance(size, int) and 50 <= size <= 8000):
            fail(f"width and height are whole CSS pixels, 50..8000 (got {size!r})")
    if not (isinstance(made.scale, int | float) and 0.1 <= made.scale <= 8):
        fail(f"scale is a number 0.1..8 (got {made.scale!r})")


def read_manifest(path) -> tuple[list[Entry], list[EntryError]]:
    """The entries of a manifest, and the errors of the ones that cannot be used (a repeated name too)."""
    tables = tomllib.loads(Path(path).read_text(encoding="utf-8")).get("figure", [])
    entries, errors, seen = [], [], set()
    for table in tables:
        try:
            made = entry(**table)
            if made.name in seen:
                raise EntryError(made.name, "the name is used by an earlier entry")
        except EntryError as error:
            errors.append(error)
            continue
        seen.add(made.name)
        entries.append(made)
    return entries, errors


class Builder:
    """Builds entries into a folder, starting the figure exporter and the screenshot server only when an
    entry needs them and keeping each open for the whole batch."""

    def __init__(self, out_dir, log=print, exporter=None):
        self.out_dir = Path(out_dir)
        self.log = log
        self._exporter, self._shooter = exporter, None  # an exporter passed in stays open
        self._started = []
        self._figures = {}  # (page, state, lang, theme) -> page_figures(...): entries often share a state

    def __enter__(self) -> Builder:
        return self

    def __exit__(self, *exc) -> None:
        for tool in self._started:
            tool.stop()

    def build_all(self, entries, errors=()) -> list[EntryError]:
        """Build every entry, printing 'figure n of N'; the errors of the failed ones (and `errors`)."""
        failed = list(errors)
        for error in errors:
            self.log(f"skipped {error.name}: {error}")
        for number, made in enumerate(entries, start=1):
            started = time.perf_counter()
            try:
                path = self.build(made)
            except Exception as error:  # one bad entry must not stop the others
                failed.append(error if isinstance(error, EntryError) else EntryError(made.name, str(error)))
                self.log(f"figure {number} of {len(entries)}: {made.name} FAILED: {error}")
                continue
            seconds = time.perf_counter() - started
            what = f"{made.name} ({made.describe()})"
            self.log(f"figure {number} of {len(entries)}: {what} -> {path} {seconds:.2f} s")
        return failed

    def build(self, made: Entry) -> Path:
        """Write one entry's file and its caption sidecar; returns the file's path."""
        state = page_states.read_state(made.page, made.state)
        lang = made.lang or state.lang or "en"
        if made.figure is not None:
            image, words = self._figure(made, state, lang)
        else:
            image, words = self._screenshot(made, state, lang)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        path = self.out_dir / made.file_name
        path.write_bytes(image)
        settings = {key: value for key, value in asdict(made).items() if value is not None}
        link = url_path(made.page) + (f"?{made.state.lstrip('?')}" if made.state else "")
        sidecar = {"file": made.file_name, "link": link, **settings, **words}
        (self.out_dir / f"{made.name}.json").write_text(
            json.dumps(sidecar, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
        )
        return path

    def _figure(self, made, state, lang):
        by_lang = {code: self._page_figures(made, state, code) for code in LANGUAGES}
        if made.figure not in by_lang[lang]:
            names = ", ".join(by_lang[lang])
            raise EntryError(made.name, f"page {made.page!r} has no figure {made.figure!r}; figures: {names}")
        if self._exporter is None:
            self._exporter = FigureExporter().start()
            self._started.append(self._exporter)
        figure = by_lang[lang][made.figure].figure
        image = self._exporter.render(figure, made.format, made.width, made.height, made.scale)
        return image, _words({code: figures[made.figure] for code, figures in by_lang.items()})

    def _page_figures(self, made, state, lang):
        key = (made.page, made.state, lang, made.theme)
        if key not in self._figures:
            module = page_states.page_entry(made.page)
            self._figures[key] = module.page_figures(state.values, lang, made.theme)
        return self._figures[key]

    def _screenshot(self, made, state, lang):
        if self._shooter is None:
            self._shooter = Screenshotter().start()
            self._started.append(self._shooter)
        query = made.state
        if state.lang is None and made.lang is not None:
            query = "&".join(part for part in (query, f"{page_states.LANG_KEY}={made.lang}") if part)
        element = None if made.screenshot == "page" else made.screenshot
        width, height = made.width or SCREENSHOT_WIDTH, made.height or SCREENSHOT_HEIGHT
        shot = self._shooter.shot(made.page, query, width, height, element)
        for problem in shot.problems:
            self.log(f"warning: {made.name}: {problem}")
        first_figures = {
            code: next(iter(self._page_figures(made, state, code).values())) for code in LANGUAGES
        }
        page_title = {code: _page_title(made.page, code) for code in LANGUAGES}
        words = {
            "caption": {
                code: text(code, "cap.screenshot", page=page_title[code], width=width, figure=figure.caption)
                for code, figure in first_figures.items()
            },
            "alt": {
                code: text(code, "cap.screenshot_alt", page=page_title[code], figure=figure.alt)
                for code, figure in first_figures.items()
            },
        }
        return shot.png, words


def _words(page_figure_by_lang):
    return {
        "caption": {code: figure.caption for code, figure in page_figure_by_lang.items()},
        "alt": {code: figure.alt for code, figure in page_figure_by_lang.items()},
    }


def _page_title(page, lang):
    key = f"page.{page}"
    return text(lang, key) if key in STRINGS[lang] else page
