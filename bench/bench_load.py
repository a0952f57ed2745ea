"""Load test: simulated students (bench/load/locustfile.py) against the app as the Docker image runs it.

    python bench/bench_load.py                      # 1, 10, 30, 60 students, 60 s each (1: 180 s), one server
    python bench/bench_load.py --soak-minutes 10    # then 30 students for 10 minutes
    python bench/bench_load.py --balancer           # two replicas behind HAProxy (deploy/haproxy.cfg)
    python bench/bench_load.py --smoke              # 3 students for a few seconds (the test suite's)

First, with the server to itself, the server's CPU per slider change on each page (bench/load/
cpu_per_page.py: one student at a time, the server process's CPU seconds), so the expensive page is
visible. Then, for each class size it prints the time from a slider change to script_finished (median,
p90; and per page, and once the whole class has arrived), the page opens, errors, the server's CPU (% of
one core, averaged over the level) and memory (RSS at the end of the level, then after every session
closed), and the load average of the machine, which is shared: read the numbers next to it. The
one-student level is the reference of the p90 rule: its student tours every page of the class mix, and
each level is held to the p90 that student saw, weighted to the level's own mix of pages.
Every server it starts is stopped at the end. Not a test: the figures go to the README by hand.
"""

from gevent import monkey

monkey.patch_all()  # before anything imports socket or ssl: Locust's users are greenlets

import argparse  # noqa: E402
import contextlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from dataclasses import asdict, dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402

import gevent  # noqa: E402
import psutil  # noqa: E402
from locust.env import Environment  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent / "load"))
import locustfile  # noqa: E402
from cpu_per_page import (  # noqa: E402
    TARGET_MIX_MEDIAN_MS,
    measure_pages,
    mix_summary,
    print_costs,
    weighted_mix_summary,
)
from p90_rule import matched_reference_p90, percentile  # noqa: E402
from servers import AppServer, Balancer, start_all  # noqa: E402
from st_client import StreamlitSession  # noqa: E402
from st_harness import sigterm_as_exit  # noqa: E402

# server.disconnectedSessionTTL for the bench (default 120 s), so that closed sessions go within a level's
# pause. Not shorter: on a starved machine a reconnect can take seconds, and must still find its session.
SESSION_TTL_S = 30
MB = 1024 * 1024
# The one-student level is the p90 rule's reference: its student tours every page of the class mix
# (locustfile.Student.tour), 5 actions a visit with 1 s between them, for 3 levels' time: ~4 tours, ~20
# changes on each page. The rule compares a level's p90 with the p90 one student alone would see with that
# level's mix of pages (matched_reference_p90): a class that happened to make many training changes is
# compared with the training page's own latency, not with a reference whose student never went there.
ONE_STUDENT_LENGTH = 3
ONE_STUDENT_ACTIONS_PER_VISIT = 5
ONE_STUDENT_WAIT_S = 1.0
ARRIVED_AFTER_S = 15.0  # a class arrives over ~10 s (students / 10 a second), then opens its pages
SESSION_STATE_BYTES = 'cache_memory_bytes{cache_type="st_session_state",cache=""}'


@dataclass
class Level:
    students: int
    seconds: float
    slider_changes: int = 0
    slider_median_ms: float = float("nan")
    slider_p90_ms: float = float("nan")
    open_p90_ms: float = float("nan")
    state_checks: int = 0
    errors: int = 0
    error_samples: list = field(default_factory=list)
    cpu_percent: float = 0.0
    cpu_ms_per_change: float = float("nan")
    client_cpu_percent: float = 0.0
    rss_mb: float = 0.0
    rss_after_close_mb: float = 0.0
    sessions_at_end: int = 0
    sessions_after_close: int = 0
    session_state_kb_at_end: float = 0.0
    session_state_kb_after_close: float = 0.0
    replicas: dict = field(default_factory=dict)
    load_average: str = ""
    slider_by_page: dict = field(default_factory=dict)  # page -> (changes, median ms, p90 ms)
    slider_ms_by_page: dict = field(default_factory=dict)  # page -> every change's ms
    # The changes made once the whole class has arrived (ARRIVED_AFTER_S after the first student): the
    # p90 above includes the changes that queued behind 30 page opens (each a full run of a page).
    slider_p90_arrived_ms: float = float("nan")
    slider_changes_arrived: int = 0
    # The replicas' cyclic garbage collector during the level (bench/load/gc_timing): per generation
    # (young, middle, full) the collections and the seconds they took.
    gc_collections: list = field(default_factory=lambda: [0, 0, 0])
    gc_seconds: list = field(default_factory=lambda: [0.0, 0.0, 0.0])


