"""The binary page's live chart (ui/live_binary) in a real Chromium.

While the point or y moves, the chart's readout (.lb-value cells: both torch losses, both Keras values,
H(y), KL, dL/dz, dL/dp, pos_weight's effect, the linked value) is computed in the browser; it is the page's
only readout of them. The page's elements that depend on the prediction or y (sliders, formula, curves,
gradients, bridge) are dimmed under "Updates when you let go" until release; then the chart shows core's
numbers for the released state, which the URL carries. The float32 ends (z = 20, p = 0) show what the
frameworks give there. An exercise link's locked controls stay still and grey; hidden ones are not shown.
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

from topics import binary
from topics.shared.formatting import fmt

pytestmark = pytest.mark.browser

BOX = ".st-key-bin_live"
CHART = f"{BOX} .lb-chart"
Y_KNOB = f"{BOX} .lb-knob-track"
CELLS = f"{BOX} .lb-value"
NOTE = f"{BOX} .lb-note"
FIRST_LOSS = f"{CELLS} >> nth=0"  # BCEWithLogitsLoss: core's whenever nothing moves
SPECS = binary.state.url_specs()
WIDTH, PAD_LEFT, PAD_RIGHT = 600, 40, 12  # the chart's viewBox (live_binary.js)
NAMES = ("bceLogits", "bceProbs", "kerasLogits", "kerasProbs", "floor", "kl", "gradZ", "gradP")
DEPENDENT = ("bin_sliders", "bin_formula", "bin_curves_box", "bin_grad_box", "bin_check_box")


def open_page(page, query=""):
    open_live_page(page, "/binary", f"{BOX} .lb-readout", query)  # there even if the chart is hidden


def url_state(page):
    defaults = {spec.key: spec.default for spec in SPECS}
    return binary.state.state_from_values(defaults | url_values(page, SPECS))


def core_cells(state):
    """core's readout for `state` as the chart writes it."""
    readout = binary.numbers.evaluate(state)
    data = binary.figures.live_data(state, readout)
    return [data["core"][name] for name in NAMES]


def shown_cells(page):
    return page.locator(CELLS).all_inner_texts()[: len(NAMES)]


def chart_point(page, value, form="logit"):
    page.locator(CHART).scroll_into_view_if_needed()
    box = page.locator(CHART).bounding_box()
    low, high = binary.state.LOGIT_RANGE if form == "logit" else (0.0, 1.0)
    scale = box["width"] / WIDTH
    x = box["x"] + (PAD_LEFT + (value - low) / (high - low) * (WIDTH - PAD_LEFT - PAD_RIGHT)) * scale
    return x, box["y"] + box["height"] / 2


def knob_point(page, value):
    page.locator(Y_KNOB).scroll_into_view_if_needed()
    box = page.locator(Y_KNOB).bounding_box()
    return box["x"] + value * box["width"], box["y"] + box["height"] / 2


def test_dragging_the_point_moves_every_readout_before_release_and_core_has_the_last_word(page):
    open_page(page)
    before = shown_cells(page)
    drag(page, [chart_point(page, z) for z in np.linspace(2.35, -3.0, 12)])
    assert wait_for(lambda: page.locator(CHART).get_attribute("aria-valuenow") == "-3")
    held = binary.state.BinaryState(z=-3.0)
    assert shown_cells(page) == core_cells(held) != before  # the browser's numbers, equal to core's
    assert dimmed_during_drag(page, DEPENDENT) == dict.fromkeys(DEPENDENT, True)  # the page has not run
    held_numbers = undimmed_numbers(page, BOX)
    page.mouse.up()
    assert_nothing_stale(page, BOX, held_numbers)
    wait_for_release(page, lambda: "bin_z=-3" in page.url)
    assert shown_cells(page) == core_cells(url_state(page)) == core_cells(held)


def test_during_a_y_drag_no_number_outside_the_chart_is_stale(page):
    open_page(page, "bin_pw=2")
    drag(page, [knob_point(page, y) for y in np.linspace(0.92, 0.4, 8)])
    assert wait_for(lambda: page.locator(Y_KNOB).get_attribute("aria-valuenow") == "0.4")
    assert shown_cells(page) == core_cells(binary.state.BinaryState(y=0.4, pos_weight=2.0))
    cue = page.evaluate(
        "() => getComputedStyle(document.querySelector('.st-key-live_dep_bin_formula'), '::before').content"
    )
    assert "Updates when you let go" in cue
    held_numbers = undimmed_numbers(page, BOX)
    page.mouse.up()
    assert_nothing_stale(page, BOX, held_numbers)
    assert not any(dimmed_during_drag(page, DEPENDENT).values())


def test_the_float32_end_z_20_shows_what_the_frameworks_give(page):
    open_page(page, "bin_pw=3")
    drag(page, [chart_point(page, z) for z in np.linspace(2.35, 20.0, 10)])
    assert wait_for(lambda: page.locator(CHART).get_attribute("aria-valuenow") == "20")
    held = binary.state.BinaryState(z=20.0, pos_weight=3.0)
    cells = shown_cells(page)
    assert cells == core_cells(held)
    assert cells[1] == fmt(100 * (1 - np.float32(0.92)))  # BCELoss: p = 1 in float32, log(1 - p) clamped
    expect(page.locator(NOTE)).to_contain_text("p = 1")
    page.mouse.up()
    wait_for_release(page, lambda: "bin_z=20" in page.url)
    expect(page.locator(FIRST_LOSS)).to_have_text(core_cells(held)[0])


