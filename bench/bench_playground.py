"""Benchmark the playground page against the floor app (bench/floor_app.py) in headless Chromium.

Run from the repository root:  python bench/bench_playground.py [--presses 25] [--runs 3] [--json PATH]

Three apps are started the same way (tests/browser/st_harness.py: `streamlit run`, its own port, the
repository's .streamlit/config.toml) and, in one run, measured for the list below: the floor, the
playground and, as a calibration point, bench/baseline_app.py (shared/NOTES.md's five-element app):
- latency: ArrowRight on the pg_z0 slider -> (a) the pg_loss metric text changed, (b) the pg_probs
  chart's data changed (the chart redrawn). Timed in the page with performance.now() from the keydown
  event, a MutationObserver and a requestAnimationFrame poll; median and p90 over --presses presses
  (after --warmup presses that are not counted), each press after the page is idle again. The three
  apps stay open and are pressed in turn (one press on each, then the next round), so a change in the
  machine's load during the run hits all three alike;
- cold start: process start -> first page rendered in Chromium (idle, loss metric shown, probability
  chart drawn), median of --runs fresh servers each, interleaved;
- memory: server RSS (the process and its children) after visiting the page and the presses.
Targets: latency <= 1.3x floor, cold start <= 1.15x floor, memory <= 1.5x floor. With --strict the
exit status is 1 when a target is missed. Every server and the browser are stopped, even on error.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "browser"))

from st_harness import (  # noqa: E402
    CHROMIUM,
    IDLE_SELECTOR,
    SKELETON_SELECTOR,
    ConsoleRecorder,
    StreamlitServer,
    launch_chromium,
    sigterm_as_exit,
    wait_idle,
)

# The baseline (shared/NOTES.md's minimal app, five elements) is measured as a calibration point only.
APPS = {"floor": "bench/floor_app.py", "baseline": "bench/baseline_app.py", "app": "app.py"}
# The playground draws its logits as drag bars by default; this benchmark times its sliders.
PATHS = {"floor": "/", "baseline": "/", "app": "/?pg_input=sliders"}
LOSS = ".st-key-pg_loss [data-testid=stMetricValue]"
PROBS = ".st-key-pg_probs .js-plotly-plot"
THUMB = ".st-key-pg_z0 input[type=range], .st-key-pg_z0 [role=slider]"
TARGETS = {"latency": 1.3, "cold": 1.15, "memory": 1.5}

# First page rendered: idle, no skeleton, the loss metric shown and the probability chart drawn.
_RENDERED_JS = """
([idle, skeleton, loss, probs]) => !!document.querySelector(idle) && !document.querySelector(skeleton)
  && !!document.querySelector(loss) && !!document.querySelector(probs + ' .main-svg')
