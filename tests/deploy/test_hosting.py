"""Hosting: production config, the friendly error box, the Docker start command, the app without
torch/Keras, and a short load smoke through the Locust student (bench/load/)."""

import contextlib
import http.cookiejar
import json
import logging
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

import pytest
from streamlit.errors import FragmentHandledException
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException
from streamlit.testing.v1 import AppTest

from topics.shared.checks import PIP_INSTALL
from topics.shared.i18n import STRINGS
from ui import errors

REPO = Path(__file__).resolve().parents[2]
APP = str(REPO / "app.py")
sys.path.insert(0, str(REPO / "bench" / "load"))
import class_mix  # noqa: E402
from servers import AppServer, Balancer, dockerfile_argument, dockerfile_instructions, start_all  # noqa: E402
from st_client import StreamlitSession, app_pages, query_values  # noqa: E402
from st_harness import free_port  # noqa: E402

PAGES = app_pages()
ERROR_ID = re.compile(r"\b[0-9a-f]{8}\b")


# Production config


def test_config_hides_error_details_and_keeps_xsrf_on_and_usage_stats_off():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["browser"]["gatherUsageStats"] is False
    assert config["runner"]["postScriptGC"] is False
    assert config["server"]["fileWatcherType"] == "none"  # `streamlit run app.py` as the image runs


def test_every_page_of_the_registry_is_in_the_load_tests_page_list():
    scripts = {f"pages/{path.name}" for path in (REPO / "pages").glob("*.py")}
    assert sorted(script for _, script in PAGES) == sorted(scripts)
    assert [url_path for url_path, _ in PAGES].count("") == 1  # the default page lives at "/"


def test_every_page_has_a_line_in_the_load_tests_class_mix():
    """bench/load/class_mix.MIX says how many students are on each page: every page of the registry
    has one line (a new page gets a share, the shares of a class add up to all of it)."""
    assert class_mix.missing_pages() == ([], [])
    assert sum(use.share for use in class_mix.MIX) == pytest.approx(1.0)
    assert sum(class_mix.change_shares().values()) == pytest.approx(1.0)


# The friendly error box


class _Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def error_log():
    handler = _Records()
    errors.LOGGER.addHandler(handler)
    yield handler.records
    errors.LOGGER.removeHandler(handler)


@pytest.fixture
def broken_playground(monkeypatch):
    """The playground's core call raises, as a bug would."""
    from topics.shared import sample

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(sample, "evaluate", broken)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_page_error_shows_a_friendly_box_with_an_id_and_logs_the_traceback(
    broken_playground, error_log, monkeypatch, lang
):
    monkeypatch.delenv("EXPLORER_RAISE_ERRORS")  # as in production
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["lang"] = lang
    app.run()
    assert not app.exception
    box = app.error[0].value
    error_id = ERROR_ID.search(box).group()
    assert box == STRINGS[lang]["app.error"].format(error_id=error_id)
    assert "secret internal detail" not in box
    assert STRINGS[lang]["app.title"] in [title.value for title in app.title]  # the sidebar still works
    (record,) = [r for r in error_log if error_id in r.getMessage()]
    assert record.exc_info[0] is RuntimeError
    assert "secret internal detail" in record.getMessage()


def test_under_tests_the_error_is_raised_again_so_apptest_sees_it(broken_playground, error_log):
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert app.exception and "secret internal detail" in app.exception[0].message
    assert ERROR_ID.search(app.error[0].value)


@pytest.mark.parametrize(
    "control", [StopException(), RerunException(None), FragmentHandledException(), KeyboardInterrupt()]
)
def test_streamlit_control_flow_and_interrupts_pass_through_untouched(control, error_log):
    with pytest.raises(type(control)):
        with errors.friendly_errors():
            raise control
    assert not error_log


def _rerun_then_stop():
    import streamlit as st

    from ui.errors import friendly_errors

    st.session_state.setdefault("runs", 0)
    with friendly_errors():
        st.session_state.runs += 1
        if st.session_state.runs == 1:
            st.rerun()
        st.write(f"runs: {st.session_state.runs}")
        st.stop()
        st.write("after st.stop")


