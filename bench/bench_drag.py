"""Benchmark the playground's drag bars in headless Chromium, against the floor app's slider.

Run from the repository root:  python bench/bench_drag.py [--drags 5] [--moves 60] [--presses 20]

Per scripted drag (one bar, --moves pointer moves about one frame apart, then release), measured in
the page by the component itself (ui/drag_logits/drag_logits.js keeps the numbers in `stats`):
- redraws of the preview before the pointer is released (target: one per move, >= 30 per second);
- move -> redrawn: ms from a pointer move's event time to the end of the redraw of the bars, the
  softmax and the numbers in the next animation frame (target: median < 16 ms);
- release -> page: ms from pointerup to the page's core-computed loss metric showing the new value
  (the same in-page clock as bench/bench_playground.py), compared with the floor app's key press on
  its slider -> loss text (target: <= 1.3x the floor). Key presses on a drag bar, and on the same
  page's sliders (?pg_input=sliders), are timed the same way: the rerun of the page is the same. The
  floor app stays open beside the playground and gets one key press after each drag or press there.
Figures are printed, never asserted. Servers and the browser are stopped even on error.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "browser"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_playground import (  # noqa: E402
    APPS,
    LOSS,
    PATHS,
    PROBS,
    Presser,
    measure_interleaved,
    open_first_page,
    percentile,
)
from live_drag import print_table, timed_drag  # noqa: E402
from st_harness import (  # noqa: E402
    CHROMIUM,
    ConsoleRecorder,
    StreamlitServer,
    launch_chromium,
    sigterm_as_exit,
)

BAR = ".st-key-pg_drag_box .dl-track"
TARGETS = {"move_to_drawn_ms": 16.0, "redraws_per_s": 30.0, "release_vs_floor": 1.3}
DRAG_LOGITS = "el.getRootNode().querySelector('.dl').dragLogits"


def bar_point(page, value: float, index: int = 0) -> tuple[float, float]:
    box = page.locator(BAR).nth(index).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + (10.0 - value) / 20.0 * box["height"]


def one_drag(page, moves: int, start: float, end: float, rate_hz: float) -> dict:
    """Press bar 0 at `start` (a real mouse), move it to `end` in `moves` pointer moves at `rate_hz`,
    release it (the real mouse again); the component's own figures for the moves before release."""
    points = [bar_point(page, start + (end - start) * step / moves) for step in range(moves + 1)]
    drag = timed_drag(page, page.locator(BAR).first, DRAG_LOGITS, points, rate_hz, LOSS, PROBS)
    return drag | {"release_ms": drag["release_loss_ms"], "release_why": drag["why"]}


def run(args) -> dict:
    """The floor app and the playground stay open side by side; every drag, and every key press on a
    bar or a slider, is followed by one key press on the floor app's slider, so the floor is measured
    under the same load as what it is compared with."""
    from playwright.sync_api import sync_playwright

    results = {"drags": [], "floor_key_ms": [], "bar_key_ms": [], "slider_key_ms": [], "problems": []}
    with sync_playwright() as playwright, ExitStack() as stack:
        browser = launch_chromium(playwright)
        stack.callback(browser.close)
        floor_server = stack.enter_context(StreamlitServer(APPS["floor"]))
        app_server = stack.enter_context(StreamlitServer(APPS["app"]))
        floor_page, floor_context, _ = open_first_page(browser, floor_server)
        stack.callback(floor_context.close)
        floor = Presser(floor_page)
        page, context, _ = open_first_page(browser, app_server)
        stack.callback(context.close)
        console = ConsoleRecorder(page)
        for _ in range(args.warmup):  # the floor's first presses after its page loads are not counted
            floor.press()
        for index in range(args.drags):
            start, end = (-5.0, 3.0) if index % 2 == 0 else (3.0, -5.0)
            page.bring_to_front()  # the preview is drawn in animation frames: keep the page in front
            drag = one_drag(page, args.moves, start, end, args.rate)
            results["drags"].append(drag)
            results["floor_key_ms"].append(floor.press()[0])
            print(
                f"  drag {index + 1}: {drag['redraws']} redraws for {drag['moves']} moves "
                f"({drag['redraws_per_s']:.0f}/s), move -> drawn median "
                f"{statistics.median(drag['move_to_drawn_ms']):.1f} ms, release -> loss "
                f"{drag['release_ms']:.0f} ms",
                flush=True,
            )
        timings = measure_interleaved({"bar": Presser(page, BAR), "floor": floor}, args.presses, args.warmup)
        results["bar_key_ms"] = timings["bar"][0]
        results["floor_key_ms"] += timings["floor"][0]
        results["problems"] = [str(p) for p in console.problems]
        # The same page with its sliders: what a rerun of this page costs, drag bars or not.
        slider_page, slider_context, _ = open_first_page(browser, app_server, path=PATHS["app"])
        stack.callback(slider_context.close)
        timings = measure_interleaved(
            {"slider": Presser(slider_page), "floor": floor}, args.presses, args.warmup
        )
        results["slider_key_ms"] = timings["slider"][0]
        results["floor_key_ms"] += timings["floor"][0]
        print(
            f"  floor: {len(results['floor_key_ms'])} key presses, median "
            f"{statistics.median(results['floor_key_ms']):.0f} ms",
            flush=True,
        )
    return results