class Recorder:
    """Every request Locust reports, kept raw, so percentiles are exact."""

    def __init__(self, environment):
        self.samples = []
        environment.events.request.add_listener(self.on_request)

    def on_request(self, request_type, name, response_time, exception=None, context=None, **_):
        page = (context or {}).get("page")
        self.samples.append((request_type, name, response_time, exception, page, time.monotonic()))


def summarise(level, samples, arrived_at=float("inf")):
    times = {"slider": [], "open": [], "state": []}
    slider_by_page = {}
    arrived = []
    for request_type, name, response_time, exception, page, at in samples:
        if request_type == "replica":
            level.replicas[name] = level.replicas.get(name, 0) + 1
            continue
        if exception is not None:
            level.errors += 1
            if len(level.error_samples) < 5:
                level.error_samples.append(f"{name}: {exception}")
        else:
            times[name].append(response_time)
            if name == "slider":
                slider_by_page.setdefault(page or "/", []).append(response_time)
                if at >= arrived_at:
                    arrived.append(response_time)
    level.slider_by_page = {
        page: (len(ms), statistics.median(ms), percentile(ms, 0.9))
        for page, ms in sorted(slider_by_page.items())
    }
    level.slider_ms_by_page = dict(sorted(slider_by_page.items()))
    level.slider_changes = len(times["slider"])
    level.slider_changes_arrived = len(arrived)
    level.slider_p90_arrived_ms = percentile(arrived, 0.9)
    level.state_checks = len(times["state"])
    if times["slider"]:
        level.slider_median_ms = statistics.median(times["slider"])
        level.slider_p90_ms = percentile(times["slider"], 0.9)
    level.open_p90_ms = percentile(times["open"], 0.9)


GC_TIMING = Path(__file__).resolve().parent / "load" / "gc_timing"  # its sitecustomize times collections