def test_st_rerun_and_st_stop_inside_the_wrapper_behave_as_without_it(error_log):
    app = AppTest.from_function(_rerun_then_stop, default_timeout=30).run()
    assert not app.exception and not app.error
    assert [m.value for m in app.markdown] == ["runs: 2"]
    assert not error_log


def _fragment_that_breaks():
    import streamlit as st

    from ui.errors import friendly_fragment

    @friendly_fragment
    def panel():
        if st.button("break", key="break"):
            raise RuntimeError("secret internal detail")
        st.write("panel ok")

    panel()
    st.write("page ok")


def test_an_error_inside_a_fragment_shows_the_friendly_box(error_log, monkeypatch):
    monkeypatch.delenv("EXPLORER_RAISE_ERRORS")  # as in production
    app = AppTest.from_function(_fragment_that_breaks, default_timeout=30).run()
    app.button(key="break").click().run()
    assert not app.exception
    error_id = ERROR_ID.search(app.error[0].value).group()
    assert "secret internal detail" not in app.error[0].value
    assert "page ok" in [m.value for m in app.markdown]  # the rest of the page still runs
    assert [r for r in error_log if error_id in r.getMessage()]


# The Docker image's start command, run directly (no container engine here)


def test_dockerfile_installs_from_the_cpu_index_and_checks_health():
    steps = dockerfile_instructions()
    runs = " ".join(arg for ins, arg in steps if ins == "RUN")
    assert "-r deploy/requirements-hosted.txt" in runs
    hosted = (REPO / "deploy" / "requirements-hosted.txt").read_text().splitlines()
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in hosted
    assert "-r ../requirements.txt" in hosted
    assert "torch==2.13.0" in (REPO / "requirements.txt").read_text().splitlines()  # exact pin kept
    (health,) = [arg for ins, arg in steps if ins == "HEALTHCHECK"]
    assert health.endswith("CMD curl --fail http://localhost:8501/_stcore/health")
    ignored = (REPO / ".dockerignore").read_text().splitlines()
    assert {".git", "tests", "bench"} <= set(ignored)


def test_the_dockerfile_start_command_serves_the_app_and_passes_its_health_check():
    port = free_port()
    check = shlex.split(dockerfile_argument("HEALTHCHECK").split(" CMD ", 1)[1].replace(":8501", f":{port}"))
    with AppServer(port=port) as server:  # the ENTRYPOINT exactly, with the Dockerfile's ENV
        if shutil.which(check[0]):
            assert subprocess.run(check, capture_output=True, timeout=30).returncode == 0
        with urllib.request.urlopen(check[-1], timeout=10) as response:  # what the check asks
            assert response.read() == b"ok"
        with urllib.request.urlopen(f"{server.url}/", timeout=10) as response:
            assert response.status == 200
        with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=10) as response:
            assert "_streamlit_xsrf=" in response.headers.get("Set-Cookie", "")  # XSRF protection is on
        assert "--server.address=0.0.0.0" in server.command
        assert server.command[:3] == ["streamlit", "run", "app.py"]


# Without torch and Keras


NO_FRAMEWORKS_RUN = """
import json, sys
sys.modules["torch"] = None  # import raises ModuleNotFoundError, importlib.util.find_spec returns None
sys.modules["keras"] = None
sys.path.insert(0, {repo!r})
from streamlit.testing.v1 import AppTest
from streamlit import config
config.set_option("client.showErrorDetails", "full")
app = AppTest.from_file({app!r}, default_timeout=60)
if {page!r}:
    app.switch_page({page!r})
app.run()
report = {{"exceptions": [e.message for e in app.exception]}}
for key in ("pg_check_open", "bt_check_open", "bin_check_open", "fw_check_open"):
    app.session_state[key] = True  # open the page's check panel (built only while open)
app.run()
toggles = [w for w in app.toggle if w.key in ("pg_check", "bt_check", "bin_check", "fw_check")]
for toggle in toggles:
    toggle.set_value(True)
if toggles:
    app.run()
report["exceptions"] += [e.message for e in app.exception]
report["checks"] = len(toggles)
report["infos"] = [i.value for i in app.info]
report["imported"] = [m for m in ("torch", "keras") if sys.modules.get(m) is not None]
print(json.dumps(report))
"""


