"""The playground's drag bars (ui/drag_logits) in a real Chromium: mouse, keyboard and touch, and the
in-browser preview math against core.

The bars are role=slider elements inside the component's shadow root (Playwright's CSS locators pierce
open shadow roots). While a bar is dragged the component redraws its own softmax bars and numbers
(.dl-prob-values, .dl-loss) without Python; on release the page's loss metric (.st-key-pg_loss) is
core's value for the released logits.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
from live import wait_for_release
from playwright.sync_api import expect
from st_harness import ROOT, ConsoleRecorder, horizontal_overflow, wait_idle

from topics import playground
from topics.shared import sample
from topics.shared.formatting import fmt
from ui.live_math import component_script

pytestmark = pytest.mark.browser

BARS = ".st-key-pg_drag_box .dl-track"
PROB_TEXTS = ".st-key-pg_drag_box .dl-prob-values .dl-value"
PREVIEW_LOSS = ".st-key-pg_drag_box .dl-loss"
LOSS = ".st-key-pg_loss [data-testid=stMetricValue]"
MAIN = "[data-testid=stMain]"
JS_SOURCE = component_script(ROOT / "ui" / "drag_logits" / "drag_logits.js")  # with ui/live_math
DEFAULTS = {spec.key: spec.default for spec in playground.state.url_specs()}


def open_page(page, path="/"):
    page.goto(path)
    wait_idle(page)
    expect(page.locator(BARS).first).to_be_visible()
    page.locator(BARS).last.scroll_into_view_if_needed()  # the pointer moves below use viewport points


_VALUES_JS = "(els) => els.map((el) => el.getAttribute('aria-valuenow'))"


def bar_values(page) -> list[float]:
    return [float(v) for v in page.locator(BARS).evaluate_all(_VALUES_JS)]


def bar_values_when(page, condition, timeout_s=10.0):
    """The bars' values once `condition(values)` holds (each move is drawn on the next animation
    frame, so the last moves can lag a moment), or the last values seen after `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    values = bar_values(page)
    while not condition(values) and time.monotonic() < deadline:
        page.wait_for_timeout(50)
        values = bar_values(page)
    return values


def core_readout(logits):
    """core's readout of the default state with these logits."""
    return sample.evaluate(
        playground.state.state_from_values(DEFAULTS | playground.state.values_for_logits(logits))
    )


def core_loss_text(logits) -> str:
    return fmt(core_readout(logits).loss)


def point_for(page, index: int, value: float) -> tuple[float, float]:
    """Viewport (x, y) on bar `index` where a pointer sets the logit to `value`."""
    box = page.locator(BARS).nth(index).bounding_box()
    low, high = playground.state.LOGIT_RANGE
    return box["x"] + box["width"] / 2, box["y"] + (high - value) / (high - low) * box["height"]


def test_dragging_a_bar_moves_the_softmax_before_release_and_core_has_the_last_word(page):
    open_page(page)
    probs_before = page.locator(PROB_TEXTS).all_inner_texts()
    assert probs_before == [fmt(p) for p in sample.evaluate(sample.SampleState()).probs]

    page.mouse.move(*point_for(page, 1, 1.0))
    page.mouse.down()
    for value in np.linspace(1.0, 6.0, 12):
        page.mouse.move(*point_for(page, 1, value))
    held = bar_values_when(page, lambda values: abs(values[1] - 6.0) <= 0.11)
    expect(page.locator(PROB_TEXTS).first).not_to_have_text(probs_before[0])
    assert held[1] == pytest.approx(6.0, abs=0.11)
    # Not yet released: Python has not run, the page's loss is still the old one, the preview is new.
    expect(page.locator(LOSS)).to_have_text("0.4170")
    expect(page.locator(PREVIEW_LOSS)).to_contain_text(core_loss_text(held))
    assert page.locator(PROB_TEXTS).all_inner_texts() == [fmt(p) for p in core_readout(held).probs]

    page.mouse.up()
    expect(page.locator(LOSS)).to_have_text(core_loss_text(held))
    wait_for_release(page, lambda: f"pg_z1={held[1]:g}" in page.url)
    assert bar_values(page) == held


def test_keyboard_moves_a_bar_and_the_page_follows(page):
    open_page(page)
    bar = page.locator(BARS).nth(2)
    bar.focus()
    expected = [2.0, 1.0, 0.1]
    for key, value in [("ArrowUp", 0.2), ("PageUp", 1.2), ("ArrowLeft", 1.1), ("End", 10.0), ("Home", -10.0)]:
        bar.press(key)
        expected[2] = value
        expect(bar).to_have_attribute("aria-valuenow", f"{value:g}")
        expect(page.locator(LOSS)).to_have_text(core_loss_text(expected))
    wait_idle(page)
    assert bar_values(page) == expected
    assert "-10" in bar.get_attribute("aria-valuetext")
    # The focused bar is drawn with a visible ring.
    bar.focus()
    assert bar.evaluate("(el) => getComputedStyle(el).boxShadow") != "none"


def test_touch_drag_at_390px_moves_the_bar_without_scrolling_the_page(chromium, app_url):
    context = chromium.new_context(
        base_url=app_url, viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    recorder = ConsoleRecorder(page)
    try:
        open_page(page)
        page.locator(BARS).nth(0).scroll_into_view_if_needed()
        wait_idle(page)
        scroll_before = page.locator(MAIN).evaluate("(el) => el.scrollTop")
        probs_before = page.locator(PROB_TEXTS).all_inner_texts()
        cdp = context.new_cdp_session(page)

        def touch(kind, point):
            points = [] if kind == "touchEnd" else [{"x": point[0], "y": point[1], "id": 1}]
            cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

        touch("touchStart", point_for(page, 0, 2.0))
        for value in np.linspace(2.0, -3.0, 10):
            touch("touchMove", point_for(page, 0, value))
        expect(page.locator(PROB_TEXTS).first).not_to_have_text(probs_before[0])
        held = bar_values_when(page, lambda values: abs(values[0] + 3.0) <= 0.11)  # frames lag the moves
        assert held[0] == pytest.approx(-3.0, abs=0.11)
        expect(page.locator(LOSS)).to_have_text("0.4170")
        touch("touchEnd", None)

        expect(page.locator(LOSS)).to_have_text(core_loss_text(held))
        wait_idle(page)
        assert page.locator(MAIN).evaluate("(el) => el.scrollTop") == scroll_before
        assert page.locator(BARS).first.evaluate("(el) => getComputedStyle(el).touchAction") == "none"
        wide = {name: sizes for name, sizes in horizontal_overflow(page).items() if sizes[0] > sizes[1] + 1}
        assert not wide, f"horizontal scroll at 390 px: {wide}"
    finally:
        context.close()
    assert not recorder.problems, recorder.problems


def agreement_states():
    """Many states: random ones of every target kind, and the extremes (logits of +-100, T = 0.1, 10)."""
    rng = np.random.default_rng(8)
    states = []
    for index in range(60):
        num_classes = int(rng.integers(2, 11))
        states.append(
            sample.SampleState(
                logits=tuple(rng.normal(0, 4, num_classes)),
                true_class=int(rng.integers(num_classes)),
                target_kind=playground.state.TARGET_KINDS[index % 3],
                soft_weights=tuple(rng.uniform(0, 1, num_classes)),
                smoothing=float(rng.uniform(0, 1)),
                temperature=float(rng.choice([0.1, 0.5, 1.0, 3.0, 10.0])),
            )
        )
    for temperature in (0.1, 1.0, 10.0):
        for kind in playground.state.TARGET_KINDS:
            for logits in [(100.0, -100.0), (-100.0, 100.0, 0.0), (100.0, 100.0, -100.0, 99.9), (0.0, 0.0)]:
                states.append(
                    sample.SampleState(
                        logits=logits,
                        true_class=1,
                        target_kind=kind,
                        soft_weights=(0.0, 1.0, 0.5, 0.25)[: len(logits)],
                        smoothing=0.2,
                        temperature=temperature,
                    )
                )
    return states


def test_javascript_preview_agrees_with_core(page):
    """The component's script (with the shared math), imported in Chromium: its readout and fmt() against
    core (tests/shared/test_live_math.py checks the math itself on thousands of states in Node)."""
    states = agreement_states()
    cases = [
        {
            "logits": list(state.logits),
            "target": sample.target_distribution(state).tolist(),
            "temperature": state.temperature,
        }
        for state in states
    ]
    page.set_content("<html><body></body></html>")
    results = page.evaluate(
        """async ([source, cases]) => {
          const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
          const js = await import(url);
          return cases.map((c) => js.categoricalReadout(c.logits, c.target, c.temperature));
        }""",
        [JS_SOURCE, cases],
    )
    numbers = []
    for state, result in zip(states, results, strict=True):
        readout = sample.evaluate(state)
        np.testing.assert_allclose(result["probs"], readout.probs, rtol=1e-6, atol=1e-12, err_msg=str(state))
        np.testing.assert_allclose(result["loss"], readout.loss, rtol=1e-6, atol=1e-12, err_msg=str(state))
        np.testing.assert_allclose(
            result["gradient"], readout.gradient, rtol=1e-6, atol=1e-9, err_msg=str(state)
        )
        numbers += [[float(v), 4] for v in (*readout.probs, readout.loss)]
        numbers += [[float(g), 3] for g in readout.gradient]
    special = (0.0, -0.0, 1e-7, -3.2e-5, 123456.7, -1e6, 0.5, 2.0, -10.0)
    numbers += [[value, decimals] for value in special for decimals in (1, 3, 4)]
    texts = page.evaluate(
        """async ([source, numbers]) => {
          const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
          const js = await import(url);
          return numbers.map(([value, decimals]) => js.fmt(value, decimals));
        }""",
        [JS_SOURCE, numbers],
    )
    assert texts == [fmt(value, decimals) for value, decimals in numbers]
