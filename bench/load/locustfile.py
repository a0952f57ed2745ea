"""Locust: simulated students on the explorer, each speaking Streamlit's websocket protocol.

A student opens a page of the app drawn by the class mix (class_mix.MIX: how many of a class are on each
page), then acts there as class_mix.StudentOnPage says (on most pages: moves a random slider) and waits
the page's time between actions (2 to 4 s on most pages; 10 to 20 s on the training page, whose playback
runs in the browser). Locust records each step as a request:

- "open":   loading the page and its first run;
- "slider": an action (a slider change; on the lessons path also a lesson's start or the way back to
            the lessons page): the time from sending it to the server's script_finished;
- "state":  once per student, after its first slider change: a full rerun with no widget values and an
            empty URL, then a reconnect that resumes the session (a network blip). Both must still show
            the URL the change published (with the value the student set): the server kept the session,
            on the same replica behind a balancer.

A run that shows an exception or the friendly error box, a lost connection or a timeout counts as a
failure. Run it by hand with `locust -f bench/load/locustfile.py --host http://127.0.0.1:8501`, or
through bench/bench_load.py, which starts the servers and prints the table.
"""

import random
import sys
import time
from pathlib import Path

from locust import User, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(
    0, str(Path(__file__).resolve().parents[2])
)  # the repository: topics.registry lists the pages
from class_mix import BY_PAGE, MIX, StudentOnPage  # noqa: E402
from st_client import SessionError, StreamlitSession, query_values  # noqa: E402

AFFINITY_COOKIE = "SERVERID"  # set by deploy/haproxy.cfg: which replica a browser sticks to
OPEN_SESSIONS = set()  # every student's session, so a stopped run can close what its users left open


def close_all_sessions():
    """Close the websockets of every session still open (Locust may stop users without on_stop)."""
    for session in list(OPEN_SESSIONS):
        session.close()
    OPEN_SESSIONS.clear()


class Student(User):
    pages = [use.page for use in MIX]
    # None: a student draws one page of the class mix and stays there. bench_load's one-student level (the
    # p90 rule's reference) sets `tour` instead: its lone student visits every page of the mix in turn, for
    # `actions_per_visit` actions each, so the reference has changes on every page the class acts on (a
    # drawn page or a few gave 25 ms in one run and 90 ms in the next, and no change on the slow pages).
    tour = None
    actions_per_visit = 0
    # None: the page's own wait between actions (class_mix.MIX). The reference sets a short one: alone on
    # the server, a student's change finds it idle after any wait longer than the slowest run (< 1 s).
    wait_seconds = None
    # None: every run draws anew. A number: the n-th student to start draws the same pages, sliders, values
    # and waits in every run (bench_load --seed), so two runs differ by the server, not by the draw.
    seed = None
    students_started = 0

    def on_start(self):
        Student.students_started += 1
        if self.seed is None:
            self.rng = random.Random()
        else:
            self.rng = random.Random(f"{self.seed}/{Student.students_started}")
        self.session = None
        self.state_checked = False
        self.visits = 0
        self._visit_a_page()

    def _visit_a_page(self):
        if self.tour:
            self.use = BY_PAGE[self.tour[self.visits % len(self.tour)]]
        else:
            self.use = self.rng.choices(MIX, weights=[use.share for use in MIX])[0]
        self.visits += 1
        self.page = self.use.page
        self.actions_here = 0
        self._open()

    def on_stop(self):
        if self.session is not None:
            self.session.close()
            OPEN_SESSIONS.discard(self.session)

    def wait_time(self):
        return self.wait_seconds or self.rng.uniform(*self.use.wait_seconds)

    @task
    def act(self):
        if self.session is None:
            self._open()
            return
        if self.actions_per_visit and self.actions_here >= self.actions_per_visit:
            self.on_stop()
            self._visit_a_page()
            return
        self.actions_here += 1
        action = {}
        if self._timed("slider", lambda: self._act(action)) and action["key"] and not self.state_checked:
            self.state_checked = True
            self._timed("state", lambda: self._check_state_kept(**action))

    # Steps

    def _open(self):
        self.session = StreamlitSession(self.host, self.page)
        self.student = StudentOnPage(self.session, self.use)
        OPEN_SESSIONS.add(self.session)
        if self._timed("open", self.session.open) is not None:
            self.environment.events.request.fire(
                request_type="replica",
                name=self.replica(),
                response_time=0,
                response_length=0,
                exception=None,
                context={},
            )

    def _act(self, action):
        """One action of the student on the page; its result, key and value go into `action`."""
        result, action["key"], action["value"] = self.student.act(self.rng)
        if result is None:  # a run that drew no slider: count it and start over, as a reload would
            raise SessionError(f"page {self.session.page!r}: the last run drew no slider")
        action["result"] = result
        return result

    def _check_state_kept(self, result, key, value):
        """After a plain rerun and after resuming the session, the server publishes the URL it published
        after the change whose run was `result` (which holds `key` = `value`, unless a lesson's page)."""
        expected = query_values(result.query_string)
        if self.use.page != "lessons":  # a lesson's page starts off its defaults: the value may be one
            self._expect_value(expected, key, value, "the change")
        first_id = self.session.session_id
        self._expect_url(self.session.rerun(), expected, "a full rerun")
        self.session.close()
        self.session.connect(resume=True)
        result = self.session.rerun()
        if self.session.session_id != first_id:
            raise SessionError(f"reconnect opened a new session {self.session.session_id} (was {first_id})")
        self._expect_url(result, expected, "a reconnect")
        return result

    @staticmethod
    def _expect_value(query, key, value, after):
        shown = query.get(key)
        if shown is None or abs(float(shown) - value) > 1e-9 * max(1.0, abs(value)):
            raise SessionError(f"after {after} the URL shows {key}={shown}, expected {value}")

    @staticmethod
    def _expect_url(result, expected, after):
        shown = query_values(result.query_string)
        if shown != expected:
            raise SessionError(f"after {after} the URL shows {shown}, expected {expected}")

    def replica(self):
        """The replica the balancer's affinity cookie names ("direct" without a balancer)."""
        return next((c.value for c in self.session.cookies if c.name == AFFINITY_COOKIE), "direct")

    def _timed(self, name, step):
        """Run `step`, report it to Locust as a request named `name`; its result, or None on failure."""
        started = time.perf_counter()
        result, failure = None, None
        try:
            result = step()
            if result.problems:
                failure = SessionError("; ".join(result.problems)[:300])
        except (SessionError, OSError) as error:
            failure = error
            self.on_stop()
            self.session = None  # the next task opens a new session, as a reload would
        seconds = result.seconds if result is not None and name == "slider" else time.perf_counter() - started
        self.environment.events.request.fire(
            request_type="ws",
            name=name,
            response_time=seconds * 1000,
            response_length=0,
            exception=failure,
            context={"page": self.page},
        )
        return None if failure else result
