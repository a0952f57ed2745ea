"""Benchmark the gradient page's numbers: the landscape grid and everything a slider move recomputes.

Run from the repository root:  python bench/bench_gradient.py  [--repeats 21]

Prints the median time of: the loss grid alone (121 x 121 points, one vectorised call), the whole
landscape (grid, -grad arrows, a 20- and a 100-step descent path), the CE/MSE sweep, each page figure
built from those numbers, and one AppTest rerun of the page after a slider move. Nothing is asserted:
the machine is shared, so the numbers are for reading, not for a test.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from topics import gradient  # noqa: E402
from topics.registry import BY_NAME  # noqa: E402

WARMUP = 2


def median_ms(fn, repeats):
    for _ in range(WARMUP):
        fn()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def app_rerun_ms(repeats):
    """One rerun of the gradient page under AppTest after a z1 slider move (server side only)."""
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.switch_page(BY_NAME["gradient"].script).run()
    values = iter([round(-5.0 + 0.1 * k, 1) for k in range(WARMUP + repeats)])
    return median_ms(lambda: app.slider(key="gr_z1").set_value(next(values)).run(), repeats)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=21)
    args = parser.parse_args()
    values = gradient.state.default_values() | {"gr_eps": 0.1, "gr_t": 1.5}
    state = gradient.state.state_from_values(values)
    axis = np.linspace(*gradient.state.LOGIT_RANGE, gradient.numbers.GRID_POINTS)
    grid_rows = gradient.numbers.plane_rows(axis, axis)
    land = gradient.numbers.landscape(state, 1.0, 20)
    sweep = gradient.numbers.sweep(state)
    rows = [
        (
            f"loss grid {gradient.numbers.GRID_POINTS}x{gradient.numbers.GRID_POINTS}",
            lambda: gradient.numbers.batch_loss(grid_rows, state),
        ),
        ("landscape, 20 steps", lambda: gradient.numbers.landscape(state, 1.0, 20)),
        ("landscape, 100 steps", lambda: gradient.numbers.landscape(state, 1.0, 100)),
        ("CE/MSE sweep", lambda: gradient.numbers.sweep(state)),
        ("landscape figure", lambda: gradient.figures.landscape_figure(land, state.true_class)),
        ("sweep figure", lambda: gradient.figures.sweep_figure(sweep)),
        ("all page_figures()", lambda: gradient.figures.page_figures(values)),
    ]
    print(f"median of {args.repeats} runs after {WARMUP} warm-up runs")
    for name, fn in rows:
        print(f"  {name:<28} {median_ms(fn, args.repeats):8.2f} ms")
    print(f"  {'AppTest rerun after a slider':<28} {app_rerun_ms(min(args.repeats, 11)):8.2f} ms")


if __name__ == "__main__":
    main()
