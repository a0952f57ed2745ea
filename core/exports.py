"""Which pages have figures to export, and a page's state read from its URL query string.

A state is the page's query string exactly as the app writes it in the address bar
(`pg_z0=3&pg_class=1&lang=zh`). Each page's core module has `url_specs()` and
`page_figures(values, lang="en", theme="light") -> {name: PageFigure}`; adding a page to the exporter
is one line in PAGES (its key is the page's url path, as in app.py).
"""

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qs

from core import batch, binary, binary_figures, frameworks, gradient_figures, gradient_lesson, playground
from core.i18n import LANGUAGES
from core.url_params import read_params


@dataclass(frozen=True)
class Page:
    """What the exporter needs of a page: its URL parameters, its figures, and its cross-check."""

    url_specs: Callable
    page_figures: Callable
    inconsistent_values: Callable | None = None  # values -> keys whose values do not fit together


PAGES = {
    "playground": Page(playground.url_specs, playground.page_figures, playground.inconsistent_values),
    "batch": Page(batch.url_specs, batch.page_figures, batch.inconsistent_values),
    "binary": Page(binary.url_specs, binary_figures.page_figures, binary.inconsistent_values),
    "gradient": Page(gradient_lesson.url_specs, gradient_figures.page_figures),
    "frameworks": Page(frameworks.url_specs, frameworks.page_figures, frameworks.inconsistent_values),
}
LANG_KEY = "lang"  # the app's language parameter (ui.language), allowed on every page


class StateError(ValueError):
    """A page, a state or a figure name the exporter cannot use; the message says which and why."""


@dataclass(frozen=True)
class PageState:
    page: str
    values: dict  # every control's value, keyed as in the page's url_specs()
    lang: str | None  # the query's lang=..., if it has one


def page_module(page):
    """The Page entry of a page, by its url path (StateError if there is none)."""
    try:
        return PAGES[page.strip("/")]
    except KeyError:
        raise StateError(f"unknown page {page!r}; pages: {', '.join(PAGES)}") from None


def read_state(page, query):
    """The page's control values for a query string; StateError naming every refused or unknown key.

    Stricter than the app, which opens a broken link with defaults and a notice: a documentation
    figure must show the state that was asked for, or nothing."""
    module = page_module(page)
    specs = module.url_specs()
    raw = {key: values[-1] for key, values in parse_qs(query.lstrip("?"), keep_blank_values=True).items()}
    valid, refused = read_params(raw, specs)
    lang = raw.get(LANG_KEY)
    if lang is not None and lang not in LANGUAGES:
        refused.append(LANG_KEY)
    values = {spec.key: spec.default for spec in specs} | valid
    if module.inconsistent_values is not None and not refused:
        refused += [key for key in module.inconsistent_values(values) if key not in refused]
    unknown = sorted(raw.keys() - {spec.key for spec in specs} - {LANG_KEY})
    problems = [f"refused {key}={raw.get(key, '')!r}" for key in refused]
    problems += [f"unknown parameter {key!r}" for key in unknown]
    if problems:
        raise StateError(f"state of page {page!r}: " + "; ".join(problems))
    return PageState(page=page.strip("/"), values=values, lang=lang)


def page_figure(page, query, name, lang=None, theme="light"):
    """One figure (a core.figures.PageFigure) of a page in a state; StateError for a bad name."""
    state = read_state(page, query)
    figures = page_module(page).page_figures(state.values, lang or state.lang or "en", theme)
    if name not in figures:
        raise StateError(f"page {page!r} has no figure {name!r}; figures: {', '.join(figures)}")
    return figures[name]


def figure_names(page):
    """The names of a page's figures (as page_figures gives them for the default state)."""
    module = page_module(page)
    return list(module.page_figures({spec.key: spec.default for spec in module.url_specs()}))
