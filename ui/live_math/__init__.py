"""The JavaScript the live components share: ce_math.js (softmax, cross-entropy, BCE and their
gradients, mirroring core) and live_format.js (fmt, snap).

A components v2 script is one ES module given as a string, so each component's script is these shared
files followed by its own (`component_script`): one copy of the math in the repository, checked against
core by tests/shared/test_live_math.py.
"""

from pathlib import Path

FOLDER = Path(__file__).parent
SHARED_FILES = ("ce_math.js", "live_format.js")


def shared_script():
    """The shared modules' source, one after the other."""
    return "\n".join((FOLDER / name).read_text(encoding="utf-8") for name in SHARED_FILES)


def component_script(path):
    """The shared modules followed by the component's own script at `path` (it uses their functions by
    name; its `export default` is the component's mount function)."""
    return shared_script() + "\n" + Path(path).read_text(encoding="utf-8")