@contextlib.contextmanager
def gc_timing(file_prefix):
    """While servers start: their Python imports bench/load/gc_timing/sitecustomize.py, which writes the
    collector's totals to `file_prefix`.<pid>."""
    saved = {name: os.environ.get(name) for name in ("PYTHONPATH", "CEE_GC_TIMING_FILE")}
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(GC_TIMING), saved["PYTHONPATH"]]))
    os.environ["CEE_GC_TIMING_FILE"] = str(file_prefix)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class Bench:
    def __init__(self, balancer):
        # Deep sizes of session state in /_stcore/metrics (without it Streamlit reports the item count
        # there, which the tables used to print as kB); computed only when the bench reads the metrics.
        extra = ["--server.disconnectedSessionTTL", str(SESSION_TTL_S)]
        extra += ["--server.enableExpensiveMemoryStats", "true"]
        self.replicas = [AppServer(extra_args=extra) for _ in range(2 if balancer else 1)]
        self.balancer = Balancer(self.replicas) if balancer else None

    def __enter__(self):
        self.gc_folder = Path(tempfile.mkdtemp(prefix="cee-gc-"))
        try:
            with gc_timing(self.gc_folder / "replica"):
                start_all(self.replicas)
            if self.balancer:
                self.balancer.start()
        except BaseException:
            self.__exit__()
            raise
        self.processes = [psutil.Process(replica.proc.pid) for replica in self.replicas]
        self.client = psutil.Process()  # this process: Locust's simulated students
        return self

    def __exit__(self, *exc):
        if self.balancer:
            self.balancer.stop()
        for replica in self.replicas:
            replica.stop()
        shutil.rmtree(self.gc_folder, ignore_errors=True)

    def gc_totals(self):
        """(collections, seconds) per generation, summed over the replicas, so far."""
        collections, seconds = [0, 0, 0], [0.0, 0.0, 0.0]
        for path in self.gc_folder.glob("replica.*"):
            try:
                totals = json.loads(path.read_text())
            except (OSError, ValueError):
                continue  # being replaced this instant: the next level's reading counts it
            collections = [a + b for a, b in zip(collections, totals["collections"], strict=True)]
            seconds = [a + b for a, b in zip(seconds, totals["seconds"], strict=True)]
        return collections, seconds

    @property
    def url(self):
        return self.balancer.url if self.balancer else self.replicas[0].url

    def rss_mb(self):
        return sum(replica.rss() for replica in self.replicas) / MB

    def sessions(self):
        """(active sessions, kB of session state) summed over the replicas, from /_stcore/metrics."""
        metrics = [replica.metrics() for replica in self.replicas]
        active = sum(int(m.get("active_sessions", 0)) for m in metrics)
        return active, sum(m.get(SESSION_STATE_BYTES, 0.0) for m in metrics) / 1024

    def cpu_percent(self):
        """% of one core since the previous call, summed over the replicas."""
        return sum(process.cpu_percent(None) for process in self.processes)

    def cpu_seconds(self):
        """CPU time the replicas have used so far (user + system)."""
        return sum(sum(process.cpu_times()[:2]) for process in self.processes)

    def warm_up(self):
        """Open every page once on every replica (the first run of a page imports its modules)."""
        for replica in self.replicas:
            for page in locustfile.Student.pages:
                session = StreamlitSession(replica.url, page)
                session.open()
                session.close()

    def release(self, level):
        """Wait out the disconnected-session TTL; a new session's arrival makes the server drop the
        expired ones (the session store expires lazily); then the sessions and memory that are left."""
        time.sleep(SESSION_TTL_S + 1)
        for replica in self.replicas:
            session = StreamlitSession(replica.url, "")
            session.open()
            session.close()
        time.sleep(2)
        level.rss_after_close_mb = self.rss_mb()
        level.sessions_after_close, level.session_state_kb_after_close = self.sessions()

    def run(self, students, seconds, on_warm=None):
        environment = Environment(user_classes=[locustfile.Student], host=self.url)
        recorder = Recorder(environment)
        runner = environment.create_local_runner()
        level = Level(students, seconds)
        locustfile.Student.students_started = 0  # with --seed, each level's n-th student draws the same
        self.cpu_percent()
        cpu_before = self.cpu_seconds()
        self.client.cpu_percent(None)
        gc_before = self.gc_totals()
        runner.start(students, spawn_rate=max(1.0, students / 10))  # a class arrives over ~10 s
        arrived_at = time.monotonic() + ARRIVED_AFTER_S
        if on_warm is not None:
            gevent.sleep(min(60, seconds / 2))
            on_warm(self.rss_mb())
            gevent.sleep(seconds - min(60, seconds / 2))
        else:
            gevent.sleep(seconds)
        level.cpu_percent = self.cpu_percent()
        cpu_used = self.cpu_seconds() - cpu_before
        time.sleep(1.1)  # the replicas write their collector's totals once a second
        gc_after = self.gc_totals()
        level.gc_collections = [b - a for a, b in zip(gc_before[0], gc_after[0], strict=True)]
        level.gc_seconds = [b - a for a, b in zip(gc_before[1], gc_after[1], strict=True)]
        level.client_cpu_percent = self.client.cpu_percent(None)
        level.rss_mb = self.rss_mb()
        level.sessions_at_end, level.session_state_kb_at_end = self.sessions()
        level.load_average = " ".join(f"{value:.1f}" for value in os.getloadavg())
        runner.quit()
        locustfile.close_all_sessions()
        summarise(level, recorder.samples, arrived_at)
        if level.slider_changes:
            # All the server's work (opens and checks too) per slider change. Less sensitive to the rest
            # of the machine than the latencies, but not immune: when the server is starved of CPU,
            # few changes happen and the opens dominate (seen here: 70-85 ms at 10 students, more above).
            level.cpu_ms_per_change = 1000 * cpu_used / level.slider_changes
        return level