def report(results: dict) -> None:
    drags = results["drags"]
    moves = sum(d["moves"] for d in drags)
    redraws = sum(d["redraws"] for d in drags)
    move_ms = [ms for d in drags for ms in d["move_to_drawn_ms"]]
    redraw_ms = [ms for d in drags for ms in d["redraw_ms"]]
    rates = [d["redraws_per_s"] for d in drags]
    release = [d["release_ms"] for d in drags if d["release_ms"] is not None]
    floor = statistics.median(results["floor_key_ms"])
    rows = [
        ("preview redraws before release / moves", f"{redraws} / {moves}", "one per move"),
        ("preview redraws per second of drag, median", f"{statistics.median(rates):.0f}", ">= 30"),
        ("move -> softmax redrawn, median", f"{statistics.median(move_ms):.1f} ms", "< 16 ms"),
        ("move -> softmax redrawn, p90", f"{percentile(move_ms, 0.9):.1f} ms", ""),
        ("redraw itself (JS), median", f"{statistics.median(redraw_ms):.2f} ms", ""),
        ("release -> page loss (core), median", f"{statistics.median(release):.0f} ms", ""),
        ("floor app: key -> loss, median", f"{floor:.0f} ms", ""),
        ("release / floor", f"{statistics.median(release) / floor:.2f}x", "<= 1.3x"),
        ("key on a drag bar -> page loss, median", f"{statistics.median(results['bar_key_ms']):.0f} ms", ""),
        ("key on a drag bar / floor", f"{statistics.median(results['bar_key_ms']) / floor:.2f}x", "<= 1.3x"),
        (
            "same page, key on a slider -> loss, median",
            f"{statistics.median(results['slider_key_ms']):.0f} ms",
            "",
        ),
    ]
    print_table(rows, header_rule=False)
    failed = [d for d in drags if d["release_why"] != "ok"]
    if failed:
        print(f"{len(failed)} release(s) saw no loss change within 15 s")
    for problem in results["problems"]:
        print(f"console: {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drags", type=int, default=5, help="scripted drags of one bar")
    parser.add_argument("--moves", type=int, default=60, help="pointer moves per drag")
    parser.add_argument("--rate", type=float, default=60.0, help="pointer moves per second of drag")
    parser.add_argument("--presses", type=int, default=20, help="key presses on the floor slider and a bar")
    parser.add_argument("--warmup", type=int, default=2, help="key presses before measuring")
    args = parser.parse_args(argv)
    if not CHROMIUM.is_file():
        sys.exit(f"{CHROMIUM} not found: apt-get install -y chromium")
    with sigterm_as_exit():
        results = run(args)
    report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
