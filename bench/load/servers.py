"""The servers a load test runs against: app replicas started as the Docker image starts them, and
HAProxy with deploy/haproxy.cfg in front of them. Both stop everything they started."""

import contextlib
import csv
import io
import json
import os
import re
import shlex
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
from st_harness import StreamlitServer, free_port, rss_bytes  # noqa: E402

HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"
HAPROXY_COMPOSE_CONFIG = ROOT / "deploy" / "haproxy-compose.cfg"


def dockerfile_instructions():
    """(instruction, argument) pairs of the Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [tuple(line.split(None, 1)) for line in lines]


def dockerfile_argument(instruction):
    (argument,) = [arg for ins, arg in dockerfile_instructions() if ins == instruction]
    return argument


def dockerfile_env():
    """The Dockerfile's ENV settings, {name: value}: the production environment of the app."""
    env = {}
    for instruction, argument in dockerfile_instructions():
        if instruction == "ENV":
            env.update(item.split("=", 1) for item in shlex.split(argument))
    return env


class AppServer(StreamlitServer):
    """The Dockerfile's ENTRYPOINT with its ENV, on a free port instead of 8501.

    `extra_args` are added after it (the bench shortens server.disconnectedSessionTTL, so that the
    memory of closed sessions is released within the run)."""

    @property
    def command(self):
        entrypoint = json.loads(dockerfile_argument("ENTRYPOINT"))
        return [arg.replace("=8501", f"={self.port}") for arg in entrypoint] + self.extra_args

    def start(self, timeout=120):
        saved = dict(os.environ)
        os.environ.update(dockerfile_env())
        # `streamlit` from this Python's environment, as the image's PATH finds its own.
        os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
        try:
            return super().start(timeout)
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def rss(self):
        return rss_bytes(self.proc.pid) if self.proc and self.proc.poll() is None else 0

    def metrics(self):
        """Streamlit's /_stcore/metrics (OpenMetrics text) as {"name{labels}": value}, e.g.
        "active_sessions" and 'cache_memory_bytes{cache_type="st_session_state",cache=""}'."""
        with urllib.request.urlopen(f"{self.url}/_stcore/metrics", timeout=10) as response:
            lines = response.read().decode().splitlines()
        pairs = (line.rsplit(" ", 1) for line in lines if line and not line.startswith("#"))
        return {name: float(value) for name, value in pairs}


class LoopbackAppServer(AppServer):
    """An AppServer on its own loopback address (127.0.0.2, 127.0.0.3, ...) instead of 0.0.0.0: several
    replicas on one port under one DNS name, as containers of a compose service each have an address."""

    def __init__(self, address, port, extra_args=()):
        super().__init__(port=port, extra_args=extra_args)
        self.address = address

    @property
    def url(self):
        return f"http://{self.address}:{self.port}"

    @property
    def command(self):
        return [arg.replace("=0.0.0.0", f"={self.address}") for arg in super().command]


def start_all(servers):
    """Start the servers one after the other, from this thread: st_harness sets PR_SET_PDEATHSIG, which
    signals the child when the thread that started it ends, so a worker thread would stop them."""
    for server in servers:
        server.start()


class Balancer:
    """HAProxy in the foreground with deploy/haproxy.cfg, ports given through its environment."""

    config = HAPROXY_CONFIG

    def __init__(self, replicas):
        self.replicas = replicas
        self.port = free_port()
        self.stats_port = free_port()
        self.proc = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def environment(self):
        """What deploy/haproxy.cfg reads: its own ports and the two replicas' addresses."""
        return {
            "REPLICA1": f"127.0.0.1:{self.replicas[0].port}",
            "REPLICA2": f"127.0.0.1:{self.replicas[1].port}",
        }

    def start(self, timeout=90):
        env = dict(
            os.environ,
            EXPLORER_ADDR="127.0.0.1",
            EXPLORER_PORT=str(self.port),
            STATS_PORT=str(self.stats_port),
            **self.environment(),
        )
        self.proc = subprocess.Popen(
            ["haproxy", "-db", "-f", str(self.config)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        )  # fmt: skip
        deadline = time.monotonic() + timeout
        rows = []
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"haproxy exited: {self.proc.stderr.read().decode(errors='replace')}")
            with contextlib.suppress(OSError, KeyError):
                rows = self.server_rows()
                if sum(row["status"] == "UP" for row in rows) == len(self.replicas):
                    return self
            time.sleep(0.2)
        self.stop()
        states = [(row.get("svname"), row.get("status"), row.get("check_desc")) for row in rows]
        raise TimeoutError(f"haproxy did not report all {len(self.replicas)} replicas UP: {states}")

    def server_rows(self):
        """HAProxy's statistics row of each replica (status, stot = sessions so far, ...)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{self.stats_port}/stats;csv", timeout=5) as response:
            text = response.read().decode().lstrip("# ")
        rows = csv.DictReader(io.StringIO(text))
        return [row for row in rows if row["pxname"] == "replicas" and row["svname"] not in ("BACKEND",)]

    def stop(self):
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


class DiscoveringBalancer(Balancer):
    """HAProxy with deploy/haproxy-compose.cfg: it finds the replicas by asking the DNS server `dns` (a
    bench/load/dns_stub.DnsStub here, Docker's DNS in compose) for `name`, all on one port."""

    config = HAPROXY_COMPOSE_CONFIG

    def __init__(self, replicas, dns, name):
        super().__init__(replicas)
        self.dns, self.name = dns, name

    def environment(self):
        return {
            "DNS_SERVER": self.dns.address,
            "REPLICAS": self.name,
            "REPLICA_PORT": str(self.replicas[0].port),
            "REPLICA_SLOTS": str(len(self.replicas) + 2),  # free slots, as for a scale-up
        }
