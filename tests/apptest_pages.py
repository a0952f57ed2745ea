"""Opening a page of the app under Streamlit's AppTest: the one helper the page tests share."""

import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from topics.registry import BY_NAME

APP = str(Path(__file__).resolve().parents[1] / "app.py")


def page_script(name):
    """The script of a page, by its name in topics.registry ("batch" -> "pages/batch.py")."""
    return BY_NAME[name].script


def open_app_page(name, timeout=90, **query):
    """AppTest of app.py with `query` in the URL, switched to the page `name` (as in topics.registry)
    and run once; fails if the run raised."""
    app = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in query.items():
        app.query_params[key] = value
    app.switch_page(page_script(name)).run()
    assert not app.exception, app.exception
    return app


def component_data(app, component_name):
    """The `data` the page sent to its one live component `component_name` (a components v2 element:
    AppTest sees its data, not its JavaScript), with the exercise's "locked"/"hidden" keys if any."""
    found = [c.proto for c in app.get("bidi_component") if c.proto.component_name == component_name]
    assert len(found) == 1, f"{len(found)} {component_name} components"
    return json.loads(found[0].json)
