"""Every user-facing string, in English and Simplified Chinese: one table, so a language is a column.

Plain data (no Streamlit), so figure captions and exported files use the same words as the pages.
Placeholders are str.format fields; tests check that both languages have the same keys and fields.
"""

import string

from topics.shared.strings import (
    batch,
    binary,
    common,
    export,
    frameworks,
    gradient,
    lessons,
    outputs,
    playground,
    training,
)

LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT_LANGUAGE = "en"

# One module per page under core/strings/; each holds EN and ZH dicts. Add a page's module here.
TABLES = (common, playground, batch, binary, gradient, frameworks, export, training, outputs, lessons)


def merge_tables(tables):
    """One {language: {key: string}} table from the modules; a key defined twice is an error."""
    merged = {"en": {}, "zh": {}}
    for table in tables:
        for lang, strings in (("en", table.EN), ("zh", table.ZH)):
            repeated = merged[lang].keys() & strings.keys()
            if repeated:
                raise ValueError(f"{table.__name__} repeats string keys {sorted(repeated)}")
            merged[lang].update(strings)
    return merged


STRINGS = merge_tables(TABLES)


def normalise_language(code):
    """'zh', 'zh-CN', 'zh_TW' -> 'zh'; anything unknown or empty -> the default language."""
    base = str(code or "").replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANGUAGE


def text(lang, key, **values):
    """The string `key` in `lang`, with its placeholders filled from `values`."""
    return STRINGS[normalise_language(lang)][key].format(**values)


def placeholders(template):
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}