def print_table(levels, title):
    print(f"\n{title}")
    print(
        "| students | slider changes | median ms | p90 ms | page open p90 ms | errors | server CPU % "
        "| server CPU ms per change | students' CPU % | RSS MB (end) | RSS MB after close | replicas "
        "| load avg 1/5/15 min |"
    )
    print("|" + " --- |" * 13)
    for level in levels:
        replicas = ", ".join(f"{name} {count}" for name, count in sorted(level.replicas.items()))
        print(
            f"| {level.students} | {level.slider_changes} | {level.slider_median_ms:.0f} "
            f"| {level.slider_p90_ms:.0f} | {level.open_p90_ms:.0f} | {level.errors} "
            f"| {level.cpu_percent:.0f} | {level.cpu_ms_per_change:.0f} | {level.client_cpu_percent:.0f} "
            f"| {level.rss_mb:.0f} "
            f"| {level.rss_after_close_mb:.0f} "
            f"| {replicas} | {level.load_average} |"
        )
    for level in levels:
        print(
            f"  {level.students} students: server sessions {level.sessions_at_end} at the end, "
            f"{level.sessions_after_close} after all closed; session state "
            f"{level.session_state_kb_at_end:.1f} kB -> {level.session_state_kb_after_close:.1f} kB"
        )
    for level in levels:  # how much of the tail is the class arriving
        print(
            f"  {level.students} students: once the class had arrived ({ARRIVED_AFTER_S:.0f} s on): slider "
            f"change p90 {level.slider_p90_arrived_ms:.0f} ms over {level.slider_changes_arrived} changes"
        )
    for level in levels:  # which page makes the tail
        by_page = ", ".join(f"{page} {p90:.0f} ({n})" for page, (n, _, p90) in level.slider_by_page.items())
        print(f"  {level.students} students: slider change p90 ms by page (changes): {by_page}")
    for level in levels:  # full collections hold the GIL: every student waits them out
        (young, middle, full), (young_s, middle_s, full_s) = level.gc_collections, level.gc_seconds
        full_ms = 1000 * full_s / full if full else float("nan")
        younger = f"{young + middle} younger ones, {young_s + middle_s:.2f} s"
        print(
            f"  {level.students} students: the server's garbage collector: {full} full collections, "
            f"{full_s:.2f} s ({full_ms:.0f} ms each); {younger}"
        )
    for level in levels:
        for sample in level.error_samples:
            print(f"  error at {level.students} students: {sample}")


def matched_reference(single, level):
    """(p90 ms, pages left out) one student alone saw, weighted to `level`'s mix of pages (p90_rule)."""
    changes = {page: count for page, (count, _, _) in level.slider_by_page.items()}
    return matched_reference_p90(single.slider_ms_by_page, changes)


def largest_class(levels):
    """The largest class whose p90 is within 2x the one-student p90, with no errors."""
    single = next((level for level in levels if level.students == 1), None)
    if single is None:
        return None
    passing = [
        level.students
        for level in levels
        if level.errors == 0 and level.slider_p90_ms <= 2 * matched_reference(single, level)[0]
    ]
    return max(passing, default=None)


def verdict(passed):
    return "PASS" if passed else "FAIL"


