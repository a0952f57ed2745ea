"""The JavaScript the live components share: ce_math.js (softmax, cross-entropy, BCE and their
gradients, mirroring core) and live_format.js (fmt, snap).

A components v2 script is one ES module given as a string, so each component's script is these shared
files followed by its own (`component_script`): one copy of the math in the repository, checked against
core by tests/shared/test_live_math.py. live_component.js holds the drag plumbing the components share,
live_controls.css their shared styles (`component_style`).
"""

from pathlib import Path

import streamlit as st

from ui.controls import control_mode
from ui.language import t

FOLDER = Path(__file__).parent
SHARED_FILES = ("ce_math.js", "live_format.js", "live_component.js")


def shared_script():
    """The shared modules' source, one after the other."""
    return "\n".join((FOLDER / name).read_text(encoding="utf-8") for name in SHARED_FILES)


def component_style(path):
    """The shared styles (live_controls.css: the live slider, the focus ring) followed by the component's
    own CSS at `path`."""
    shared = (FOLDER / "live_controls.css").read_text(encoding="utf-8")
    return shared + "\n" + Path(path).read_text(encoding="utf-8")


def component_script(path):
    """The shared modules followed by the component's own script at `path` (it uses their functions by
    name; its `export default` is the component's mount function)."""
    return shared_script() + "\n" + Path(path).read_text(encoding="utf-8")


def define_component(name, root_class, folder, stem):
    """A components v2 component drawn in the page on <div class="live-root root_class"> (live-root: the
    shared type and theme colours of live_controls.css), from `stem`.js and `stem`.css in `folder` with the
    shared script and styles in front."""
    return st.components.v2.component(
        name,
        html=f'<div class="live-root {root_class}"></div>',
        css=component_style(Path(folder) / f"{stem}.css"),
        js=component_script(Path(folder) / f"{stem}.js"),
    )


def show_component(component, key, data, on_release):
    """Mount `component` with `data`; a release (its "release" trigger) calls `on_release(sent)` as a
    callback, before the page script, with what the browser sent (untrusted: the callee validates)."""

    def released():
        on_release(st.session_state[key].get("release"))

    data = {**data, "text": {**data.get("text", {}), "stale": t("live.stale")}}
    component(key=key, data=with_locked_controls(data), on_release_change=released)


def with_locked_controls(data):
    """`data` with "locked" and "hidden": the URL keys of its controls (data["controlKeys"]) that an open
    exercise locks or hides (ui.controls.control_mode; a hidden control is locked too).
    live_component.js then leaves those controls still, greys the locked ones and hides the hidden ones.
    Unchanged when none is."""
    keys = []
    for kind_keys in data.get("controlKeys", {}).values():
        keys.extend(kind_keys if isinstance(kind_keys, list) else [kind_keys])
    modes = {key: control_mode(key) for key in keys}
    locked = [key for key, mode in modes.items() if mode]
    hidden = [key for key, mode in modes.items() if mode == "hidden"]
    return {**data, "locked": locked, "hidden": hidden} if locked else data


def live_dependent(key):
    """A container for page elements that depend on a live component's controls: from the first move of a
    drag until the page has run again, live_component.js dims its content under the words "updates on
    release" (data["text"]["stale"]), so no old number passes for a current one."""
    return st.container(key=f"live_dep_{key}")
