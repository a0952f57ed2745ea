"""A resumed session gets no source watcher when the server runs without one (ui/file_watcher): Streamlit
1.67's session manager calls AppSession.register_file_watchers on every resume, whatever the setting."""

import inspect

import pytest
from streamlit.runtime.app_session import AppSession
from streamlit.runtime.websocket_session_manager import WebsocketSessionManager

from ui import file_watcher


@pytest.fixture
def streamlits_own(monkeypatch):
    """AppSession.register_file_watchers as Streamlit has it, replaced by a recorder of the sessions it is
    called with; restored after the test, with or without the wrapper."""
    calls = []
    monkeypatch.setattr(AppSession, "register_file_watchers", lambda session: calls.append(session))
    return calls


@pytest.fixture
def watcher_setting(monkeypatch):
    """Set server.fileWatcherType for the test: returns a function taking the value."""
    real_get_option = file_watcher.config.get_option

    def set_to(value):
        monkeypatch.setattr(
            file_watcher.config,
            "get_option",
            lambda name: value if name == "server.fileWatcherType" else real_get_option(name),
        )

    return set_to


def test_without_a_watcher_a_resumed_session_registers_none(streamlits_own, watcher_setting):
    assert file_watcher.honour_file_watcher_setting()
    watcher_setting("none")
    AppSession.register_file_watchers("a resumed session")
    assert streamlits_own == []


@pytest.mark.parametrize("setting", ["auto", "poll", "watchdog"])
def test_with_a_watcher_streamlit_registers_it(streamlits_own, watcher_setting, setting):
    file_watcher.honour_file_watcher_setting()
    watcher_setting(setting)
    AppSession.register_file_watchers("a resumed session")
    assert streamlits_own == ["a resumed session"]


def test_the_change_is_made_once(streamlits_own, watcher_setting):
    assert file_watcher.honour_file_watcher_setting()
    assert not file_watcher.honour_file_watcher_setting()
    watcher_setting("auto")
    AppSession.register_file_watchers("a resumed session")
    assert streamlits_own == ["a resumed session"]  # one wrapper, not a wrapper of a wrapper


def test_streamlit_still_registers_watchers_on_resume():
    """What the module works around. When a Streamlit upgrade checks the setting on resume itself (or
    stops calling it), this fails: then ui/file_watcher.py can go."""
    resume = inspect.getsource(WebsocketSessionManager._resume_stored_session)
    assert "register_file_watchers()" in resume
    assert "fileWatcherType" not in resume
