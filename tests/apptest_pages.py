"""Opening a page of the app under Streamlit's AppTest: the one helper the page tests share."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def open_app_page(page, timeout=90, **query):
    """AppTest of app.py with `query` in the URL, switched to `page` (e.g. "pages/batch.py") and run
    once; fails if the run raised."""
    app = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in query.items():
        app.query_params[key] = value
    app.switch_page(page).run()
    assert not app.exception, app.exception
    return app