def target_rows(levels, balancer, mix_median_ms=None, soak=None, rss_after_warm_up=None):
    """(target, measured, PASS/FAIL) for each of issue 20's targets this run measured."""
    rows = []
    if mix_median_ms is not None:
        rows.append((
            f"server CPU per change, class mix median <= {TARGET_MIX_MEDIAN_MS} ms",
            f"{mix_median_ms:.1f} ms",
            verdict(mix_median_ms <= TARGET_MIX_MEDIAN_MS),
        ))  # fmt: skip
    single = next((level for level in levels if level.students == 1), None)
    held = 60 if balancer else 30
    for level in levels:
        if level.students == 1:
            continue
        if single is None:
            reference, missing, plain = float("nan"), [], ""
        else:
            reference, missing = matched_reference(single, level)
            plain = f"; {level.slider_p90_ms / single.slider_p90_ms:.2f}x the plain one-student p90"
            plain += f" {single.slider_p90_ms:.0f} ms"
            if missing:
                plain += f"; pages the one student did not reach, left out: {', '.join(missing)}"
        ratio = level.slider_p90_ms / reference
        if level.students <= held and single is None:
            rows.append((
                f"{level.students} students: p90 <= 2x the one-student p90, 0 errors",
                f"p90 {level.slider_p90_ms:.0f} ms, {level.errors} errors (no one-student level run)",
                "-",
            ))  # fmt: skip
        elif level.students <= held:
            rows.append((
                f"{level.students} students: p90 <= 2x the one-student p90 (same page mix), 0 errors",
                f"p90 {level.slider_p90_ms:.0f} ms = {ratio:.2f} x {reference:.0f} ms, {level.errors} errors"
                f"{plain}",
                verdict(ratio <= 2 and level.errors == 0 and level.slider_changes > 0),
            ))  # fmt: skip
        else:
            rows.append((
                f"{level.students} students: slower, but 0 errors",
                f"p90 {level.slider_p90_ms:.0f} ms = {ratio:.2f}x, {level.errors} errors",
                verdict(level.errors == 0 and level.slider_changes > 0),
            ))  # fmt: skip
    for level in [*levels, *([soak] if soak is not None else [])]:
        if level.rss_after_close_mb:  # measured: the level's sessions were released
            left, rss = level.session_state_kb_after_close, level.rss_after_close_mb
            rows.append((
                f"{level.students} students: every session freed after they leave",
                f"{level.sessions_after_close} sessions left, state {left:.1f} kB, RSS {rss:.0f} MB",
                verdict(level.sessions_after_close == 0),
            ))  # fmt: skip
    if soak is not None:
        ratio = soak.rss_mb / rss_after_warm_up
        rows.append((
            "soak at 30: memory at the end <= 1.2x after warm-up, 0 errors",
            f"{rss_after_warm_up:.0f} -> {soak.rss_mb:.0f} MB ({ratio:.2f}x), {soak.errors} errors",
            verdict(ratio <= 1.2 and soak.errors == 0),
        ))  # fmt: skip
    return rows


