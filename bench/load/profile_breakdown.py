"""Where a script run's server CPU goes: py-spy's collapsed stacks of the script threads sorted into a
few kinds of work.

    python bench/load/profile_breakdown.py /tmp/profiles/*.txt

A stack (one line of `py-spy record --format raw`: frames joined by ";", then a sample count) goes to the
first kind whose test matches any of its frames, in the order of KINDS: Plotly's JSON encoding before
the building of figure objects, because encoding walks the figure objects too.

Only the script threads (ScriptRunner) are sorted: their shares are what a sampler can tell. The event
loop's share is measured as CPU time instead (bench/load/cpu_per_page.py reads the main thread's), because
on a busy machine a sampler that records the thread holding the GIL over-counts the event loop, whose
thread keeps the GIL while the kernel has it waiting for a core.
"""

import sys
from collections import Counter
from pathlib import Path

KINDS = (
    ("Plotly JSON encoding (to_json, orjson/json)", ("plotly/io/_json.py", "_plotly_utils/utils.py")),
    ("building Plotly figure objects (validation, go.Figure)",
     ("plotly/basedatatypes.py", "plotly/graph_objs/", "_plotly_utils/basevalidators.py",
      "plotly/validator")),
    ("the page's figures: numbers and dicts (topics/*/figures.py)", ("figures.py",)),
    ("tables: pandas, Arrow, st.dataframe / st.data_editor",
     ("pandas/", "pyarrow/", "streamlit/dataframe_util.py", "elements/arrow.py", "data_editor.py",
      "elements/lib/column_config")),
    ("Streamlit queueing each element: hash, ForwardMsg, hand-over to the event loop",
     ("SerializeToString", "forward_msg", "websocket", "websockets/", "uvicorn/", "starlette/", "tornado/",
      "asyncio/", "app_session.py", "runtime/runtime.py", "protobuf")),
    ("the page's own code: numbers, words, formulas (topics, core, ui)",
     ("/topics/", "/core/", "/ui/", "topics/", "core/", "ui/")),
    ("Streamlit elements, widgets, session state, script runner", ("streamlit/",)),
)  # fmt: skip
OTHER = "other (interpreter, threads, gc, imports)"
SCRIPT_THREAD = "ScriptRunner._run_script_thread"


def kind_of(stack):
    frames = stack.split(";")
    for name, markers in KINDS:
        if any(marker in frame for frame in frames for marker in markers):
            return name
    return OTHER


def breakdown(path):
    """Counter {kind: samples} of one py-spy raw file."""
    counts = Counter()
    for line in Path(path).read_text().splitlines():
        stack, _, samples = line.rpartition(" ")
        if stack and samples.isdigit() and SCRIPT_THREAD in stack:
            counts[kind_of(stack)] += int(samples)
    return counts


def print_breakdown(paths):
    for path in paths:
        counts = breakdown(path)
        total = sum(counts.values()) or 1
        print(f"\n{Path(path).stem}: {total} samples of the script threads")
        for name, _ in (*KINDS, (OTHER, ())):
            if counts[name]:
                print(f"  {100 * counts[name] / total:5.1f}%  {name}")


if __name__ == "__main__":
    print_breakdown(sys.argv[1:])
