"""The playground's live target, temperature and label smoothing (ui/drag_logits) in a real Chromium.

While a target bar, the true class, the temperature or the smoothing moves, the component redraws its
own numbers (.dl-loss, .dl-readout, .dl-target-values) without Python; the page's loss metric
(.st-key-pg_loss) still shows the old value, dimmed with everything else that depends on the bars
(live_dep_* containers, "Updates when you let go"). On release the page recomputes: its loss is core's
value for the released state, read back from the URL (so the URL round-trips every new state too). An
exercise that locks T keeps its knob still and grey; one that hides T does not show the knob.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import numpy as np
import pytest
from live import (
    assert_nothing_stale,
    dimmed_during_drag,
    exercise_query,
    undimmed_numbers,
    wait_for,
    wait_for_release,
)
from phone import assert_touch_kept_the_page, main_scroll, phone_page
from playwright.sync_api import expect
from st_harness import wait_idle

from topics import playground
from topics.shared import sample
from topics.shared.formatting import fmt
from topics.shared.url_params import read_params

pytestmark = pytest.mark.browser

BOX = ".st-key-pg_drag_box"
PREVIEW_LOSS = f"{BOX} .dl-loss"
READOUT = f"{BOX} .dl-readout"
TARGET_TRACKS = f"{BOX} .dl-target-track"
TARGET_TEXTS = f"{BOX} .dl-target-values .dl-value"
GRADS = f"{BOX} .dl-grads .dl-value"
KNOBS = f"{BOX} .dl-knob-track"
LOSS = ".st-key-pg_loss [data-testid=stMetricValue]"
SPECS = playground.state.url_specs()
DEFAULT_LOSS = "0.4170"


def open_page(page, query=""):
    page.goto(f"/?{query}" if query else "/")
    wait_idle(page)
    expect(page.locator(f"{BOX} .dl-track").first).to_be_visible()


def url_readout(page):
    """core's readout for the state in the page's URL (what a shared link reopens)."""
    valid, refused = read_params(dict(parse_qsl(urlsplit(page.url).query)), SPECS)
    assert not refused
    values = {spec.key: spec.default for spec in SPECS} | valid
    return sample.evaluate(playground.state.state_from_values(values))


def preview_loss(page) -> str:
    return page.locator(PREVIEW_LOSS).inner_text().rsplit(" ", 1)[-1]


def assert_preview_is_core(page, readout):
    """The component's numbers are core's for `readout`'s state: loss, target, gradient, H(y) and KL."""
    expect(page.locator(PREVIEW_LOSS)).to_contain_text(fmt(readout.loss))
    assert page.locator(TARGET_TEXTS).all_inner_texts() == [fmt(y, 3) for y in readout.target]
    assert page.locator(GRADS).all_inner_texts() == [fmt(g, 3) for g in readout.gradient]
    readout_text = page.locator(READOUT).inner_text()
    kl = readout.loss - readout.target_entropy
    assert f"H(y) = {fmt(readout.target_entropy)}" in readout_text
    assert f"= {fmt(kl)}" in readout_text or f"= {fmt(abs(kl))}" in readout_text


def knob_point(page, index: int, fraction: float) -> tuple[float, float]:
    page.locator(KNOBS).nth(index).scroll_into_view_if_needed()
    box = page.locator(KNOBS).nth(index).bounding_box()
    return box["x"] + fraction * box["width"], box["y"] + box["height"] / 2


def temperature_fraction(value: float) -> float:
    low, high = playground.state.TEMPERATURE_RANGE
    return float(np.log(value / low) / np.log(high / low))  # the knob's track is logarithmic


def target_point(page, index: int, value: float) -> tuple[float, float]:
    page.locator(TARGET_TRACKS).nth(index).scroll_into_view_if_needed()
    box = page.locator(TARGET_TRACKS).nth(index).bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + (1 - value) * box["height"]


