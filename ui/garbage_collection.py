"""Keep the server's cyclic garbage collector off what stays alive for good.

Python's cyclic collector, on a full collection, walks every tracked object of its oldest generation
with the GIL held, and every script run of every student waits for it. In a server process that holds
Streamlit, Plotly, pandas, NumPy and a class's sessions, one full collection took about 93 ms, 13 times
in one minute of 30 students (bench/bench_load.py, timed with gc.callbacks): pauses of the size of a
whole slider change, in the p90 of every change they hit.

Most of what it walks never becomes garbage: the modules the pages import, their constants, tables and
compiled code. gc.freeze() moves every object alive at that moment into a permanent generation that the
collector skips (reference counting still frees them). After each page's first run in the process (its
imports are done then) and one collection (so that no garbage is frozen), the objects alive are frozen;
a full collection then walks only what the sessions made since. Measured the same way: 26 full
collections of about 20 ms (0.53 s) in that minute, against 13 of about 93 ms (1.21 s) before.

Only in a Streamlit server: AppTest runs the pages inside the test process (with a stand-in runtime),
whose objects are not the app's to freeze.
"""

import gc
import threading

from streamlit.runtime import Runtime

_frozen_after = set()  # the pages whose first run in this process has been followed by a freeze
_lock = threading.Lock()


def in_streamlit_server():
    """Whether this script runs in a Streamlit server (`streamlit run`), not in AppTest, whose runtime is
    a mock. (The script's sys.argv cannot tell: Streamlit sets it to the script's own.)"""
    return Runtime.exists() and type(Runtime.instance()) is Runtime


def freeze_after_first_run(page_name, enabled=None):
    """After the first run of page `page_name` in this process: collect, then gc.freeze() what is alive.
    Later runs of the page do nothing. `enabled` defaults to in_streamlit_server()."""
    if not (in_streamlit_server() if enabled is None else enabled):
        return False
    with _lock:
        if page_name in _frozen_after:
            return False
        _frozen_after.add(page_name)
    gc.collect()
    gc.freeze()
    return True
