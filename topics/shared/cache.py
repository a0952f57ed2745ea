"""A small, bounded cache for page numbers that depend on a small part of a large state.

A server runs one script per student and slider change. Some of what a rerun computes does not depend on
the control that moved: the gradient page's loss field depends on the true class, T and the smoothing,
not on the point; the binary page's 101 soft-label frames depend on p, not on y. `cached_by` keeps the
last results by such a key, shared by every session of the process (students of one class often sit on
the same defaults), least recently used out first, so memory stays bounded.

Not st.cache_data: topics import no Streamlit, and st.cache_data copies (pickles) every result on every
hit, which for these results costs about what computing them does. The results are shared instead, so
they must not be changed: NumPy arrays in them are made read-only.
"""

import functools
import threading
from collections import OrderedDict

import numpy as np


def read_only(value):
    """`value` with every NumPy array in it (directly, or in a tuple / list / dataclass field) read-only."""
    if isinstance(value, np.ndarray):
        value.setflags(write=False)
    elif isinstance(value, tuple | list):
        for item in value:
            read_only(item)
    elif hasattr(value, "__dataclass_fields__"):
        for name in value.__dataclass_fields__:
            read_only(getattr(value, name))
    return value


def cached_by(key, maxsize):
    """Decorator: remember the function's last `maxsize` results by `key(*args, **kwargs)` (a hashable
    value), least recently used out first. Safe to call from several script threads at once (two may
    compute the same missing result; both are correct). `function.cache_clear()` empties it and
    `function.cache_info()` says (hits, misses, size)."""

    def decorate(function):
        results = OrderedDict()
        counts = {"hits": 0, "misses": 0}
        lock = threading.Lock()

        @functools.wraps(function)
        def cached(*args, **kwargs):
            wanted = key(*args, **kwargs)
            with lock:
                if wanted in results:
                    results.move_to_end(wanted)
                    counts["hits"] += 1
                    return results[wanted]
                counts["misses"] += 1
            result = read_only(function(*args, **kwargs))
            with lock:
                results[wanted] = result
                results.move_to_end(wanted)
                while len(results) > maxsize:
                    results.popitem(last=False)
            return result

        def cache_clear():
            with lock:
                results.clear()
                counts.update(hits=0, misses=0)

        cached.cache_clear = cache_clear
        cached.cache_info = lambda: (counts["hits"], counts["misses"], len(results))
        return cached

    return decorate