def test_temperature_moves_every_number_during_the_drag_and_core_has_the_last_word(page):
    open_page(page)
    before = preview_loss(page)
    page.mouse.move(*knob_point(page, 0, temperature_fraction(1.0)))
    page.mouse.down()
    for value in np.geomspace(1.0, 3.0, 12):
        page.mouse.move(*knob_point(page, 0, temperature_fraction(value)))
    assert wait_for(lambda: page.locator(f"{BOX} .dl-knob-value").first.inner_text() == "3.0")
    assert preview_loss(page) != before
    expect(page.locator(LOSS)).to_have_text(DEFAULT_LOSS)  # not released: Python has not run ...
    dependent = ("pg_view", "pg_check_box")
    assert dimmed_during_drag(page, dependent) == dict.fromkeys(dependent, True)  # ... and says so
    held = sample.evaluate(sample.SampleState(temperature=3.0))
    assert_preview_is_core(page, held)
    held_numbers = undimmed_numbers(page, BOX)
    page.mouse.up()
    expect(page.locator(LOSS)).to_have_text(fmt(held.loss))
    assert_nothing_stale(page, BOX, held_numbers)
    wait_for_release(page, lambda: "pg_t=3" in page.url)
    assert fmt(url_readout(page).loss) == fmt(held.loss)


def test_soft_labels_drag_as_a_distribution_and_release_gives_cores_loss(page):
    open_page(page, "pg_target=soft")
    start = [
        float(y)
        for y in page.locator(TARGET_TRACKS).evaluate_all(
            "(els) => els.map((el) => el.getAttribute('aria-valuenow'))"
        )
    ]
    np.testing.assert_allclose(start, [0.6, 0.3, 0.1], atol=1e-9)
    page.mouse.move(*target_point(page, 2, 0.1))
    page.mouse.down()
    for value in np.linspace(0.1, 0.6, 10):
        page.mouse.move(*target_point(page, 2, value))
    assert wait_for(lambda: page.locator(TARGET_TEXTS).nth(2).inner_text() == "0.600")
    shown = [float(text) for text in page.locator(TARGET_TEXTS).all_inner_texts()]
    assert sum(shown) == pytest.approx(1.0, abs=2e-3)
    assert shown[0] / shown[1] == pytest.approx(2.0, rel=0.05)  # the others kept their proportions
    soft = sample.SampleState(target_kind="soft", soft_weights=(0.6, 0.3, 0.1))
    expect(page.locator(LOSS)).to_have_text(fmt(sample.evaluate(soft).loss))  # before release
    held = preview_loss(page)
    page.mouse.up()
    expect(page.locator(LOSS)).to_have_text(held)
    wait_for_release(page, lambda: fmt(url_readout(page).loss) == held)
    released = url_readout(page)
    assert fmt(released.loss) == held
    assert_preview_is_core(page, released)


def test_true_class_follows_a_click_and_a_drag_across_the_target_row(page):
    open_page(page)
    page.mouse.move(*target_point(page, 0, 0.5))
    page.mouse.down()
    page.mouse.move(*target_point(page, 1, 0.5))
    page.mouse.move(*target_point(page, 2, 0.5))
    assert wait_for(lambda: page.locator(TARGET_TEXTS).nth(2).inner_text() == "1.000")
    expect(page.locator(LOSS)).to_have_text(DEFAULT_LOSS)
    held = sample.evaluate(sample.SampleState(true_class=2))
    assert_preview_is_core(page, held)
    expect(page.locator(f"{BOX} .dl-name-true")).to_have_text("★2")
    page.mouse.up()
    expect(page.locator(LOSS)).to_have_text(fmt(held.loss))
    wait_for_release(page, lambda: "pg_class=2" in page.url)
    page.locator(TARGET_TRACKS).nth(0).click()
    expect(page.locator(LOSS)).to_have_text(DEFAULT_LOSS)


def test_smoothing_moves_live_and_releases_to_core(page):
    open_page(page, "pg_target=smoothed")
    page.mouse.move(*knob_point(page, 1, 0.1))
    page.mouse.down()
    for fraction in np.linspace(0.1, 0.4, 8):
        page.mouse.move(*knob_point(page, 1, fraction))
    assert wait_for(lambda: page.locator(f"{BOX} .dl-knob-value").nth(1).inner_text() == "0.40")
    held = sample.evaluate(sample.SampleState(target_kind="smoothed", smoothing=0.4))
    assert_preview_is_core(page, held)
    page.mouse.up()
    expect(page.locator(LOSS)).to_have_text(fmt(held.loss))
    wait_for_release(page, lambda: "pg_eps=0.4" in page.url)