"""

# Arms one measurement: the next keydown (or `startEvent`, e.g. pointerup) starts the clock; the promise
# in window.__benchResult resolves with the ms from it to the loss text change and to the chart data change.
_ARM_JS = """
([lossSel, probsSel, timeoutMs, startEvent]) => {
  const text = () => { const el = document.querySelector(lossSel); return el ? el.innerText : null; };
  const chart = () => {
    const gd = document.querySelector(probsSel);
    return gd ? [gd, gd.data] : [null, null];
  };
  const dump = (data) => JSON.stringify(data, (k, v) => (ArrayBuffer.isView(v) ? Array.from(v) : v));
  const loss0 = text();
  const [gd0, data0] = chart();
  const dump0 = dump(data0);
  window.__benchResult = new Promise((resolve) => {
    let t0 = null, tLoss = null, tChart = null, done = false, obs = null;
    const finish = (why) => {
      if (done) return;
      done = true;
      if (obs) obs.disconnect();
      resolve({ loss: tLoss === null ? null : tLoss - t0, chart: tChart === null ? null : tChart - t0, why });
    };
    const check = () => {
      if (t0 === null || done) return;
      const now = performance.now();
      if (tLoss === null && text() !== loss0) tLoss = now;
      if (tChart === null) {
        const [gd, data] = chart();
        // Cheap identity test first; serialise only when the chart or its data object was replaced.
        if (gd && data && (gd !== gd0 || data !== data0) && dump(data) !== dump0) tChart = now;
      }
      if (tLoss !== null && tChart !== null) finish('ok');
    };
    window.addEventListener(startEvent || 'keydown', () => { t0 = performance.now(); },
      { capture: true, once: true });
    obs = new MutationObserver(check);
    obs.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    const poll = () => { if (!done) { check(); requestAnimationFrame(poll); } };
    requestAnimationFrame(poll);
    setTimeout(() => finish('timeout'), timeoutMs);
  });
}
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = (len(ordered) - 1) * q
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def open_first_page(browser, server: StreamlitServer, timeout_ms: float = 60_000, path: str = "/"):
    """New context on `path`; return (page, context, seconds from process start to first render)."""
    context = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(path, wait_until="commit")
    page.wait_for_function(
        _RENDERED_JS, arg=[IDLE_SELECTOR, SKELETON_SELECTOR, LOSS, PROBS], polling=20, timeout=timeout_ms
    )
    return page, context, time.perf_counter() - server.started_at


class Presser:
    """One app's page, its slider thumb focused; `press()` times one ArrowRight."""

    def __init__(self, page, thumb_selector: str = THUMB):
        wait_idle(page)
        self.page = page
        self.thumb = page.locator(thumb_selector).first
        self.thumb.focus()
        self.count = 0

    def press(self) -> tuple[float, float]:
        """ms from ArrowRight's keydown to the loss text change and to the chart data change."""
        page = self.page
        page.bring_to_front()  # a background tab may skip animation frames
        page.evaluate(_ARM_JS, [LOSS, PROBS, 15_000])
        page.keyboard.press("ArrowRight")
        result = page.evaluate("window.__benchResult")
        self.count += 1
        if result["why"] != "ok":
            raise RuntimeError(f"press {self.count}: no change seen within 15 s ({result})")
        wait_idle(page)
        if not page.evaluate("(el) => el === document.activeElement", self.thumb.element_handle()):
            self.thumb.focus()
        return result["loss"], result["chart"]


def measure_interleaved(pressers: dict, presses: int, warmup: int) -> dict:
    """{name: (loss ms, chart ms)}, pressing the apps in turn (press 1 on each, then press 2 on each, ...):
    a change in the machine's load during the run then hits every app alike instead of one of them."""
    timings = {name: ([], []) for name in pressers}
    for index in range(warmup + presses):
        for name, presser in pressers.items():
            loss, chart = presser.press()
            if index >= warmup:
                timings[name][0].append(loss)
                timings[name][1].append(chart)
    return timings


def run(args) -> dict:
    from playwright.sync_api import sync_playwright

    results = {
        name: {"cold_s": [], "health_s": [], "rss_mb": None, "loss_ms": [], "chart_ms": []} for name in APPS
    }
    problems = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            for round_index in range(args.runs):
                last = round_index == args.runs - 1
                with ExitStack() as stack:  # the last round keeps every app open for the presses
                    pages = {}
                    for name, script in APPS.items():
                        server = stack.enter_context(StreamlitServer(script))
                        page, context, cold = open_first_page(browser, server, path=PATHS[name])
                        stack.callback(context.close)
                        health = server.ready_at - server.started_at
                        results[name]["cold_s"].append(cold)
                        results[name]["health_s"].append(health)
                        print(
                            f"  {name}: cold start {cold:.2f} s (health ok after {health:.2f} s) "
                            f"(run {round_index + 1})",
                            flush=True,
                        )
                        console = ConsoleRecorder(page)
                        if last:
                            pages[name] = (page, server, console)
                        else:
                            stack.close()  # one app at a time while cold starts are measured
                            problems += [f"{name}: {p}" for p in console.problems]
                    if last:
                        pressers = {name: Presser(page) for name, (page, _, _) in pages.items()}
                        timings = measure_interleaved(pressers, args.presses, args.warmup)
                        for name, (_, server, console) in pages.items():
                            loss_ms, chart_ms = timings[name]
                            results[name]["loss_ms"], results[name]["chart_ms"] = loss_ms, chart_ms
                            results[name]["rss_mb"] = server.rss_bytes() / 2**20
                            problems += [f"{name}: {p}" for p in console.problems]
                            print(
                                f"  {name}: {len(loss_ms)} presses, median loss "
                                f"{statistics.median(loss_ms):.0f} ms, chart "
                                f"{statistics.median(chart_ms):.0f} ms; "
                                f"RSS {results[name]['rss_mb']:.0f} MB",
                                flush=True,
                            )
        finally:
            browser.close()
    results["problems"] = problems
    return results


