"""A table a person edits that stays in step with values kept elsewhere (session state and the URL).

st.data_editor keeps the person's edits relative to the frame it was first given. So the table shows a
snapshot of the values (its base) plus the edits, and the snapshot is renewed, under a new editor key,
whenever the values change from elsewhere (a paste, an example, a link, another language) or when the
page asks for it (rows were added or deleted: the rows are numbered 0..N-1 again).
"""

import pandas as pd
import streamlit as st

from topics.shared.inputs import InputError, message_key
from ui.messages import problems_box


def snapshot(key, values, lang, parts=(None,)):
    """(base values, version): the snapshot the table named `key` shows (or its `parts`, several editors
    that share it), renewed when `values` or the language changed since the table last agreed with them,
    or when an editor is gone (first draw, or back from another page)."""
    version = st.session_state.get(f"_{key}_version", 0)
    fresh = any(editor_key(key, part, version) not in st.session_state for part in parts)
    if fresh or st.session_state.get(f"_{key}_synced") != (values, lang):
        version += 1
        st.session_state[f"_{key}_version"] = version
        st.session_state[f"_{key}_base"] = values
        st.session_state[f"_{key}_synced"] = (values, lang)
    return st.session_state[f"_{key}_base"], version


def edited_rows(key, version, columns, column_config, num_rows="fixed", part=None, disabled=False):
    """Draw the editor of a snapshot (`columns`: {name: text values}); returns its rows as
    (row name, [cell per column]). `part` names one of several editors that share a snapshot; a
    `disabled` editor (a control an exercise locks) shows the values and takes no edit."""
    edited = st.data_editor(
        pd.DataFrame(columns),
        key=editor_key(key, part, version),
        num_rows=num_rows,
        column_config=column_config,
        width="stretch",
        disabled=disabled,
    )
    # Not DataFrame.iterrows, which builds a Series per row (~0.1 ms each, every run)
    return list(zip(edited.index, edited.to_numpy(dtype=object).tolist(), strict=True))


def read_back(key, rows, read, keeps, key_of=message_key):
    """`read(rows)` of the table `key`, or None after drawing why the rows cannot be used (an InputError,
    in a box keyed `<key>_problems`, ending with `keeps`: what the page keeps showing; `key_of`: a
    problem's message key)."""
    try:
        return read(rows)
    except InputError as error:
        problems_box(error, keeps, f"{key}_problems", key_of)
        return None


def editor_key(key, part, version):
    return f"{key}_{part}_{version}" if part else f"{key}_{version}"


def agreed(key, values, lang):
    """The values the table now shows were taken up: no new snapshot is needed for them."""
    st.session_state[f"_{key}_synced"] = (values, lang)


def renew(key):
    """Take a new snapshot on the next run (e.g. after rows were added or deleted)."""
    st.session_state[f"_{key}_synced"] = None


def text_column(title, help, width):
    """A right-aligned text column: a table's cells are text, so that a bad entry can be named instead of
    silently turning into NaN."""
    return st.column_config.TextColumn(title, help=help, alignment="right", width=width)


def matrix_tables(key, matrices, lang, headings, read, keeps, key_of=message_key, disabled=False):
    """Editable matrices side by side that share one snapshot (`matrices`: {column prefix: rows of
    numbers}; `headings`: a (title, cell help) each); returns `read(rows of each table)`, the current
    matrices while the tables cannot be read, and keeps the snapshot in step."""
    current = tuple(matrices.values())
    bases, version = snapshot(key, current, lang, parts=tuple(matrices))
    edited = []
    for column, base, prefix, (title, cell_help) in zip(
        st.columns(len(bases)), bases, matrices, headings, strict=True
    ):
        columns = {f"{prefix}{k}": [f"{row[k]:g}" for row in base] for k in range(len(base[0]))}  # as typed
        column.caption(title)
        with column:
            config = {name: text_column(name, cell_help, 70) for name in columns}
            edited.append(edited_rows(key, version, columns, config, part=prefix, disabled=disabled))
    new = read_back(key, edited, lambda tables: read(*tables), keeps, key_of)
    if new is not None and new != current:
        agreed(key, new, lang)
    return current if new is None else new
