"""Keep a resumed session off the file watcher when the server runs without one.

The production server runs with `server.fileWatcherType = "none"` (Dockerfile, docs/hosting.md): nothing
edits the code of a deployed app. Streamlit 1.67 honours that for a new session, but when a browser
reconnects and resumes its session (a phone waking up, a Wi-Fi blip, a laptop lid), the session manager
calls `AppSession.register_file_watchers()` without looking at the setting. The resumed session then
gets a source watcher, and after its next run the watcher walks every module in `sys.modules` to decide
what to watch: about 190 ms of CPU per resumed session, measured here, on the server's event loop, where
it holds up every other student's messages (and again whenever a page imports a new module).

`honour_file_watcher_setting()` makes `register_file_watchers` do nothing when the setting is "none",
which is what a new session already gets. With any other setting (`streamlit run app.py` on a laptop,
where saving a file reruns the page) it does what Streamlit does.
"""

from streamlit import config
from streamlit.runtime.app_session import AppSession

_PATCHED = "_cee_honours_file_watcher_setting"  # set on the wrapper, so that patching twice is a no-op


def honour_file_watcher_setting():
    """Once per process: AppSession.register_file_watchers returns at once when
    `server.fileWatcherType` is "none". Returns whether this call made the change."""
    original = AppSession.register_file_watchers
    if getattr(original, _PATCHED, False):
        return False

    def register_file_watchers(session):
        if config.get_option("server.fileWatcherType") == "none":
            return
        original(session)

    register_file_watchers.__doc__ = original.__doc__
    setattr(register_file_watchers, _PATCHED, True)
    AppSession.register_file_watchers = register_file_watchers
    return True