def report(results: dict) -> bool:
    floor, baseline, app = results["floor"], results["baseline"], results["app"]
    rows = []

    def row(what: str, unit: str, values: tuple[float, float, float], target: float | None) -> bool:
        """values: floor, baseline, app. The target applies to app / floor."""
        f, b, a = values
        ratio = a / f if f else float("inf")
        ok = target is None or ratio <= target
        digits = 2 if unit == "s" else 0
        verdict = "" if target is None else "ok" if ok else "MISSED"
        rows.append(
            (
                what,
                f"{f:.{digits}f} {unit}",
                f"{b:.{digits}f} {unit} ({b / f:.2f}x)" if f else f"{b:.{digits}f} {unit}",
                f"{a:.{digits}f} {unit}",
                f"{ratio:.2f}x",
                "" if target is None else f"<= {target}x",
                verdict,
            )
        )
        return ok

    def each(measure) -> tuple[float, float, float]:
        return measure(floor), measure(baseline), measure(app)

    ok = True
    for key, label in (("loss_ms", "key -> loss text"), ("chart_ms", "key -> chart redrawn")):
        median = each(lambda r, k=key: statistics.median(r[k]))
        ok &= row(f"{label}, median", "ms", median, TARGETS["latency"])
        row(f"{label}, p90", "ms", each(lambda r, k=key: percentile(r[k], 0.9)), None)
    cold = each(lambda r: statistics.median(r["cold_s"]))
    ok &= row(f"cold start, median of {len(app['cold_s'])}", "s", cold, TARGETS["cold"])
    ok &= row("server RSS after the page", "MB", each(lambda r: r["rss_mb"]), TARGETS["memory"])

    header = ("what", "floor", "baseline (5 elements)", "app", "app / floor", "target", "")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print()
    print("| " + " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)) + " |")
    print("| " + " | ".join("-" * w for w in widths) + " |")
    for r in rows:
        print("| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |")
    presses = len(app["loss_ms"])
    colds = ", ".join(f"{name} {[round(s, 2) for s in results[name]['cold_s']]} s" for name in APPS)
    print(f"\n{presses} presses per app (after warm-up); cold starts: {colds}")
    for problem in results["problems"]:
        print(f"console: {problem}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--presses", type=int, default=25, help="measured key presses per app (>= 20)")
    parser.add_argument("--warmup", type=int, default=2, help="key presses before measuring")
    parser.add_argument("--runs", type=int, default=3, help="cold starts per app")
    parser.add_argument("--json", type=Path, help="also write the raw numbers here")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if not CHROMIUM.is_file():
        sys.exit(f"{CHROMIUM} not found: apt-get install -y chromium")
    if args.warmup + args.presses > 60:
        sys.exit("warm-up + presses > 60 would push z0 past the slider's maximum of 10 (from 2.0)")

    with sigterm_as_exit():
        results = run(args)
    ok = report(results)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2))
        print(f"raw numbers: {args.json}")
    return 0 if ok or not args.strict else 1


if __name__ == "__main__":
    raise SystemExit(main())
