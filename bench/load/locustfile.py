"""Locust: simulated students on the explorer, each speaking Streamlit's websocket protocol.

A student opens a random page of the app (every page in topics.registry), then moves a random slider
every 2 to 4 seconds. Locust records each step as a request:

- "open":   loading the page and its first run;
- "slider": the time from sending the widget change to the server's script_finished;
- "state":  once per student, after its first change: a full rerun with no widget values and an empty
            URL, then a reconnect that resumes the session (a network blip). Both must still show the
            value the student set: the server kept the session, on the same replica behind a balancer.

A run that shows an exception or the friendly error box, a lost connection or a timeout counts as a
failure. Run it by hand with `locust -f bench/load/locustfile.py --host http://127.0.0.1:8501`, or
through bench/bench_load.py, which starts the servers and prints the table.
"""

import random
import sys
import time
from pathlib import Path

from locust import User, between, task

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(
    0, str(Path(__file__).resolve().parents[2])
)  # the repository: topics.registry lists the pages
from st_client import SessionError, StreamlitSession, app_url_paths, query_values  # noqa: E402

AFFINITY_COOKIE = "SERVERID"  # set by deploy/haproxy.cfg: which replica a browser sticks to
OPEN_SESSIONS = set()  # every student's session, so a stopped run can close what its users left open


def close_all_sessions():
    """Close the websockets of every session still open (Locust may stop users without on_stop)."""
    for session in list(OPEN_SESSIONS):
        session.close()
    OPEN_SESSIONS.clear()


class Student(User):
    wait_time = between(2, 4)
    pages = app_url_paths()

    def on_start(self):
        self.rng = random.Random()
        self.page = self.rng.choice(self.pages)
        self.session = None
        self.state_checked = False
        self._open()

    def on_stop(self):
        if self.session is not None:
            self.session.close()
            OPEN_SESSIONS.discard(self.session)

    @task
    def move_a_slider(self):
        if self.session is None:
            self._open()
            return
        if not self.session.sliders:  # a run that drew no slider: count it and start over, as a reload would
            self._timed("slider", self._no_sliders)
            return
        slider = self.rng.choice(list(self.session.sliders.values()))
        value = slider.random_value(self.rng)
        if self._timed("slider", lambda: self.session.set_slider(slider, value)) and not self.state_checked:
            self.state_checked = True
            self._timed("state", lambda: self._check_state_kept(slider.key, value))

    # Steps

    def _open(self):
        self.session = StreamlitSession(self.host, self.page)
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

    def _check_state_kept(self, key, value):
        """The server still holds `key` = `value` after a plain rerun and after resuming the session."""
        first_id = self.session.session_id
        self._expect_value(self.session.rerun(), key, value, "a full rerun")
        self.session.close()
        self.session.connect(resume=True)
        result = self.session.rerun()
        if self.session.session_id != first_id:
            raise SessionError(f"reconnect opened a new session {self.session.session_id} (was {first_id})")
        self._expect_value(result, key, value, "a reconnect")
        return result

    @staticmethod
    def _expect_value(result, key, value, after):
        shown = query_values(result.query_string).get(key)
        if shown is None or abs(float(shown) - value) > 1e-9 * max(1.0, abs(value)):
            raise SessionError(f"after {after} the URL shows {key}={shown}, expected {value}")

    def replica(self):
        """The replica the balancer's affinity cookie names ("direct" without a balancer)."""
        return next((c.value for c in self.session.cookies if c.name == AFFINITY_COOKIE), "direct")

    def _no_sliders(self):
        raise SessionError(f"page {self.page!r}: the last run drew no slider")

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
