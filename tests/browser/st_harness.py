"""Run `streamlit run` servers and drive them from Chromium.

The one place for this logic: the browser tests (tests/browser/conftest.py), tools/screenshots.py (the
figure exporter's page screenshots, also behind scripts/screenshot.py) and bench/bench_playground.py all
import it (the last two put this folder on sys.path).

Facts it relies on are in shared/NOTES.md: Chromium flags, the idle rule, Streamlit's own scroll
container, the benign console noise of a deep link.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app.py"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

IDLE_SELECTOR = "[data-testid=stApp][data-test-connection-state=CONNECTED][data-test-script-state=notRunning]"
SKELETON_SELECTOR = "[data-testid=stSkeleton]"
MAIN_SCROLL_SELECTOR = "[data-testid=stMain]"  # Streamlit scrolls inside this, not the document

HEALTH_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0


def in_ci() -> bool:
    """True when CI is set to anything but an empty/false value."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------------------- processes


def _die_with_parent() -> None:  # pragma: no cover - runs in the child between fork and exec
    """Linux: the server gets SIGTERM if the process that started it dies (even by SIGKILL)."""
    with contextlib.suppress(Exception):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG = 1


def _psutil():
    try:
        import psutil
    except ImportError:
        return None
    return psutil


def process_tree(pid: int) -> list[int]:
    """`pid` and all its live descendants (psutil if installed, else /proc)."""
    psutil = _psutil()
    if psutil is not None:
        try:
            return [pid, *(child.pid for child in psutil.Process(pid).children(recursive=True))]
        except psutil.NoSuchProcess:
            return []
    if not Path(f"/proc/{pid}").exists():
        return []
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        # The command name is in parentheses and may hold spaces: the fields after ')' are state, ppid...
        ppid = int(text[text.rfind(")") + 2 :].split()[1])
        children.setdefault(ppid, []).append(int(stat.parent.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(children.get(current, []))
    return tree


def rss_bytes(pid: int) -> int:
    """Resident memory of `pid` and its descendants, summed (psutil if installed, else VmRSS)."""
    psutil = _psutil()
    total = 0
    for member in process_tree(pid):
        if psutil is not None:
            with contextlib.suppress(psutil.Error):
                total += psutil.Process(member).memory_info().rss
            continue
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{member}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024  # kB
    return total


class StreamlitServer:
    """`python -m streamlit run <script>` on a free port, from the repository root.

    Use as a context manager, or call start() / stop(). stop() ends the whole process group (the
    server is started in a session of its own) and is safe to call more than once.
    """

    def __init__(self, script: str | Path = "app.py", *, port: int | None = None, extra_args=()):
        self.script = str(script)
        self.port = port or free_port()
        self.extra_args = list(extra_args)
        self.cwd = ROOT  # the folder it runs in: another checkout of the app, for a before/after bench
        self.proc: subprocess.Popen | None = None
        self.started_at: float | None = None  # time.perf_counter() just before the process started
        self.ready_at: float | None = None  # time.perf_counter() when /_stcore/health said ok
        self._log = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def command(self) -> list[str]:
        return [
            sys.executable, "-m", "streamlit", "run", self.script,
            "--server.port", str(self.port),
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            *self.extra_args,
        ]  # fmt: skip

    def start(self, timeout: float = HEALTH_TIMEOUT_S) -> StreamlitServer:
        env = dict(os.environ, KERAS_BACKEND="torch", PYTHONUNBUFFERED="1")
        self._log = tempfile.NamedTemporaryFile(  # noqa: SIM115 - closed in stop()
            mode="w+", prefix="streamlit-", suffix=".log", delete=False
        )
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(
            self.command,
            cwd=self.cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
        try:
            self._wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise
        return self

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                code, log = self.proc.returncode, self.log_tail()
                raise RuntimeError(f"streamlit exited with code {code} before it was healthy:\n{log}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200 and resp.read().strip() == b"ok":
                        self.ready_at = time.perf_counter()
                        return
            time.sleep(0.05)
        raise TimeoutError(f"{self.url}/_stcore/health not ok after {timeout:.0f} s:\n{self.log_tail()}")

    def log_tail(self, lines: int = 40) -> str:
        if self._log is None:
            return ""
        with contextlib.suppress(OSError):
            return "\n".join(Path(self._log.name).read_text(errors="replace").splitlines()[-lines:])
        return ""

    def rss_bytes(self) -> int:
        return rss_bytes(self.proc.pid) if self.proc and self.proc.poll() is None else 0

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is not None:
            members = process_tree(proc.pid)
            _signal_all(proc.pid, members, signal.SIGTERM)
            try:
                proc.wait(STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                pass
            # Anything still alive (the server or a child that left its group) gets SIGKILL.
            _signal_all(proc.pid, [m for m in members if _alive(m)], signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(STOP_TIMEOUT_S)
        if self._log is not None:
            self._log.close()
            with contextlib.suppress(OSError):
                os.unlink(self._log.name)
            self._log = None

    def __enter__(self) -> StreamlitServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    # A zombie is dead for our purposes.
    with contextlib.suppress(OSError):
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    return True


def _signal_all(group_leader: int, members: list[int], sig: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(group_leader, sig)
    for pid in members:
        with contextlib.suppress(OSError):
            os.kill(pid, sig)


@contextlib.contextmanager
def sigterm_as_exit():
    """Turn SIGTERM into SystemExit for the block, so `finally`/`with` clean-ups still run."""

    def _raise(signum, frame):
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, _raise)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


# ----------------------------------------------------------------------------------------- browser


def launch_chromium(playwright):
    """Debian's Chromium: `playwright install` cannot download a browser here."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


_IDLE_JS = """
([idle, skeleton, settle]) => {
  const now = performance.now();
  if (!document.querySelector(idle) || document.querySelector(skeleton)) {
    window.__stIdleSince = undefined;
    return false;
  }
  if (window.__stIdleSince === undefined) window.__stIdleSince = now;
  return now - window.__stIdleSince >= settle;
}
"""

_CHARTS_READY_JS = """
() => [...document.querySelectorAll('[data-testid=stPlotlyChart]')].every(
  (el) => el.querySelector('.js-plotly-plot .main-svg'))
"""


def wait_idle(page, timeout_ms: float = 90_000, settle_ms: float = 250) -> None:
    """Wait until Streamlit is idle (NOTES.md) and has stayed idle for `settle_ms`.

    Idle: stApp CONNECTED, script notRunning, no stSkeleton left. The settle covers the moment right
    after an input, before the rerun request has flipped the script state to running.
    """
    page.evaluate("() => { window.__stIdleSince = undefined; }")
    page.wait_for_function(
        _IDLE_JS, arg=[IDLE_SELECTOR, SKELETON_SELECTOR, settle_ms], polling=50, timeout=timeout_ms
    )


def wait_charts(page, timeout_ms: float = 15_000) -> None:
    """Wait until every Plotly chart on the page has drawn its SVG."""
    page.wait_for_function(_CHARTS_READY_JS, polling=50, timeout=timeout_ms)


def horizontal_overflow(page) -> dict[str, tuple[int, int]]:
    """(scrollWidth, visible width) of the document and of Streamlit's main scroll container."""
    found = page.evaluate(
        """(mainSel) => {
          const out = {document: [document.scrollingElement.scrollWidth, window.innerWidth]};
          const main = document.querySelector(mainSel);
          if (main) out[mainSel] = [main.scrollWidth, main.clientWidth];
          return out;
        }""",
        MAIN_SCROLL_SELECTOR,
    )
    return {name: (int(a), int(b)) for name, (a, b) in found.items()}


def fit_viewport(
    page, width: int, height: int = 900, max_height: int = 6000, timeout_ms: float = 30_000
) -> None:
    """Make the viewport `width` wide and as tall as the content (NOTES.md: Streamlit scrolls inside its
    own container, so full_page would cut it), up to `max_height`; wait until idle and charts drawn."""
    page.set_viewport_size({"width": width, "height": height})
    wait_idle(page, timeout_ms)
    wait_charts(page, timeout_ms)
    content = page.evaluate(
        """(mainSel) => {
          const main = document.querySelector(mainSel);
          return Math.max(main ? main.scrollHeight : 0, document.scrollingElement.scrollHeight);
        }""",
        MAIN_SCROLL_SELECTOR,
    )
    tall = min(max(height, int(content)), max_height)
    if tall != height:
        page.set_viewport_size({"width": width, "height": tall})
        wait_idle(page, timeout_ms)
        wait_charts(page, timeout_ms)


def screenshot(page, path: str | Path, width: int, height: int = 900, max_height: int = 6000) -> Path:
    """Screenshot of the whole page at `width` (the viewport fitted to the content, see fit_viewport)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fit_viewport(page, width, height, max_height)
    page.screenshot(path=str(path))
    return path


# ------------------------------------------------------------------------------ console and errors


@dataclass(frozen=True)
class ConsoleEntry:
    kind: str  # "console" or "pageerror"
    text: str
    url: str = ""

    def __str__(self) -> str:
        return f"[{self.kind}] {self.text}" + (f" ({self.url})" if self.url else "")


# A deep link (/<page>) makes the frontend try /<page>/_stcore/health (NOTES.md) and, by the same
# fallback, /<page>/_stcore/host-config, once each (404) before it falls back to /_stcore/...
_DEEP_LINK_STCORE = re.compile(r"^https?://[^/]+/.+/_stcore/(health|host-config)$")
# A :material/...: page icon is fetched from Google's icon CDN; this machine has no network beyond
# the package registries, so that request fails with a DNS error. Not app code, not in NOTES.md yet.
_OFFLINE_ICON_HOSTS = ("fonts.gstatic.com",)


def is_benign(entry: ConsoleEntry) -> bool:
    """The documented noise only; every other console error or page error counts."""
    if entry.kind != "console" or not entry.text.startswith("Failed to load resource"):
        return False
    if "status of 404" in entry.text and _DEEP_LINK_STCORE.match(entry.url):
        return True
    if "net::ERR_NAME_NOT_RESOLVED" in entry.text and urlsplit(entry.url).hostname in _OFFLINE_ICON_HOSTS:
        return True
    return False


class ConsoleRecorder:
    """Collects console errors and page errors of one Playwright page."""

    def __init__(self, page):
        self.entries: list[ConsoleEntry] = []
        page.on("console", self._on_console)
        page.on("pageerror", self._on_pageerror)

    def _on_console(self, msg) -> None:
        if msg.type == "error":
            self.entries.append(ConsoleEntry("console", msg.text, (msg.location or {}).get("url", "")))

    def _on_pageerror(self, error) -> None:
        # The stack starts with "Name: message"; fall back to that when there is no stack.
        self.entries.append(ConsoleEntry("pageerror", error.stack or f"{error.name}: {error.message}"))

    @property
    def problems(self) -> list[ConsoleEntry]:
        return [e for e in self.entries if not is_benign(e)]


# --------------------------------------------------------------------------------------- app pages


@dataclass(frozen=True)
class PageSpec:
    name: str  # the page's name in topics.registry (its url path, or the default page's name)
    url_path: str  # "/" for the default page, "/<name>" otherwise
    script: str


def registered_pages() -> list[PageSpec]:
    """The app's pages, from topics.registry (what app.py's st.navigation is built from)."""
    if str(ROOT) not in sys.path:  # scripts and benchmarks import this file from anywhere
        sys.path.insert(0, str(ROOT))
    from topics.registry import PAGES

    return [PageSpec(page.name, f"/{page.url_path}", page.script) for page in PAGES]
