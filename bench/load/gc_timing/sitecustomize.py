"""Time the cyclic garbage collector of a process that bench_load starts (an app replica).

bench/bench_load.py puts this folder first on the replicas' PYTHONPATH, so Python imports this module at
start-up, and sets CEE_GC_TIMING_FILE. Each collection is timed through gc.callbacks and the totals are
written to that file (with the process id appended) once a second, as JSON: per generation the number
of collections and their seconds. A full collection walks the oldest generation with the GIL held, so
its pauses reach every student's latency (ui/garbage_collection.py).
"""

import gc
import json
import os
import threading
import time

TIMING_FILE = os.environ.get("CEE_GC_TIMING_FILE")


def _install(path):
    totals = {"collections": [0, 0, 0], "seconds": [0.0, 0.0, 0.0]}
    started = [0.0]

    def on_collection(phase, info):
        if phase == "start":
            started[0] = time.perf_counter()
            return
        generation = info["generation"]
        totals["collections"][generation] += 1
        totals["seconds"][generation] += time.perf_counter() - started[0]

    def write_every_second():
        while True:
            time.sleep(1)
            with open(path + ".tmp", "w") as file:
                json.dump(totals, file)
            os.replace(path + ".tmp", path)

    gc.callbacks.append(on_collection)
    threading.Thread(target=write_every_second, name="gc-timing", daemon=True).start()


if TIMING_FILE:
    _install(f"{TIMING_FILE}.{os.getpid()}")
