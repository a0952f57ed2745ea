"""The server freezes what a page's first run leaves alive (ui/garbage_collection), once per page, and
never inside a test process."""

import gc
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ui import garbage_collection

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def gc_calls(monkeypatch):
    """Record gc.collect and gc.freeze calls instead of making them (this is the test process), with no
    page frozen after yet."""
    calls = []
    monkeypatch.setattr(garbage_collection.gc, "collect", lambda: calls.append("collect"))
    monkeypatch.setattr(garbage_collection.gc, "freeze", lambda: calls.append("freeze"))
    monkeypatch.setattr(garbage_collection, "_frozen_after", set())
    return calls


def test_each_page_freezes_once_after_a_collection(gc_calls):
    assert garbage_collection.freeze_after_first_run("binary", enabled=True)
    assert gc_calls == ["collect", "freeze"]
    assert not garbage_collection.freeze_after_first_run("binary", enabled=True)
    assert garbage_collection.freeze_after_first_run("", enabled=True)  # the playground, at /
    assert gc_calls == ["collect", "freeze", "collect", "freeze"]


def test_nothing_is_frozen_when_disabled(gc_calls):
    assert not garbage_collection.freeze_after_first_run("binary", enabled=False)
    assert gc_calls == []


def test_outside_a_server_nothing_is_frozen():
    assert not garbage_collection.in_streamlit_server()  # pytest: no Streamlit runtime at all
    frozen_before = gc.get_freeze_count()
    app = AppTest.from_file(APP, default_timeout=60).run()  # AppTest: a stand-in runtime
    assert not app.exception
    assert gc.get_freeze_count() == frozen_before