def print_targets(rows):
    print("\nIssue 20's targets measured in this run")
    print("| target | measured | verdict |")
    print("| --- | --- | --- |")
    for target, measured, passed in rows:
        print(f"| {target} | {measured} | {passed} |")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--levels", default="1,10,30,60", help="class sizes, comma-separated")
    parser.add_argument("--seconds", type=float, default=60, help="length of each level")
    parser.add_argument("--soak-minutes", type=float, default=0, help="then 30 students for this long")
    parser.add_argument("--balancer", action="store_true", help="two replicas behind HAProxy")
    parser.add_argument("--smoke", action="store_true", help="3 students for 8 s; exit 1 on any error")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--cpu-rounds", type=int, default=3, help="rounds of the per-page CPU measurement (0: skip it)"
    )
    parser.add_argument(
        "--seed",
        default="1",
        help="the students' draws (pages, sliders, values, waits) repeat from run to run for the same seed, "
        "so two runs compare the server, not two draws of the class; 'none': a new draw every run",
    )
    args = parser.parse_args()
    locustfile.Student.seed = None if args.seed == "none" else args.seed
    sys.stdout.reconfigure(line_buffering=True)  # each level's table as soon as it is measured
    if args.smoke:
        # 12 s: a student on the lessons path starts a lesson, waits 2 to 4 s, then makes its first change
        args.levels, args.seconds, args.soak_minutes, args.cpu_rounds = "3", 12, 0, 1

    results = {"pages": locustfile.Student.pages, "balancer": args.balancer, "levels": [], "soak": None}
    with sigterm_as_exit(), Bench(args.balancer) as bench:
        bench.warm_up()
        results["rss_mb_idle"] = bench.rss_mb()
        if args.cpu_rounds:
            first = bench.replicas[0]
            changes = 3 if args.smoke else 15
            costs = measure_pages(
                first.url, first.proc.pid, locustfile.Student.pages, changes, args.cpu_rounds
            )
            print_costs(costs, f"Server CPU per change, one student at a time ({args.cpu_rounds} rounds)")
            mean, median = mix_summary(costs)
            class_mean, class_median = weighted_mix_summary(costs)
            results["cpu_per_page"] = {
                "pages": {page: asdict(cost) for page, cost in costs.items()},
                "mix_mean_ms": mean,
                "mix_median_ms": median,
                "class_mix_mean_ms": class_mean,
                "class_mix_median_ms": class_median,
            }
        for students in (int(n) for n in args.levels.split(",")):
            reference = students == 1 and not args.smoke
            seconds = args.seconds * (ONE_STUDENT_LENGTH if reference else 1)
            if reference:
                locustfile.Student.tour = locustfile.Student.pages
                locustfile.Student.actions_per_visit = ONE_STUDENT_ACTIONS_PER_VISIT
                locustfile.Student.wait_seconds = ONE_STUDENT_WAIT_S
            level = bench.run(students, seconds)
            locustfile.Student.tour, locustfile.Student.actions_per_visit = None, 0
            locustfile.Student.wait_seconds = None
            if not args.smoke:
                bench.release(level)
            results["levels"].append(level)
            print_table([level], f"{students} students, {seconds:.0f} s")
        if args.soak_minutes:
            warm = {}
            soak = bench.run(30, args.soak_minutes * 60, on_warm=lambda rss: warm.setdefault("rss_mb", rss))
            bench.release(soak)
            results["soak"] = {**asdict(soak), "rss_mb_after_warm_up": warm["rss_mb"]}
            results["soak_level"] = soak

    levels = results["levels"]
    servers = "2 replicas + HAProxy" if args.balancer else "1 server"
    print_table(levels, f"Load on the pages {results['pages']} ({servers})")
    print(f"idle server RSS after warm-up: {results['rss_mb_idle']:.0f} MB")
    best = largest_class(levels)
    if best is not None:
        print(f"largest class with p90 <= 2x the one-student p90 and no errors: {best}")
    if results["soak"]:
        soak = results["soak_level"]
        ratio = soak.rss_mb / results["soak"]["rss_mb_after_warm_up"]
        print_table([soak], f"Soak: 30 students for {args.soak_minutes:g} minutes")
        print(
            f"RSS after warm-up {results['soak']['rss_mb_after_warm_up']:.0f} MB, after the soak "
            f"{soak.rss_mb:.0f} MB ({ratio:.2f}x; target <= 1.2x), after every session closed "
            f"{soak.rss_after_close_mb:.0f} MB"
        )
    cpu = results.get("cpu_per_page")
    soak_level = results.get("soak_level")
    targets = target_rows(
        levels,
        args.balancer,
        cpu["class_mix_median_ms"] if cpu else None,
        soak_level,
        results["soak"]["rss_mb_after_warm_up"] if results["soak"] else None,
    )
    print_targets(targets)
    results["targets"] = targets
    if args.json:
        results["levels"] = [asdict(level) for level in levels]
        results.pop("soak_level", None)
        args.json.write_text(json.dumps(results, indent=2, default=str))
    failed = sum(level.errors for level in levels) or not all(level.slider_changes for level in levels)
    return 1 if args.smoke and failed else 0


if __name__ == "__main__":
    sys.exit(main())
