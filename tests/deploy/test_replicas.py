"""deploy/compose.yaml's topology as local processes: three replicas, each on its own loopback address
and the same port (as containers of one service), found by HAProxy with deploy/haproxy-compose.cfg
through DNS (a stub server answering for the service name, as Docker's DNS does), six students.

A student's session stays on one replica across reruns and a reconnect; when one replica is killed,
only its students lose their connection, and they get their page back from their URL on another
replica, while the others carry on without an error."""

import contextlib
import random
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bench" / "load"))
from dns_stub import DnsStub  # noqa: E402
from servers import DiscoveringBalancer, LoopbackAppServer, start_all  # noqa: E402
from st_client import SessionError, StreamlitSession, query_values  # noqa: E402
from st_harness import free_port  # noqa: E402

SERVICE = "replicas.explorer.test"
ADDRESSES = ("127.0.0.2", "127.0.0.3", "127.0.0.4")
STUDENTS = 6
AFFINITY_COOKIE = "SERVERID"

pytestmark = pytest.mark.skipif(shutil.which("haproxy") is None, reason="needs Debian's haproxy")


class Student:
    """One browser tab on the playground through the balancer, with the value it set and its URL."""

    def __init__(self, url, seed):
        self.session = StreamlitSession(url, "")
        self.session.open()
        self.slider = sorted(self.session.sliders.values(), key=lambda slider: slider.key)[0]
        self.value = self.slider.random_value(random.Random(seed))  # not the default: it is in the URL
        self.url_query = self.session.set_slider(self.slider, self.value).query_string
        self.session_id = self.session.session_id
        self.cookie = self.affinity()

    def affinity(self):
        return next(c.value for c in self.session.cookies if c.name == AFFINITY_COOKIE)

    def shown_value(self, result):
        return float(query_values(result.query_string).get(self.slider.key, "nan"))

    def rerun_ok(self):
        """A plain rerun on the open connection: True if the replica answered without a problem."""
        try:
            result = self.session.rerun()
        except SessionError:
            return False
        assert not result.problems, result.problems
        assert self.shown_value(result) == self.value
        return True

    def reload(self):
        """What the browser does after losing its replica: load the page again (its URL carries the
        state) and start a new session, wherever the balancer sends it."""
        self.session.close()
        self.session.load_page()
        self.session.connect()
        first = self.session.rerun(query_string=self.url_query)
        return first, self.session.rerun()  # an empty URL sent: the page writes it from its state


@pytest.fixture
def topology():
    port = free_port()
    replicas = [LoopbackAppServer(address, port) for address in ADDRESSES]
    with contextlib.ExitStack() as stack:
        dns = stack.enter_context(DnsStub(SERVICE, ADDRESSES))
        for replica in replicas:
            stack.callback(replica.stop)
        start_all(replicas)
        balancer = DiscoveringBalancer(replicas, dns, SERVICE).start()
        stack.callback(balancer.stop)
        yield replicas, balancer


def test_sessions_stay_on_one_replica_and_a_killed_replica_moves_only_its_students(topology):
    replicas, balancer = topology
    students = [Student(balancer.url, seed) for seed in range(STUDENTS)]
    assert len({student.cookie for student in students}) == len(replicas)  # round robin over all three
    sessions = [int(replica.metrics()["active_sessions"]) for replica in replicas]
    assert sessions == [STUDENTS // len(replicas)] * len(replicas)

    for student in students:  # reruns and a network blip: the same session, so the same replica
        assert student.rerun_ok()
        student.session.close()
        student.session.connect(resume=True)
        assert student.shown_value(student.session.rerun()) == student.value
        assert (student.session.session_id, student.affinity()) == (student.session_id, student.cookie)

    replicas[0].stop()
    answered = {student: student.rerun_ok() for student in students}
    lost = [student for student, ok in answered.items() if not ok]
    assert len(lost) == sessions[0]
    assert len({student.cookie for student in lost}) == 1  # all from the one replica
    for student in students:
        if answered[student]:  # the others: same session, no error
            assert student.cookie != lost[0].cookie
            assert student.session.session_id == student.session_id

    for student in lost:
        first_run, result = student.reload()
        assert not first_run.problems and not result.problems, first_run.problems + result.problems
        assert student.session.session_id != student.session_id  # a new session on another replica
        assert student.affinity() not in (student.cookie, None)
        assert student.shown_value(result) == student.value  # the page came back from the URL
    survivors = [int(replica.metrics()["active_sessions"]) for replica in replicas[1:]]
    assert sum(survivors) == STUDENTS
    for student in students:
        student.session.close()
