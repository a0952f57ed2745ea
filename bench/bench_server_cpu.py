"""Server CPU per slider change, page by page, for one or more checkouts of the app, interleaved.

    python bench/bench_server_cpu.py                             # this checkout
    python bench/bench_server_cpu.py --tree /tmp/before --tree .  # before / after, side by side
    python bench/bench_server_cpu.py --profile /tmp/profiles      # and a py-spy profile of each page
    python bench/bench_server_cpu.py --pages batch,lessons        # only these pages

Each checkout runs as the Docker image runs it (bench/load/servers.py: its ENTRYPOINT and ENV); all of
them are started, then each round measures every page on every checkout in turn (bench/load/
cpu_per_page.py: one student, every slider in turn, the server's CPU seconds). Process CPU time is what
the server itself ran, so a busy machine disturbs it much less than latency; the interleaving spreads
what disturbance is left evenly over the checkouts. Not a test: the numbers go to docs/hosting.md.

--profile records, after the rounds, a py-spy profile (threads holding the GIL: Python's CPU work; a
thread asleep in time.sleep would otherwise count as busy) of each page on each checkout (py-spy must be
installed: pip install py-spy) as collapsed stacks (<checkout>-<page>.txt, for speedscope or
flamegraph.pl) and prints where the CPU went (bench/load/profile_breakdown.py).
"""

import argparse
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: topics.registry
sys.path.insert(0, str(Path(__file__).resolve().parent / "load"))
from cpu_per_page import PageCost, measure_page, mix_summary, print_costs  # noqa: E402
from profile_breakdown import print_breakdown  # noqa: E402
from servers import AppServer, start_all  # noqa: E402
from st_client import StreamlitSession, app_url_paths  # noqa: E402
from st_harness import sigterm_as_exit  # noqa: E402


def start_servers(trees):
    servers = []
    for tree in trees:
        server = AppServer()
        server.cwd = tree
        servers.append(server)
    start_all(servers)
    return servers


def warm_up(server, pages):
    for page in pages:
        for _ in range(2):
            session = StreamlitSession(server.url, page)
            session.open()
            session.close()


def profile(server, tree_name, pages, changes, folder, seed):
    """py-spy record while one student moves every slider of each page; files per page in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for page in pages:
        name = f"{tree_name}-{page or 'playground'}"
        recorder = subprocess.Popen(
            ["py-spy", "record", "--pid", str(server.proc.pid), "--rate", "250", "--gil", "--format", "raw",
             "--output", str(folder / f"{name}.txt")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            measure_page(server.url, server.proc.pid, page, changes, random.Random(seed), PageCost(page))
        finally:
            recorder.send_signal(signal.SIGINT)  # py-spy writes its file and exits
            recorder.wait(60)
        print_breakdown([folder / f"{name}.txt"])


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tree", action="append", type=Path, help="a checkout of the app (repeatable)")
    parser.add_argument("--changes", type=int, default=20, help="slider changes per page per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20)
    parser.add_argument("--pages", help="url paths to measure, comma-separated (playground: an empty name)")
    parser.add_argument("--profile", type=Path, help="folder for py-spy profiles of each page")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    trees = [tree.resolve() for tree in (args.tree or [Path(__file__).resolve().parents[1]])]
    names = [f"{index}:{tree.name}" for index, tree in enumerate(trees)]
    pages = app_url_paths() if args.pages is None else args.pages.split(",")
    with sigterm_as_exit():
        servers = start_servers(trees)
        try:
            for server in servers:
                warm_up(server, pages)
            costs = {name: {page: PageCost(page) for page in pages} for name in names}
            rngs = {name: {page: random.Random(f"{args.seed}-{page}") for page in pages} for name in names}
            for round_number in range(args.rounds):
                for page in pages:
                    for name, server in zip(names, servers, strict=True):
                        measure_page(server.url, server.proc.pid, page, args.changes,
                                     rngs[name][page], costs[name][page])  # fmt: skip
                print(f"round {round_number + 1} of {args.rounds} done")
            for name, tree in zip(names, trees, strict=True):
                print_costs(costs[name], f"{name} ({tree})")
            if len(trees) > 1:
                print("\n| checkout | page mix mean ms | page mix median ms |")
                print("| --- | --- | --- |")
                for name in names:
                    mean, median = mix_summary(costs[name])
                    print(f"| {name} | {mean:.1f} | {median:.1f} |")
            if args.profile:
                if shutil.which("py-spy") is None:
                    sys.exit("--profile needs py-spy: pip install py-spy")
                for name, server in zip(names, servers, strict=True):
                    profile(server, name.replace(":", "-"), pages, args.changes * 2, args.profile, args.seed)
        finally:
            for server in servers:
                server.stop()


if __name__ == "__main__":
    main()
