"""What a student's session holds on the server, page by page, and that it is freed when they leave.

    python bench/bench_session_memory.py                  # 5 students per page, 6 actions each
    python bench/bench_session_memory.py --per-page 10

One server, as the Docker image runs it, with Streamlit's deep session-state sizes turned on
(`server.enableExpensiveMemoryStats`: without it /_stcore/metrics counts session-state *items*, not
bytes) and a short `server.disconnectedSessionTTL`. After a warm-up (every page opened twice: modules
imported, the shared caches filled once), for each page in turn `--per-page` students open it and act as
the class mix says (bench/load/class_mix.py) and stay connected; the table gives, per student, the growth
of the process's RSS and of the session state as Streamlit sizes it (pympler's asizeof of each session's
state; Streamlit counts a session it cannot size as 0, which happens here for several pages, so read
the RSS column first). The
process-wide caches are listed too: they are shared by every session and bounded (topics/shared/cache.py,
lru_cache, st.cache_data with max_entries), so their size must not grow with the number of students.
Then every student leaves; after the TTL the sessions and their state must be gone. Not a test: the
numbers go to docs/hosting.md. The machine is shared: RSS moves by a few MB between runs.
"""

import argparse
import random
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repository: topics.registry
sys.path.insert(0, str(Path(__file__).resolve().parent / "load"))
from class_mix import BY_PAGE, StudentOnPage  # noqa: E402
from servers import AppServer, start_all  # noqa: E402
from st_client import StreamlitSession  # noqa: E402
from st_harness import sigterm_as_exit  # noqa: E402

TTL_S = 10
MB = 1024 * 1024
STATE = 'cache_memory_bytes{cache_type="st_session_state",cache=""}'


def cache_bytes(metrics):
    """{cache: bytes} of Streamlit's caches other than session state (st.cache_data, media files, ...)."""
    return {
        name.removeprefix("cache_memory_bytes"): value
        for name, value in metrics.items()
        if name.startswith("cache_memory_bytes") and name != STATE
    }


def snapshot(server):
    metrics = server.metrics()
    return {
        "sessions": int(metrics.get("active_sessions", 0)),
        "state": metrics.get(STATE, 0.0),
        "rss": server.rss(),
        "caches": cache_bytes(metrics),
    }


def expire_closed_sessions(server):
    """Wait out the TTL; a new session's arrival makes the server drop the expired ones (it expires them
    lazily). That probe session closes too, but is within its own TTL when the numbers are read."""
    time.sleep(TTL_S + 1)
    probe = StreamlitSession(server.url, "")
    probe.open()
    probe.close()
    time.sleep(2)


def keep_alive(session):
    """Read (and drop) what the server sends an idle session until it closes: websocket-client answers the
    server's pings only while it reads, and an unanswered ping closes the connection after ~30 s."""

    def read():
        try:
            while session.socket is not None:
                session.socket.recv()
        except Exception:  # noqa: BLE001 - closed by us at the end, or by the server
            return

    threading.Thread(target=read, daemon=True).start()


def open_students(server, page, count, actions, seed):
    sessions = []
    for number in range(count):
        session = StreamlitSession(server.url, page)
        session.open()
        student = StudentOnPage(session, BY_PAGE[page])
        rng = random.Random(f"{seed}-{page}-{number}")
        for _ in range(actions):
            result, _, _ = student.act(rng)
            if result is None or result.problems:
                raise RuntimeError(f"page {page!r}: {result and result.problems}")
        keep_alive(session)
        sessions.append(session)
    return sessions


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--per-page", type=int, default=5, help="students kept open on each page")
    parser.add_argument("--actions", type=int, default=6, help="actions of each student")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    extra = ["--server.disconnectedSessionTTL", str(TTL_S), "--server.enableExpensiveMemoryStats", "true"]
    server = AppServer(extra_args=extra)
    with sigterm_as_exit():
        start_all([server])
        try:
            run(server, args)
        finally:
            server.stop()


def run(server, args):
    for page in BY_PAGE:
        for _ in range(2):
            session = StreamlitSession(server.url, page)
            session.open()
            session.close()
    expire_closed_sessions(server)
    start = snapshot(server)
    print(f"after warm-up: {start['sessions']} sessions, RSS {start['rss'] / MB:.0f} MB")
    print(f"\n{args.per_page} students per page, {args.actions} actions each, kept connected")
    print(
        "| page | RSS growth per student, MB | session state per student, kB (Streamlit's pympler size; "
        "0: it could not size it) | students connected |"
    )
    print("| --- | --- | --- | --- |")
    everyone = []
    before = start
    for page in BY_PAGE:
        everyone += open_students(server, page, args.per_page, args.actions, args.seed)
        after = snapshot(server)
        state_kb = (after["state"] - before["state"]) / args.per_page / 1024
        rss_mb = (after["rss"] - before["rss"]) / args.per_page / MB
        print(f"| {page or 'playground (/)'} | {rss_mb:.1f} | {state_kb:.1f} | {after['sessions']} |")
        before = after
    full = before
    rss, state = full["rss"] / MB, full["state"] / 1024
    print(f"\nwith {len(everyone)} students: RSS {rss:.0f} MB, session state {state:.0f} kB")
    print("shared caches (bytes; bounded, the same for 1 or 100 students):")
    for name, value in sorted(full["caches"].items()):
        print(f"  {name}: {value / 1024:.0f} kB")
    for session in everyone:
        session.close()
    expire_closed_sessions(server)
    end = snapshot(server)
    freed = end["sessions"] <= 1 and end["state"] < start["state"] + 64 * 1024
    print(
        f"\nafter every student left (TTL {TTL_S} s): {end['sessions']} sessions "
        f"(the probe that expired the others may still count), session state {end['state'] / 1024:.0f} kB "
        f"(after warm-up {start['state'] / 1024:.0f} kB), RSS {end['rss'] / MB:.0f} MB "
        f"(after warm-up {start['rss'] / MB:.0f}, with everyone {full['rss'] / MB:.0f})"
    )
    print(f"sessions and their state freed: {'PASS' if freed else 'FAIL'}")


if __name__ == "__main__":
    main()
