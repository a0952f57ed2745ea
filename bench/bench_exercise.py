"""Server CPU that the exercise maker and the exercise / lesson panels add to a page's rerun.

Run from the repository root:  python bench/bench_exercise.py  [--rounds 7] [--changes 6]

Each variant is one page opened through app.py in Streamlit's AppTest (the page's whole script, in this
process), then a slider moved `changes` times; a change's cost is the process CPU time
(time.process_time) of the rerun it causes. The variants of a page are measured interleaved, round by
round, in a shuffled order, against the same page without any of them (no exercise, the maker closed:
what every visitor runs); each reports its median over all changes and rounds and the CPU it adds.

Variants: the maker open with one check and with four (each check computes the page's quantities and
draws its boxes; the link and its QR code are redrawn on every change), an exercise link (a task, two
checks, two locks), a lesson (temperature), and on the binary page the fix-the-snippet lesson with a
checked answer (the code is parsed and followed on each rerun unless cached).

The machine is shared: absolute times measured while others run are pessimistic; the load average is
printed beside them. AppTest's own work (building and reading the element tree) is in every variant, so
the added milliseconds are what matters, not the totals.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("KERAS_BACKEND", "torch")

from streamlit.testing.v1 import AppTest  # noqa: E402

from topics.lessons.snippet_fix import STARTING_CODE  # noqa: E402
from topics.registry import BY_NAME  # noqa: E402

APP = str(Path(__file__).resolve().parent.parent / "app.py")
SLIDER_VALUES = {"pg_t": (0.5, 1.5, 0.8, 2.0, 1.2, 0.6), "bin_y": (0.2, 0.9, 0.5, 0.1, 0.7, 0.3)}
FIXED_CODE = STARTING_CODE.replace("nn.BCEWithLogitsLoss()", "nn.BCELoss()")


@dataclass
class Variant:
    name: str
    page: str
    slider: str
    query: dict = field(default_factory=dict)
    setup: object = None  # (AppTest) -> None, run once after the page opened
    costs: list = field(default_factory=list)  # ms per change, over all rounds

    def open(self):
        app = AppTest.from_file(APP, default_timeout=120)
        for key, value in self.query.items():
            app.query_params[key] = value
        if not BY_NAME[self.page].default:
            app.switch_page(BY_NAME[self.page].script)
        app.run()
        if self.setup is not None:
            self.setup(app)
        assert not app.exception, (self.name, app.exception)
        return app

    def measure(self, changes):
        app = self.open()
        app.run()  # a warm rerun first: caches filled as for a visitor who has been on the page
        for value in SLIDER_VALUES[self.slider][:changes]:
            app.slider(key=self.slider).set_value(value)
            start = time.process_time()
            app.run()
            self.costs.append((time.process_time() - start) * 1000)
            assert not app.exception, (self.name, app.exception)


def open_maker(checks):
    def setup(app):
        app.session_state["ex_make"] = True
        app.run()
        for _ in range(checks - 1):
            app.button(key="ex_make_add").click().run()

    return setup


def checked_code(app):
    app.text_area(key="ls_code_api_mistake").input(FIXED_CODE).run()
    app.button(key="ls_code_check_api_mistake").click().run()


SLIDERS = {"pg_input": "sliders"}
EXERCISE_LINK = {
    "ex_task": "Make the loss below 0.1 using only the temperature.",
    "ex_check": "below:loss:0.1;above:p0:0.9",
    "ex_lock": "pg_z0,pg_z1",
}


def variants():
    return [
        Variant("playground, no exercise (baseline)", "playground", "pg_t", dict(SLIDERS)),
        Variant("playground, maker open, 1 check", "playground", "pg_t", dict(SLIDERS), open_maker(1)),
        Variant("playground, maker open, 4 checks", "playground", "pg_t", dict(SLIDERS), open_maker(4)),
        Variant("playground, exercise link (2 checks)", "playground", "pg_t", SLIDERS | EXERCISE_LINK),
        Variant(
            "playground, lesson 3 (temperature)", "playground", "pg_t", SLIDERS | {"lesson": "temperature"}
        ),
        Variant("binary, no exercise (baseline)", "binary", "bin_y", {"bin_mistake": "1"}),
        Variant(
            "binary, lesson 10 (code checked)",
            "binary",
            "bin_y",
            {"bin_mistake": "1", "lesson": "api_mistake"},
            checked_code,
        ),
    ]


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--changes", type=int, default=6)
    parser.add_argument("--seed", type=int, default=22)
    options = parser.parse_args()
    measured = variants()
    order = random.Random(options.seed)
    load_before = os.getloadavg()
    for round_number in range(options.rounds):
        order.shuffle(measured)
        for variant in measured:
            variant.measure(options.changes)
        print(f"round {round_number + 1}/{options.rounds} done", file=sys.stderr)
    load_after = os.getloadavg()
    print_table(sorted(measured, key=lambda variant: variants_order().index(variant.name)))
    print(f"\nload average (1, 5, 15 min): before {fmt_load(load_before)}, after {fmt_load(load_after)}")


def variants_order():
    return [variant.name for variant in variants()]


def print_table(measured):
    baselines = {
        variant.page: statistics.median(variant.costs) for variant in measured if "baseline" in variant.name
    }
    print(f"{'variant':44} {'median ms':>10} {'p90 ms':>8} {'added ms':>9} {'ratio':>6}  n")
    for variant in measured:
        median = statistics.median(variant.costs)
        p90 = statistics.quantiles(variant.costs, n=10)[-1] if len(variant.costs) > 1 else median
        base = baselines[variant.page]
        print(
            f"{variant.name:44} {median:10.1f} {p90:8.1f} {median - base:+9.1f} {median / base:6.2f}  "
            f"{len(variant.costs)}"
        )


def fmt_load(load):
    return ", ".join(f"{value:.2f}" for value in load)


if __name__ == "__main__":
    main()
