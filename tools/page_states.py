"""A page's state read from its URL query string, strictly, for the figure exporter.

A state is the page's query string exactly as the app writes it in the address bar
(`pg_z0=3&pg_class=1&lang=zh`); the pages come from topics.registry.
"""

from dataclasses import dataclass
from urllib.parse import parse_qs

from topics.registry import BY_NAME
from topics.shared.i18n import LANGUAGES
from topics.shared.url_params import read_params

LANG_KEY = "lang"  # the app's language parameter (ui.language), allowed on every page


class StateError(ValueError):
    """A page, a state or a figure name the exporter cannot use; the message says which and why."""


@dataclass(frozen=True)
class PageState:
    page: str
    values: dict  # every control's value, keyed as in the page's url_specs()
    lang: str | None  # the query's lang=..., if it has one


def page_entry(page):
    """The registry's Page of a page, by its url path (StateError if there is none)."""
    try:
        return BY_NAME[page.strip("/")]
    except KeyError:
        raise StateError(f"unknown page {page!r}; pages: {', '.join(BY_NAME)}") from None


def read_state(page, query):
    """The page's control values for a query string; StateError naming every refused or unknown key.

    Stricter than the app, which opens a broken link with defaults and a notice: a documentation
    figure must show the state that was asked for, or nothing."""
    module = page_entry(page)
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
    """One figure (a topics.shared.figures.PageFigure) of a page in a state; StateError for a bad name."""
    state = read_state(page, query)
    figures = page_entry(page).page_figures(state.values, lang or state.lang or "en", theme)
    if name not in figures:
        raise StateError(f"page {page!r} has no figure {name!r}; figures: {', '.join(figures)}")
    return figures[name]


def figure_names(page):
    """The names of a page's figures (as page_figures gives them for the default state)."""
    module = page_entry(page)
    return list(module.page_figures({spec.key: spec.default for spec in module.url_specs()}))
