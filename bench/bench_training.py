"""Benchmark the training page: the time to compute a run, the page's reruns, and playback in Chromium.

Run from the repository root:  python bench/bench_training.py  [--repeats 5] [--no-browser | --browser-only]

Prints, as medians:
- compute: numbers.experiment (data, the chosen objective's run, curves, playback frames: what a settings
  change computes) and with every objective trained side by side (what opening the comparison adds), for
  the default settings and for the largest run the page allows (500 samples, hidden layer, small batches:
  cut to state.MAX_STEPS steps per objective), caches cleared each time; measured interleaved, and beside
  them a plain NumPy matmul loop of fixed size as a yardstick of how loaded the machine is right now;
- server: a real server's CPU (server_bench) for a page open, with a new state (the run computed) and
  with the default one (cached), and per settings change, against the binary page's, interleaved, with
  the ratio (the issue's target: within 1.3x of the other pages');
- playback (unless --no-browser): `streamlit run app.py` in headless Chromium, /training opened, the
  player's Play pressed (ui.training_player), and the frames it drew in PLAY_SECONDS counted: frames per
  second in the browser while the server does nothing, and the time one frame takes to draw (what the
  frame rate could be on an idle machine); beside them the rate of the browser's own animation callbacks
  with nothing drawn (the ceiling of any requestAnimationFrame player); plus the bytes of Plotly figure
  JSON the page sends. --cpu-slowdown N throttles Chromium's CPU N times (DevTools' CPU throttling: a
  slow phone, or a loaded machine), where a player that counts callbacks instead of following the clock
  falls behind (python bench/bench_training.py --browser-only --cpu-slowdown 4).
Nothing is asserted: the machine is shared, the numbers are for reading.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT / "bench" / "load"))
os.environ.setdefault("KERAS_BACKEND", "torch")

import numpy as np  # noqa: E402

from topics.training import numbers  # noqa: E402
from topics.training.state import MAX_STEPS, TrainingState  # noqa: E402

DEFAULT = TrainingState()
LARGEST = replace(DEFAULT, dataset="spiral", num_classes=5, size=500, hidden=True, batch_size=9, epochs=200)
PLAYER = ".st-key-trn_player .tp"

PLAY_SECONDS = 4
ANIMATION_RATE_JS = """(ms) => new Promise((done) => {
  let count = 0; const start = performance.now();
  const tick = (now) => { count += 1; if (now - start < ms) requestAnimationFrame(tick);
                          else done(1000 * count / (now - start)); };
  requestAnimationFrame(tick);
})"""


def compute_ms(training_state, every_objective):
    """Milliseconds to compute the page's numbers from cold caches: the chosen objective's run, curves and
    playback (what a settings change computes), or with `every_objective` all seven side by side (what
    opening the comparison adds)."""
    numbers.clear_caches()
    start = time.perf_counter()
    result = numbers.experiment(training_state)
    if every_objective:
        assert len(result.runs) == 7
    return (time.perf_counter() - start) * 1e3


def yardstick_ms():
    """A fixed amount of NumPy work (2,000 small matmuls): divides out how loaded the machine is."""
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((64, 16)), rng.standard_normal((16, 8))
    start = time.perf_counter()
    for _ in range(2000):
        a @ b
    return (time.perf_counter() - start) * 1e3


def compute_bench(repeats):
    cases = {"default": DEFAULT, "largest": LARGEST}
    times = {(name, every): [] for name in cases for every in (False, True)} | {"yardstick": []}
    for _ in range(repeats):
        for name, training_state in cases.items():
            for every in (False, True):
                times[name, every].append(compute_ms(training_state, every))
        times["yardstick"].append(yardstick_ms())
    for name, training_state in cases.items():
        steps = numbers.experiment(training_state).steps
        one, seven = (statistics.median(times[name, every]) for every in (False, True))
        print(
            f"compute {name:8s} chosen objective {one:6.0f} ms ({steps} steps, {1e3 * one / steps:.0f} us a"
            f" step with curves and frames); all seven side by side {seven:6.0f} ms ({7 * steps} steps)"
        )
    print(f"yardstick          {statistics.median(times['yardstick']):8.1f} ms  (MAX_STEPS={MAX_STEPS})")


def open_cpu_ms(server, process, page, query):
    """Server CPU milliseconds of one page open (a new session's first run) restoring `query`."""
    from cpu_per_page import server_cpu_seconds
    from st_client import StreamlitSession

    session = StreamlitSession(server.url, page)
    try:
        session.load_page()
        session.connect()
        before = server_cpu_seconds(process)
        session.rerun(query_string=query)
        return 1000 * (server_cpu_seconds(process) - before)
    finally:
        session.close()


def server_bench(repeats):
    """A real server (as the Docker image runs it; bench/load): CPU per page open with a state nobody
    opened before (a new trn_seed, so the training page computes its run; a new bin_z) and with the default
    state (cached), and CPU per settings change (bench/load/cpu_per_page: one student moving the page's
    sliders as the class mix does), training against binary, interleaved. AppTest is not used: each
    AppTest run scans the installed packages for components (about 190 ms), which a server does once."""
    import psutil
    from cpu_per_page import PageCost, measure_page
    from servers import AppServer, start_all

    server = AppServer()
    start_all([server])
    try:
        process = psutil.Process(server.proc.pid)
        fresh = {
            "training": lambda i: f"trn_seed={100 + i}",
            "binary": lambda i: f"bin_z={-1.5 + 0.01 * i:.2f}",  # z: the form the page opens in (p follows)
        }
        opens = {(page, kind): [] for page in fresh for kind in ("new state", "default")}
        costs = {page: PageCost(page) for page in fresh}
        for index in range(max(3, repeats)):
            for page, query in fresh.items():  # interleaved: a change in the machine's load hits both
                opens[page, "new state"].append(open_cpu_ms(server, process, page, query(index)))
                opens[page, "default"].append(open_cpu_ms(server, process, page, ""))
                measure_page(server.url, process.pid, page, 10, random.Random(f"{index}-{page}"), costs[page])
    finally:
        server.stop()
    medians = {key: statistics.median(values) for key, values in opens.items()}
    for page in fresh:
        new_state, default = medians[page, "new state"], medians[page, "default"]
        print(
            f"server {page:9s} open (new state) {new_state:5.0f} ms CPU  open (default) {default:5.0f} ms CPU"
            f"   settings change {costs[page].cpu_ms_median:5.0f} ms CPU"
        )
    ratios = [medians["training", kind] / medians["binary", kind] for kind in ("new state", "default")]
    change_ratio = costs["training"].cpu_ms_median / costs["binary"].cpu_ms_median
    print(
        f"ratio training / binary: open {ratios[0]:.2f}x (new state), {ratios[1]:.2f}x (default);"
        f" settings change {change_ratio:.2f}x (target <= 1.3x)"
    )


def browser_bench(cpu_slowdown=1):
    from playwright.sync_api import sync_playwright
    from st_harness import StreamlitServer, launch_chromium, wait_charts, wait_idle

    with StreamlitServer("app.py") as server, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            if cpu_slowdown > 1:  # a slower phone, or a loaded machine: Chromium's own CPU throttling
                session = page.context.new_cdp_session(page)
                session.send("Emulation.setCPUThrottlingRate", {"rate": cpu_slowdown})
                print(f"Chromium's CPU throttled {cpu_slowdown}x (DevTools' CPU slowdown)")
            page.goto(server.url + "/training")
            wait_idle(page, timeout_ms=180_000)
            wait_charts(page, timeout_ms=120_000)
            page.wait_for_selector(f"{PLAYER}[data-frame]", timeout=120_000)
            sizes = page.evaluate(
                "() => Array.from(document.querySelectorAll('.js-plotly-plot')).map("
                "gd => JSON.stringify({data: gd.data, layout: gd.layout},"
                " (k, v) => ArrayBuffer.isView(v) ? Array.from(v) : v).length)"
            )
            callbacks = page.evaluate(ANIMATION_RATE_JS, PLAY_SECONDS * 1000)
            print(
                f"the browser's own animation callbacks (nothing drawn): {callbacks:.1f} per second"
                " (the ceiling of any requestAnimationFrame player here)"
            )
            page.click(".tp-play")
            page.wait_for_timeout(PLAY_SECONDS * 1000)
            stats = page.evaluate("() => window.__trainingPlayerStats")
            times, draw = np.array(stats["drawnAt"][1:]), np.array(stats["drawMs"][1:])
            if times.size < 2:
                print("playback: no frames counted")
                return
            gaps = np.diff(times)
            print(
                f"playback {times.size} frames in {PLAY_SECONDS} s:"
                f" {1000 / np.median(gaps):.1f} frames per second"
                f" (median gap {np.median(gaps):.1f} ms, p90 {np.percentile(gaps, 90):.1f} ms); target >= 30"
            )
            print(
                f"drawing one frame: median {np.median(draw):.2f} ms, p90 {np.percentile(draw, 90):.2f} ms"
                f" (room for {1000 / np.median(draw):.0f} frames per second)"
            )
            print(f"Plotly figure data in the page (decoded, JSON): {sum(sizes) / 1024:.0f} KiB")
            print(f"frames a second, by second of playback: {frames_by_second(times)}")
        finally:
            browser.close()


def frames_by_second(times):
    """How many frames were drawn in each whole second after the first frame."""
    seconds = ((times - times[0]) // 1000).astype(int)
    return np.bincount(seconds)[:-1].tolist() if seconds.size else []


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-browser", action="store_true")
    parser.add_argument("--browser-only", action="store_true", help="only the playback in Chromium")
    parser.add_argument("--cpu-slowdown", type=float, default=1, help="throttle Chromium's CPU (e.g. 4)")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if not args.browser_only:
        compute_bench(args.repeats)
        server_bench(max(1, args.repeats // 2))
    if not args.no_browser:
        browser_bench(args.cpu_slowdown)
    print(json.dumps({"load": os.getloadavg()[0]}))


if __name__ == "__main__":
    main()
