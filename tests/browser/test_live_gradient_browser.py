"""The gradient page's live map (ui/live_landscape) in a real Chromium.

While the point moves, the map's readout (.ll-value: the loss, dL/dz, the loss at the end of the descent
path), the -grad arrow and the path are the browser's; the readout is the page's only loss and dL/dz. The
page's elements that follow the point (the z sliders, the path words, the derivation, the sweep, the
Jacobian) are dimmed under "Updates when you let go" until release; then the map shows core's numbers for
the released point, which the URL carries. An exercise link that locks the point keeps it still and grey;
one that hides it does not show the map.
"""

from __future__ import annotations

import numpy as np
import pytest
from live import (
    assert_nothing_stale,
    assert_view_first_on_a_phone,
    dimmed_during_drag,
    drag,
    exercise_query,
    open_live_page,
    undimmed_numbers,
    url_values,
    wait_for,
    wait_for_release,
)
from phone import assert_touch_kept_the_page, main_scroll, phone_page
from playwright.sync_api import expect
from st_harness import wait_idle

from topics import gradient
from topics.shared import sample

pytestmark = pytest.mark.browser

BOX = ".st-key-gr_live"
MAP = f"{BOX} .ll-overlay"
CELLS = f"{BOX} .ll-value"
PATH = f"{BOX} .ll-path"
ARROW = f"{BOX} .ll-arrow"
LOSS = f"{CELLS} >> nth=0"
SPECS = gradient.state.url_specs()
DEPENDENT = ("gr_point_sliders", "gr_map_words", "gr_sections")


def open_page(page, query=""):
    open_live_page(page, "/gradient", f"{BOX} .ll-readout", query)


def page_values(page):
    return gradient.state.default_values() | url_values(page, SPECS)


def core_cells(values):
    """core's loss, gradient and path end for these control values, as the map writes them."""
    state = gradient.state.state_from_values(values)
    land = gradient.numbers.landscape(state, values["gr_lr"], values["gr_steps"])
    core = gradient.figures.live_data(state, land, values)["core"]
    return [core["loss"], core["gradient"], core["pathEnd"]]


def map_point(page, z1, z2):
    page.locator(MAP).scroll_into_view_if_needed()
    box = page.locator(MAP).bounding_box()
    low, high = gradient.state.LOGIT_RANGE
    return (
        box["x"] + (z1 - low) / (high - low) * box["width"],
        box["y"] + (high - z2) / (high - low) * box["height"],
    )


def test_dragging_the_point_moves_the_arrow_path_and_numbers_before_release(page):
    open_page(page)
    start = gradient.state.default_values()
    assert page.locator(CELLS).all_inner_texts() == core_cells(start)
    path_before = page.locator(PATH).get_attribute("points")
    arrow_before = page.locator(ARROW).get_attribute("x2")
    points = zip(np.linspace(-1.0, 2.0, 10), np.linspace(-1.9, 3.0, 10), strict=True)
    drag(page, [map_point(page, z1, z2) for z1, z2 in points])
    held = start | {"gr_z1": 2.0, "gr_z2": 3.0}
    assert wait_for(lambda: page.locator(CELLS).all_inner_texts() == core_cells(held))
    assert page.locator(PATH).get_attribute("points") != path_before
    assert page.locator(ARROW).get_attribute("x2") != arrow_before
    assert dimmed_during_drag(page, DEPENDENT) == dict.fromkeys(DEPENDENT, True)  # the page has not run
    held_numbers = undimmed_numbers(page, BOX)
    page.mouse.up()
    assert_nothing_stale(page, BOX, held_numbers)
    wait_for_release(page, lambda: page_values(page)["gr_z1"] == 2.0 and page_values(page)["gr_z2"] == 3.0)
    assert page.locator(CELLS).all_inner_texts() == core_cells(page_values(page))


def test_the_path_follows_the_learning_rate_and_steps_in_the_url(page):
    open_page(page, "gr_lr=3&gr_steps=7&gr_t=0.5&gr_eps=0.1&gr_class=2")
    values = page_values(page)
    assert page.locator(CELLS).all_inner_texts() == core_cells(values)
    assert len(page.locator(PATH).get_attribute("points").split()) == 8
    page.mouse.move(*map_point(page, values["gr_z1"], values["gr_z2"]))
    page.mouse.down()
    page.mouse.move(*map_point(page, -4.0, 1.0))
    held = values | {"gr_z1": -4.0, "gr_z2": 1.0}
    assert wait_for(lambda: page.locator(CELLS).all_inner_texts() == core_cells(held))
    page.mouse.up()
    expect(page.locator(LOSS)).to_have_text(core_cells(held)[0])


def test_keyboard_moves_the_point(page):
    open_page(page)
    point = page.locator(MAP)
    point.focus()
    point.press("ArrowRight")
    values = gradient.state.default_values() | {"gr_z1": -0.9}
    expect(page.locator(LOSS)).to_have_text(core_cells(values)[0])
    wait_idle(page)
    point.press("PageUp")
    values |= {"gr_z2": -0.9}
    expect(page.locator(LOSS)).to_have_text(core_cells(values)[0])
    wait_for_release(page, lambda: page_values(page)["gr_z1"] == -0.9 and page_values(page)["gr_z2"] == -0.9)
    assert page.locator(CELLS).all_inner_texts() == core_cells(values)
    state = gradient.state.state_from_values(values)
    assert core_cells(values)[0] == f"{sample.evaluate(state).loss:.4f}"


def test_touch_drag_of_the_point_at_390px_does_not_scroll(chromium, app_url):
    with phone_page(chromium, app_url) as (page, touch):
        open_page(page)
        page.locator(MAP).scroll_into_view_if_needed()
        wait_idle(page)
        scroll_before = main_scroll(page)
        touch("touchStart", map_point(page, -1.0, -1.9))
        for z1 in np.linspace(-1.0, 3.0, 8):
            touch("touchMove", map_point(page, z1, -1.9))
        touch("touchEnd", None)
        wait_for_release(page, lambda: abs(page_values(page)["gr_z1"] - 3.0) <= 0.2)
        values = page_values(page)
        expect(page.locator(LOSS)).to_have_text(core_cells(values)[0])
        assert_touch_kept_the_page(page, scroll_before, MAP)


def test_an_exercise_lock_keeps_the_point_still_and_grey(page):
    open_page(page, exercise_query(lock="gr_z1"))
    point = page.locator(MAP)
    expect(point).to_have_attribute("aria-disabled", "true")
    before = page.locator(CELLS).all_inner_texts()
    drag(page, [map_point(page, z1, 2.0) for z1 in np.linspace(-1.0, 3.0, 6)])
    page.mouse.up()
    point.focus()
    point.press("ArrowRight")
    point.press("PageUp")
    assert page.locator(CELLS).all_inner_texts() == before
    assert "gr_z1=" not in page.url and "gr_z2=" not in page.url


def test_an_exercise_that_hides_the_point_does_not_show_the_map(page):
    open_page(page, exercise_query(hide="gr_z2"))
    expect(page.locator(MAP)).to_be_hidden()
    expect(page.locator(f"{BOX} .ll-map")).to_be_hidden()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_phone_shows_the_map_before_the_logit_sliders_and_a_laptop_beside_them(page, width):
    page.set_viewport_size({"width": width, "height": 844})
    open_page(page)
    assert_view_first_on_a_phone(page, width, BOX, ".st-key-live_dep_gr_point_sliders")
