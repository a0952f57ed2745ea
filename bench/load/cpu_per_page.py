"""Server CPU per slider change, page by page: one student at a time, the server's own CPU seconds.

The load levels measure the server's CPU over the whole page mix; this says which page costs what. For each
page a session opens, then acts `changes` times as a student of the class mix does there
(class_mix.StudentOnPage: a slider moved to a value drawn from a seeded generator; on the lessons path
also a lesson's start and the way back), and the server process's CPU time (user + system, from the
kernel) is read before and after. CPU time counts only what the server ran, so other programs on the
machine disturb it far less than wall-clock latency (they still cost it some cache misses). The kernel
counts in ticks of 10 ms, so a batch of changes is measured, not each change.

Used by bench/bench_load.py (a table per page before the load levels) and bench/bench_server_cpu.py
(two code trees, interleaved).
"""

import random
import statistics
from dataclasses import dataclass, field

import psutil
from class_mix import BY_PAGE, PageUse, StudentOnPage, change_shares, weighted_mean, weighted_median
from st_client import StreamlitSession

TARGET_MIX_MEDIAN_MS = 40  # issue 20: server CPU per change, median over the page mix


@dataclass
class PageCost:
    """Server CPU and bytes sent per slider change on one page, one number per measured batch."""

    page: str
    cpu_ms: list = field(default_factory=list)  # mean CPU ms per change, one per batch
    loop_ms: list = field(default_factory=list)  # of which the main thread (the event loop), per batch
    kib: list = field(default_factory=list)  # mean KiB the server sent per change, one per batch
    latency_ms: list = field(default_factory=list)  # every change: send -> script_finished

    @property
    def cpu_ms_median(self):
        return statistics.median(self.cpu_ms) if self.cpu_ms else float("nan")

    @property
    def loop_ms_median(self):
        return statistics.median(self.loop_ms) if self.loop_ms else float("nan")

    @property
    def kib_median(self):
        return statistics.median(self.kib) if self.kib else float("nan")

    @property
    def latency_median_ms(self):
        return statistics.median(self.latency_ms) if self.latency_ms else float("nan")


def server_cpu_seconds(process):
    """User + system CPU seconds the process (all its threads) has used so far."""
    times = process.cpu_times()
    return times.user + times.system


def main_thread_cpu_seconds(pid):
    """CPU seconds of the process's main thread, in nanoseconds' resolution (/proc/PID/task/PID/schedstat;
    Linux only, else NaN). A Streamlit server's main thread runs its event loop: it turns each element a
    script run sends into a websocket message. Scripts run in threads of their own."""
    try:
        with open(f"/proc/{pid}/task/{pid}/schedstat") as stat:
            return int(stat.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        return float("nan")


def measure_page(url, pid, page, changes, rng, cost):
    """Open `page` on the server at `url` (process `pid`), act `changes` times, add one batch."""
    process = psutil.Process(pid)
    session = StreamlitSession(url, page)
    student = StudentOnPage(session, BY_PAGE.get(page, PageUse(page, 0.0, (2, 4), "")))
    try:
        session.open()
        received, latencies = 0, []
        before, loop_before = server_cpu_seconds(process), main_thread_cpu_seconds(pid)
        for _ in range(changes):
            result, _, _ = student.act(rng)
            if result is None:
                raise RuntimeError(f"page {page!r}: nothing to act on (no slider drawn)")
            if result.problems:
                raise RuntimeError(f"page {page!r}: {'; '.join(result.problems)[:300]}")
            received += result.received_bytes
            latencies.append(1000 * result.seconds)
        used = server_cpu_seconds(process) - before
        loop_used = main_thread_cpu_seconds(pid) - loop_before
    finally:
        session.close()
    cost.cpu_ms.append(1000 * used / changes)
    cost.loop_ms.append(1000 * loop_used / changes)
    cost.kib.append(received / 1024 / changes)
    cost.latency_ms.extend(latencies)
    return cost


def measure_pages(url, pid, pages, changes=20, rounds=3, seed=20):
    """{page: PageCost} over `rounds` batches of `changes` per page, the pages taken in turn each round."""
    costs = {page: PageCost(page) for page in pages}
    rngs = {page: random.Random(f"{seed}-{page}") for page in pages}
    for _ in range(rounds):
        for page in pages:
            measure_page(url, pid, page, changes, rngs[page], costs[page])
    return costs


def mix_summary(costs):
    """(mean, median) over the pages of each page's median CPU ms per change, every page counted once."""
    per_page = [cost.cpu_ms_median for cost in costs.values()]
    return statistics.fmean(per_page), statistics.median(per_page)


def weighted_mix_summary(costs):
    """(mean, median) of the CPU ms per change over a class's changes (class_mix.change_shares: a page
    weighs by its students times how often each acts). The mean is what a class's average change costs
    the server; the median is the issue's target (<= 40 ms)."""
    shares = change_shares()
    per_page = {page: cost.cpu_ms_median for page, cost in costs.items() if page in shares}
    weights = {page: shares[page] for page in per_page}
    return weighted_mean(per_page, weights), weighted_median(per_page, weights)


def page_label(page):
    return page or "playground (/)"


def print_costs(costs, title):
    print(f"\n{title}")
    shares = change_shares()
    print(
        "| page | server CPU ms per change (median of batches) | batches "
        "| of which the event loop (sending) ms | KiB sent per change | latency median ms "
        "| share of a class's changes |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for page, cost in costs.items():
        batches = ", ".join(f"{value:.0f}" for value in cost.cpu_ms)
        share = f"{100 * shares[page]:.0f}%" if page in shares else "-"
        print(
            f"| {page_label(page)} | {cost.cpu_ms_median:.1f} | {batches} | {cost.loop_ms_median:.1f} "
            f"| {cost.kib_median:.1f} "
            f"| {cost.latency_median_ms:.0f} | {share} |"
        )
    mean, median = mix_summary(costs)
    print(f"pages counted once: mean {mean:.1f} ms, median {median:.1f} ms of server CPU per change")
    mean, median = weighted_mix_summary(costs)
    verdict = "PASS" if median <= TARGET_MIX_MEDIAN_MS else "FAIL"
    print(
        f"class mix (weighted by share of changes): mean {mean:.1f} ms, median {median:.1f} ms "
        f"(target median <= {TARGET_MIX_MEDIAN_MS} ms: {verdict})"
    )
