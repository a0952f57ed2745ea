"""Benchmark every live control (the playground's logit bars, soft-label bars, true class, temperature
and smoothing; the binary page's prediction point and label; the gradient page's point) in headless
Chromium, against bench/baseline_app.py (shared/NOTES.md's five-element app), in one interleaved run.

Run from the repository root:  python bench/bench_live.py [--drags 3] [--moves 60] [--rate 60]

The method is bench/live_drag.py's, as in bench/bench_drag.py. Per scripted drag of one control (press
with the real mouse, --moves pointer moves about one frame apart from a timer, release with the real
mouse), measured in the page by the component itself (its `stats`: ui/drag_logits, ui/live_binary,
ui/live_landscape):
- redraws per second of drag (target >= 30) and redraws before release / moves;
- move -> redrawn: ms from a pointer move's event time to the end of the redraw in the next animation
  frame (target: median < 16 ms);
- release -> page: ms from pointerup to the page's core-computed loss text changing and to its chart's
  data changing (bench/bench_playground.py's in-page clock), against the baseline app's key press on its
  slider -> its loss text and -> its chart (targets: <= 1.3x each). After every drag the baseline app gets
  one key press, so both are measured under the same load.
Figures are printed, never asserted. Servers and the browser are stopped even on error.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "browser"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_playground import APPS, Presser, open_first_page, percentile  # noqa: E402
from live_drag import print_table, timed_drag  # noqa: E402
from st_harness import (  # noqa: E402
    CHROMIUM,
    ConsoleRecorder,
    StreamlitServer,
    launch_chromium,
    sigterm_as_exit,
    wait_idle,
)


@dataclass(frozen=True)
class Control:
    """One live control: where it is, which component instance measures it, how a drag moves over it
    (fractions of its box, start -> end) and what the page redraws from core on release."""

    name: str
    path: str
    handle: str  # the element pressed (a locator; .first is used unless `index`)
    instance: str  # JS expression of the component instance, from the pressed element `el`
    start: tuple  # (x, y) fractions of the handle's box (or of `across`'s span)
    end: tuple
    loss: str  # the page's core-computed loss text
    chart: str  # a Plotly chart the release redraws
    index: int = 0
    across: str | None = None  # drag across these elements (the true class row), not inside the handle


DL = "el.getRootNode().querySelector('.dl').dragLogits"
PG_LOSS = ".st-key-pg_loss [data-testid=stMetricValue]"
PG_PROBS = ".st-key-pg_probs .js-plotly-plot"
# The binary and gradient pages' losses are their live component's readout (it shows the browser's numbers
# from the first move until the page has run), so a release is timed to the page's core-computed formula
# filled with the loss, and to a Plotly chart the release redraws.
BIN_TEXT = ".st-key-live_dep_bin_formula .katex-html"
CONTROLS = [
    Control(
        "playground: logit bar",
        "/",
        ".st-key-pg_drag_box .dl-track",
        DL,
        (0.5, 0.25),
        (0.5, 0.65),
        PG_LOSS,
        PG_PROBS,
    ),
    Control(
        "playground: soft-label bar",
        "/?pg_target=soft",
        ".st-key-pg_drag_box .dl-target-track",
        DL,
        (0.5, 0.5),
        (0.5, 0.1),
        PG_LOSS,
        PG_PROBS,
    ),
    Control(
        "playground: true class",
        "/",
        ".st-key-pg_drag_box .dl-target-track",
        DL,
        (0.1, 0.5),
        (0.9, 0.5),
        PG_LOSS,
        PG_PROBS,
        across=".st-key-pg_drag_box .dl-target-track",
    ),
    Control(
        "playground: temperature",
        "/",
        ".st-key-pg_drag_box .dl-knob-track",
        DL,
        (0.5, 0.5),
        (0.8, 0.5),
        PG_LOSS,
        PG_PROBS,
    ),
    Control(
        "playground: smoothing",
        "/?pg_target=smoothed",
        ".st-key-pg_drag_box .dl-knob-track",
        DL,
        (0.1, 0.5),
        (0.5, 0.5),
        PG_LOSS,
        PG_PROBS,
        index=1,
    ),
    Control(
        "binary: prediction point",
        "/binary",
        ".st-key-bin_live .lb-chart",
        "el.getRootNode().querySelector('.lb').liveBinary",
        (0.55, 0.5),
        (0.8, 0.5),
        BIN_TEXT,
        ".st-key-bin_curves .js-plotly-plot",  # the first chart after the live one; it shows the point
    ),
    Control(
        "binary: label y",
        "/binary",
        ".st-key-bin_live .lb-knob-track",
        "el.getRootNode().querySelector('.lb').liveBinary",
        (0.9, 0.5),
        (0.3, 0.5),
        BIN_TEXT,
        ".st-key-bin_curves .js-plotly-plot",
    ),
    Control(
        "gradient: point on the map",
        "/gradient",
        ".st-key-gr_live .ll-overlay",
        "el.getRootNode().querySelector('.ll').liveLandscape",
        (0.4, 0.6),
        (0.7, 0.3),
        ".st-key-gr_chain .katex-html",
        ".st-key-gr_sweep_chart .js-plotly-plot",
    ),
]


def points_of(page, control: Control, moves: int, reverse: bool) -> list[tuple[float, float]]:
    """The press point and `moves` points after it, start -> end (or back), in viewport pixels."""
    handle = page.locator(control.handle).nth(control.index)
    # Centred, not just into view: at the top edge the press can land on Streamlit's fixed header.
    handle.evaluate("(el) => el.scrollIntoView({block: 'center'})")
    box = handle.bounding_box()
    if control.across:
        row = page.locator(control.across)
        first, last = row.first.bounding_box(), row.last.bounding_box()
        box = {
            "x": first["x"],
            "y": first["y"],
            "width": last["x"] + last["width"] - first["x"],
            "height": first["height"],
        }
    start, end = (control.end, control.start) if reverse else (control.start, control.end)
    return [
        (
            box["x"] + (start[0] + (end[0] - start[0]) * step / moves) * box["width"],
            box["y"] + (start[1] + (end[1] - start[1]) * step / moves) * box["height"],
        )
        for step in range(moves + 1)
    ]


def one_drag(page, control: Control, moves: int, rate_hz: float, reverse: bool) -> dict:
    # Across a row (the true class) the pressed column gets the moves: the first one, or the last going back.
    index = -1 if control.across and reverse else control.index
    handle = page.locator(control.handle).nth(index)
    points = points_of(page, control, moves, reverse)
    return timed_drag(page, handle, control.instance, points, rate_hz, control.loss, control.chart)


def run(args) -> dict:
    from playwright.sync_api import sync_playwright

    controls = [control for control in CONTROLS if args.only in control.name]
    results = {control.name: [] for control in controls}
    baseline = {"loss": [], "chart": []}
    problems = []
    with sync_playwright() as playwright, ExitStack() as stack:
        browser = launch_chromium(playwright)
        stack.callback(browser.close)
        baseline_server = stack.enter_context(StreamlitServer(APPS["baseline"]))
        app_server = stack.enter_context(StreamlitServer(APPS["app"]))
        baseline_page, baseline_context, _ = open_first_page(browser, baseline_server)
        stack.callback(baseline_context.close)
        presser = Presser(baseline_page)
        for _ in range(args.warmup):
            presser.press()
        pages = {}
        for control in controls:
            if control.path not in pages:
                context = browser.new_context(
                    base_url=app_server.url, viewport={"width": 1280, "height": 900}
                )
                stack.callback(context.close)
                page = context.new_page()
                page.goto(control.path)
                wait_idle(page, timeout_ms=90_000)
                pages[control.path] = (page, ConsoleRecorder(page))
        for index in range(args.drags):
            for control in controls:
                page = pages[control.path][0]
                page.bring_to_front()  # the redraws are animation frames: keep the page in front
                drag = one_drag(page, control, args.moves, args.rate, reverse=index % 2 == 1)
                results[control.name].append(drag)
                loss, chart = presser.press()
                baseline["loss"].append(loss)
                baseline["chart"].append(chart)
                print(
                    f"  {control.name} drag {index + 1}: {drag['redraws']} redraws / {drag['moves']} moves "
                    f"({drag['redraws_per_s']:.0f}/s), move -> drawn median "
                    f"{statistics.median(drag['move_to_drawn_ms'] or [float('nan')]):.1f} ms, release -> "
                    f"loss {drag['release_loss_ms']} ms, chart {drag['release_chart_ms']} ms "
                    f"({drag['why']}); "
                    f"baseline {loss:.0f} / {chart:.0f} ms",
                    flush=True,
                )
        problems = [str(p) for _, recorder in pages.values() for p in recorder.problems]
    return {"controls": results, "baseline": baseline, "problems": problems}


def report(results: dict) -> None:
    base_loss = statistics.median(results["baseline"]["loss"])
    base_chart = statistics.median(results["baseline"]["chart"])
    header = (
        "control",
        "redraws / moves",
        "redraws/s",
        "move -> redraw median (p90)",
        "release -> loss",
        "x baseline",
        "release -> chart",
        "x baseline",
    )
    rows = [header]
    for name, drags in results["controls"].items():
        moves = sum(d["moves"] for d in drags)
        redraws = sum(d["redraws"] for d in drags)
        move_ms = [ms for d in drags for ms in d["move_to_drawn_ms"]]
        rate = statistics.median(d["redraws_per_s"] for d in drags)
        loss = [d["release_loss_ms"] for d in drags if d["release_loss_ms"] is not None]
        chart = [d["release_chart_ms"] for d in drags if d["release_chart_ms"] is not None]
        loss_ms = statistics.median(loss) if loss else float("nan")
        chart_ms = statistics.median(chart) if chart else float("nan")
        rows.append(
            (
                name,
                f"{redraws} / {moves}",
                f"{rate:.0f}",
                f"{statistics.median(move_ms):.1f} ms ({percentile(move_ms, 0.9):.1f})" if move_ms else "-",
                f"{loss_ms:.0f} ms",
                f"{loss_ms / base_loss:.2f}x",
                f"{chart_ms:.0f} ms",
                f"{chart_ms / base_chart:.2f}x",
            )
        )
    rows.append(
        (
            "baseline app: key -> loss / chart",
            "",
            "",
            "",
            f"{base_loss:.0f} ms",
            "1.00x",
            f"{base_chart:.0f} ms",
            "1.00x",
        )
    )
    print_table(rows)
    failed = [
        (name, d["why"]) for name, drags in results["controls"].items() for d in drags if d["why"] != "ok"
    ]
    for name, why in failed:
        print(f"{name}: a release saw no loss or chart change within 15 s ({why})")
    for problem in results["problems"]:
        print(f"console: {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drags", type=int, default=3, help="scripted drags of each control")
    parser.add_argument("--moves", type=int, default=60, help="pointer moves per drag")
    parser.add_argument("--rate", type=float, default=60.0, help="pointer moves per second of drag")
    parser.add_argument("--warmup", type=int, default=2, help="key presses on the baseline before measuring")
    parser.add_argument("--only", default="", help="measure only the controls whose name contains this")
    args = parser.parse_args(argv)
    if not CHROMIUM.is_file():
        sys.exit(f"{CHROMIUM} not found: apt-get install -y chromium")
    with sigterm_as_exit():
        results = run(args)
    report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
