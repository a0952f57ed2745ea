"""Running the code snippets the pages show, the way a person would paste them into Python: each in a
fresh namespace (so it must import what it uses), in this process (torch and Keras are imported once
for the whole run instead of once per snippet)."""

import contextlib
import io


def run_snippet(source):
    """Execute a snippet in a fresh namespace; (its namespace, what it printed)."""
    namespace = {"__name__": "__snippet__"}
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(source, "<snippet>", "exec"), namespace)  # our own generated code, never user text
    return namespace, output.getvalue()


def printed_by(source):
    """What a snippet prints."""
    return run_snippet(source)[1]