def test_keyboard_moves_the_temperature_the_smoothing_the_soft_labels_and_the_class(page):
    open_page(page, "pg_target=smoothed")
    knob = page.locator(KNOBS).first
    knob.focus()
    knob.press("ArrowRight")
    expect(knob).to_have_attribute("aria-valuenow", "1.1")
    expect(page.locator(LOSS)).to_have_text(
        fmt(sample.evaluate(sample.SampleState(target_kind="smoothed", temperature=1.1)).loss)
    )
    smoothing = page.locator(KNOBS).nth(1)
    smoothing.focus()
    smoothing.press("PageUp")
    expect(smoothing).to_have_attribute("aria-valuenow", "0.2")
    state = sample.SampleState(target_kind="smoothed", temperature=1.1, smoothing=0.2)
    expect(page.locator(LOSS)).to_have_text(fmt(sample.evaluate(state).loss))
    classes = page.locator(TARGET_TRACKS)
    classes.first.focus()
    classes.first.press("ArrowRight")
    expect(classes.nth(1)).to_have_attribute("aria-checked", "true")
    expect(classes.nth(1)).to_be_focused()
    state = sample.SampleState(target_kind="smoothed", temperature=1.1, smoothing=0.2, true_class=1)
    expect(page.locator(LOSS)).to_have_text(fmt(sample.evaluate(state).loss))
    wait_for_release(page, lambda: fmt(url_readout(page).loss) == fmt(sample.evaluate(state).loss))

    open_page(page, "pg_target=soft")
    weight = page.locator(TARGET_TRACKS).nth(1)
    weight.focus()
    weight.press("PageUp")  # 0.3 -> 0.4; the others share 0.6 as 0.6 : 0.1 did
    expect(weight).to_have_attribute("aria-valuetext", "0.400")
    wait_for_release(page, lambda: abs(url_readout(page).target[1] - 0.4) < 0.006)
    released = url_readout(page)
    np.testing.assert_allclose(released.target, [0.6 * 6 / 7, 0.4, 0.6 / 7], atol=0.006)
    expect(page.locator(LOSS)).to_have_text(fmt(released.loss))


def test_a_url_with_every_live_value_opens_them_in_the_component(page):
    open_page(page, "pg_target=soft&pg_y0=0.2&pg_y1=0.2&pg_y2=0.6&pg_t=0.5&pg_z1=3")
    readout = url_readout(page)
    assert_preview_is_core(page, readout)
    expect(page.locator(LOSS)).to_have_text(fmt(readout.loss))
    expect(page.locator(KNOBS).first).to_have_attribute("aria-valuenow", "0.5")


def test_touch_drag_of_the_temperature_at_390px_does_not_scroll(chromium, app_url):
    with phone_page(chromium, app_url) as (page, touch):
        open_page(page, "pg_target=soft")
        page.locator(KNOBS).first.scroll_into_view_if_needed()
        wait_idle(page)
        scroll_before = main_scroll(page)
        touch("touchStart", knob_point(page, 0, temperature_fraction(1.0)))
        for value in np.geomspace(1.0, 0.5, 8):
            touch("touchMove", knob_point(page, 0, temperature_fraction(value)))
        assert wait_for(lambda: page.locator(f"{BOX} .dl-knob-value").first.inner_text() == "0.5")
        soft = sample.SampleState(target_kind="soft", soft_weights=(0.6, 0.3, 0.1))
        expect(page.locator(LOSS)).to_have_text(fmt(sample.evaluate(soft).loss))
        touch("touchEnd", None)
        state = sample.SampleState(target_kind="soft", soft_weights=(0.6, 0.3, 0.1), temperature=0.5)
        expect(page.locator(LOSS)).to_have_text(fmt(sample.evaluate(state).loss))
        wait_idle(page)
        assert_touch_kept_the_page(page, scroll_before, KNOBS, TARGET_TRACKS)


def test_an_exercise_lock_keeps_t_still_and_grey_and_a_hidden_t_is_not_shown(page):
    open_page(page, exercise_query(lock="pg_t"))
    knob = page.locator(KNOBS).first
    expect(knob).to_have_attribute("aria-disabled", "true")
    before = page.locator(f"{BOX} .dl-knob-value").first.inner_text()
    page.mouse.move(*knob_point(page, 0, temperature_fraction(1.0)))
    page.mouse.down()
    page.mouse.move(*knob_point(page, 0, temperature_fraction(3.0)))
    page.mouse.up()
    knob.focus()
    knob.press("End")
    assert page.locator(f"{BOX} .dl-knob-value").first.inner_text() == before == "1.0"
    assert "pg_t=" not in page.url
    open_page(page, exercise_query(hide="pg_t"))
    expect(page.locator(f"{BOX} .dl-knob")).to_have_count(1)
    expect(page.locator(f"{BOX} .dl-knob").first).to_be_hidden()
    expect(page.locator(PREVIEW_LOSS)).to_contain_text(DEFAULT_LOSS)