def test_probability_form_drags_p_to_0_and_keras_clips_it(page):
    open_page(page, "bin_form=prob")
    drag(page, [chart_point(page, p, "prob") for p in np.linspace(0.913, 0.0, 10)])
    assert wait_for(lambda: page.locator(CHART).get_attribute("aria-valuenow") == "0")
    held = binary.state.BinaryState(form="prob", p=0.0)
    cells = shown_cells(page)
    assert cells == core_cells(held)
    assert cells[1] == fmt(np.float32(0.92) * 100) and cells[3] == "14.8286"  # BCELoss clamp, Keras clip
    page.mouse.up()
    wait_for_release(page, lambda: "bin_p=0" in page.url)
    assert shown_cells(page) == core_cells(url_state(page))


def test_dragging_y_moves_the_readouts_and_releases_to_core(page):
    open_page(page, "bin_pw=2&bin_ls=0.1")
    drag(page, [knob_point(page, y) for y in np.linspace(0.92, 0.3, 10)])
    assert wait_for(lambda: page.locator(Y_KNOB).get_attribute("aria-valuenow") == "0.3")
    held = binary.state.BinaryState(y=0.3, pos_weight=2.0, smoothing=0.1)
    assert shown_cells(page) == core_cells(held)
    page.mouse.up()
    wait_for_release(page, lambda: "bin_y=0.3" in page.url)
    expect(page.locator(FIRST_LOSS)).to_have_text(core_cells(held)[0])


def test_keyboard_moves_the_point_and_y(page):
    open_page(page)
    chart = page.locator(CHART)
    chart.focus()
    chart.press("PageDown")
    expect(chart).to_have_attribute("aria-valuenow", "2.25")
    expect(page.locator(FIRST_LOSS)).to_have_text(core_cells(binary.state.BinaryState(z=2.25))[0])
    knob = page.locator(Y_KNOB)
    knob.focus()
    knob.press("Home")
    expect(knob).to_have_attribute("aria-valuenow", "0")
    state = binary.state.BinaryState(z=2.25, y=0.0)
    expect(page.locator(FIRST_LOSS)).to_have_text(core_cells(state)[0])
    wait_for_release(page, lambda: core_cells(url_state(page)) == core_cells(state))
    assert shown_cells(page) == core_cells(url_state(page)) == core_cells(state)


def test_touch_drag_of_the_point_at_390px_does_not_scroll(chromium, app_url):
    with phone_page(chromium, app_url) as (page, touch):
        open_page(page)
        page.locator(CHART).scroll_into_view_if_needed()
        wait_idle(page)
        scroll_before = main_scroll(page)
        touch("touchStart", chart_point(page, 2.35))
        for z in np.linspace(2.35, 8.0, 8):
            touch("touchMove", chart_point(page, z))
        assert wait_for(lambda: abs(float(page.locator(CHART).get_attribute("aria-valuenow")) - 8.0) < 0.2)
        touch("touchEnd", None)
        wait_for_release(page, lambda: abs(url_state(page).z - 8.0) < 0.2)
        state = url_state(page)
        assert abs(state.z - 8.0) < 0.2
        expect(page.locator(FIRST_LOSS)).to_have_text(core_cells(state)[0])
        assert_touch_kept_the_page(page, scroll_before, CHART, Y_KNOB)


def test_an_exercise_lock_keeps_the_prediction_still_and_grey_under_a_drag_and_keys(page):
    open_page(page, exercise_query(lock="bin_z"))
    chart = page.locator(CHART)
    expect(chart).to_have_attribute("aria-disabled", "true")
    assert "live-locked" in chart.get_attribute("class")
    before = shown_cells(page)
    drag(page, [chart_point(page, z) for z in np.linspace(2.35, -5.0, 8)])
    page.mouse.up()
    chart.focus()
    chart.press("PageDown")
    chart.press("Home")
    assert chart.get_attribute("aria-valuenow") == "2.35" and shown_cells(page) == before
    assert "bin_z=" not in page.url
    knob = page.locator(Y_KNOB)  # not locked: still moves
    knob.focus()
    knob.press("Home")
    expect(knob).to_have_attribute("aria-valuenow", "0")


def test_an_exercise_lock_keeps_y_still_and_a_hidden_prediction_is_not_shown(page):
    open_page(page, exercise_query(lock="bin_y", hide="bin_z"))
    expect(page.locator(CHART)).to_be_hidden()
    knob = page.locator(Y_KNOB)
    expect(knob).to_have_attribute("aria-disabled", "true")
    drag(page, [knob_point(page, y) for y in np.linspace(0.92, 0.2, 6)])
    page.mouse.up()
    knob.focus()
    knob.press("Home")
    assert knob.get_attribute("aria-valuenow") == "0.92"
    assert "bin_y=" not in page.url


def test_a_hidden_label_is_not_shown_in_the_chart(page):
    open_page(page, exercise_query(hide="bin_y"))
    expect(page.locator(Y_KNOB)).to_be_hidden()
    expect(page.locator(CHART)).to_be_visible()


@pytest.mark.parametrize("width", [390, 1280])
def test_a_phone_opens_on_the_chart_and_a_laptop_shows_the_controls_beside_it(page, width):
    page.set_viewport_size({"width": width, "height": 844})
    open_page(page)
    chart = assert_view_first_on_a_phone(page, width, BOX, ".st-key-live_dep_bin_sliders")
    assert chart["y"] < 844  # within the first screen (the page opens unscrolled)