@pytest.mark.parametrize("url_path, script", PAGES, ids=[script for _, script in PAGES])
def test_every_page_renders_without_torch_and_keras_and_its_check_panel_says_how_to_add_them(
    url_path, script
):
    page = script if url_path else ""  # the default page opens at "/"
    code = NO_FRAMEWORKS_RUN.format(repo=str(REPO), app=APP, page=page)
    env = dict(os.environ, EXPLORER_RAISE_ERRORS="1")
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["exceptions"] == []
    assert report["imported"] == []
    # no check panel on the gradient page, the training page (its snippets print the same losses), the
    # outputs page (it checks through its PyTorch snippet) or the lessons page (a list of lessons)
    without_panel = ("pages/gradient.py", "pages/training.py", "pages/outputs.py", "pages/lessons.py")
    assert report["checks"] == (0 if script in without_panel else 1)
    for library, package in PIP_INSTALL.items():
        says_missing = STRINGS["en"]["check.missing"].format(library=library, package=package)
        assert report["checks"] == 0 or says_missing in report["infos"]


# Load: the Locust students, briefly (bench/bench_load.py runs the full levels)


def run_load_smoke(tmp_path, *options):
    report = tmp_path / "load.json"
    done = subprocess.run(
        [sys.executable, str(REPO / "bench" / "bench_load.py"), "--smoke", "--json", str(report), *options],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (level,) = json.loads(report.read_text())["levels"]
    assert level["errors"] == 0, level["error_samples"]
    assert level["slider_changes"] > 0
    assert level["state_checks"] == level["students"] == 3  # each kept its state over a reconnect
    return level


def test_three_students_move_sliders_through_the_locust_user_class_without_errors(tmp_path):
    level = run_load_smoke(tmp_path)
    assert level["replicas"] == {"direct": 3}


needs_haproxy = pytest.mark.skipif(
    shutil.which("haproxy") is None, reason="needs Debian's haproxy (.ci/run installs it)"
)


@needs_haproxy
@pytest.mark.skipif(
    os.environ.get("EXPLORER_LOAD_BALANCER") != "1", reason="about 40 s: set EXPLORER_LOAD_BALANCER=1"
)
def test_three_students_through_haproxy_spread_over_both_replicas(tmp_path):
    level = run_load_smoke(tmp_path, "--balancer")
    assert set(level["replicas"]) == {"app1", "app2"}


def without_cookie(session, name):
    kept = http.cookiejar.CookieJar()
    for cookie in session.cookies:
        if cookie.name != name:
            kept.set_cookie(cookie)
    session.cookies = kept


@needs_haproxy
def test_haproxy_affinity_keeps_each_session_and_its_state_on_one_replica():
    with contextlib.ExitStack() as stack:
        replicas = [AppServer(), AppServer()]
        for replica in replicas:
            stack.callback(replica.stop)
        start_all(replicas)
        balancer = Balancer(replicas).start()
        stack.callback(balancer.stop)
        students = []
        for _ in range(2):
            session = StreamlitSession(balancer.url, "")
            slider = next(iter(session.open().sliders.values()))  # a fragment run publishes the URL too
            value = slider.value_at(0.9)
            session.set_slider(slider, value)
            students.append((session, session.session_id, slider.key, value))
        replicas_used = {next(c.value for c in s.cookies if c.name == "SERVERID") for s, *_ in students}
        assert replicas_used == {"app1", "app2"}  # round robin: app1, then app2

        for session, first_id, key, value in students:
            session.close()
            session.connect(resume=True)  # a network blip: same cookies, the same session asked for
            assert float(query_values(session.rerun().query_string)[key]) == value
            assert session.session_id == first_id

        # Without the affinity cookie the balancer may pick the other replica, which does not know the
        # session: its state is gone. This is what the cookie prevents. (One cookie-less request first
        # shifts the round robin, so that the reconnects do not happen to land where they were.)
        urllib.request.urlopen(f"{balancer.url}/_stcore/health", timeout=10).close()
        moved = 0
        for session, first_id, key, _ in students:
            session.close()
            without_cookie(session, "SERVERID")
            session.connect(resume=True)
            result = session.rerun()
            session.close()
            if session.session_id != first_id:
                moved += 1
                assert key not in query_values(result.query_string)
        assert moved == len(students)
