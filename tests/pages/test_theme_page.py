"""The sidebar's theme switch through AppTest: the URL sets it, it writes the URL, and the charts are drawn
in the chosen theme (what the browser does with it is in tests/browser/test_theme_browser.py)."""

import json

import pytest

from apptest_pages import open_app_page
from topics.shared.figures import THEMES


def chart_papers(app):
    return {
        json.loads(chart.proto.spec)["layout"]["template"]["layout"]["paper_bgcolor"]
        for chart in app.get("plotly_chart")
    }


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_link_sets_the_theme_and_the_charts_follow(theme):
    app = open_app_page("binary", theme=theme)
    assert app.segmented_control(key="theme").value == theme
    assert chart_papers(app) == {THEMES[theme]["paper"]}
    assert app.query_params["theme"] == theme


@pytest.mark.parametrize("raw", ["purple", "<script>", "dark" * 100])
def test_a_bad_theme_in_the_link_falls_back_to_auto(raw):
    app = open_app_page("batch", theme=raw)
    assert app.segmented_control(key="theme").value == "auto"
    assert "theme" not in app.query_params


def test_the_switch_writes_the_url_and_auto_leaves_it():
    app = open_app_page("batch")
    assert app.segmented_control(key="theme").value == "auto" and "theme" not in app.query_params
    app.segmented_control(key="theme").set_value("dark").run()
    assert app.query_params["theme"] == "dark"
    assert chart_papers(app) == {THEMES["dark"]["paper"]}
    app.switch_page("pages/gradient.py").run()
    assert not app.exception
    assert app.segmented_control(key="theme").value == "dark" and app.query_params["theme"] == "dark"
    app.segmented_control(key="theme").set_value("auto").run()
    assert "theme" not in app.query_params
