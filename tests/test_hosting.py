"""Hosting: production config, the friendly error box, the Docker start command, the app without
torch/Keras, and a short load smoke through the Locust student (bench/load/)."""

import json
import logging
import os
import re
import shlex
import subprocess
import sys
import tomllib
import urllib.request
from pathlib import Path

import pytest
from streamlit.errors import FragmentHandledException
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException
from streamlit.testing.v1 import AppTest

from core.i18n import STRINGS
from ui import errors

REPO = Path(__file__).resolve().parents[1]
APP = str(REPO / "app.py")
sys.path.insert(0, str(REPO / "bench" / "load"))
sys.path.insert(0, str(REPO / "tests" / "browser"))
from st_client import app_pages  # noqa: E402
from st_harness import StreamlitServer, free_port  # noqa: E402

PAGES = app_pages(APP)
ERROR_ID = re.compile(r"\b[0-9a-f]{8}\b")


# Production config


def test_config_hides_error_details_and_keeps_xsrf_on_and_usage_stats_off():
    config = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["server"]["enableXsrfProtection"] is True
    assert config["browser"]["gatherUsageStats"] is False
    assert config["runner"]["postScriptGC"] is False


def test_every_page_of_app_py_is_in_the_load_tests_page_list():
    registered = re.findall(r'st\.Page\(\s*"(pages/[^"]+\.py)"', Path(APP).read_text())
    assert sorted(script for _, script in PAGES) == sorted(registered)
    assert [url_path for url_path, _ in PAGES].count("") == 1  # the default page lives at "/"


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
    from core import playground

    def broken(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(playground, "evaluate", broken)


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


# The Docker image's start command, run directly (no container engine here)


def dockerfile_instructions():
    """(instruction, argument) pairs of the Dockerfile, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", (REPO / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [tuple(line.split(None, 1)) for line in lines]


def dockerfile_env():
    env = {}
    for instruction, argument in dockerfile_instructions():
        if instruction == "ENV":
            env.update(item.split("=", 1) for item in shlex.split(argument))
    return env


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


class DockerEntrypoint(StreamlitServer):
    """The Dockerfile's ENTRYPOINT, exactly, on a free port instead of 8501."""

    @property
    def command(self):
        (entrypoint,) = [json.loads(arg) for ins, arg in dockerfile_instructions() if ins == "ENTRYPOINT"]
        return [arg.replace("=8501", f"={self.port}") for arg in entrypoint]


def test_the_dockerfile_start_command_serves_the_app_and_passes_its_health_check(monkeypatch):
    for name, value in dockerfile_env().items():
        monkeypatch.setenv(name, value)
    port = free_port()
    (health,) = [arg for ins, arg in dockerfile_instructions() if ins == "HEALTHCHECK"]
    check = shlex.split(health.split(" CMD ", 1)[1].replace(":8501", f":{port}"))
    with DockerEntrypoint(port=port) as server:
        assert subprocess.run(check, capture_output=True, timeout=30).returncode == 0
        with urllib.request.urlopen(f"{server.url}/", timeout=10) as response:
            assert response.status == 200
        with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=10) as response:
            assert "_streamlit_xsrf=" in response.headers.get("Set-Cookie", "")  # XSRF protection is on
        assert "0.0.0.0" in " ".join(server.command)


# Without torch and Keras


NO_FRAMEWORKS_RUN = """
import json, sys
sys.modules["torch"] = None  # import raises ModuleNotFoundError, importlib.util.find_spec returns None
sys.modules["keras"] = None
sys.path.insert(0, {repo!r})
from streamlit.testing.v1 import AppTest
from streamlit import config
config.set_option("client.showErrorDetails", "full")
check_label = {check_label!r}
app = AppTest.from_file({app!r}, default_timeout=60)
if {page!r}:
    app.switch_page({page!r})
app.run()
report = {{"exceptions": [e.message for e in app.exception]}}
toggles = [w for w in app.toggle if w.label == check_label]
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
    check_label = STRINGS["en"]["check.open"]
    code = NO_FRAMEWORKS_RUN.format(repo=str(REPO), app=APP, page=page, check_label=check_label)
    env = dict(os.environ, EXPLORER_RAISE_ERRORS="1")
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["exceptions"] == []
    assert report["imported"] == []
    for library in ("torch", "keras"):
        says_missing = STRINGS["en"]["check.missing"].split("{package}")[0].format(library=library)
        assert report["checks"] == 0 or any(info.startswith(says_missing) for info in report["infos"])
