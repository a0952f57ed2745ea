"""A scripted drag of one live control, timed in the page: what bench/bench_live.py (every live control)
and bench/bench_drag.py (the playground's logit bars in depth) share.

The press and the release are the real mouse; the moves in between are pointermove events dispatched
from a timer at a steady rate, as a hand gives them (not aligned with animation frames), with the pointer
id of the press. The component counts what happens in its own `stats` (ui/live_math/live_component.js);
the release is timed with bench/bench_playground.py's in-page clock to the page's core-computed text and
a chart changing.
"""

from __future__ import annotations

from bench_playground import _ARM_JS
from st_harness import wait_idle

# Moves on the held element `el`: one pointermove each `interval` ms to each of `points` (viewport px).
MOVES_JS = """
(el, [instance, points, interval]) => new Promise((resolve) => {
  const component = new Function('el', 'return ' + instance)(el);
  const pointerId = component.dragging.pointerId;
  let index = 0;
  const next = () => {
    if (index === points.length) {
      requestAnimationFrame(() => requestAnimationFrame(() => resolve()));
      return;
    }
    const [clientX, clientY] = points[index];
    el.dispatchEvent(new PointerEvent('pointermove', {
      pointerId, pointerType: 'mouse', isPrimary: true, buttons: 1, clientX, clientY,
      bubbles: true, composed: true,
    }));
    index += 1;
    setTimeout(next, interval);
  };
  next();
})
"""
STATS_JS = "(el, instance) => JSON.parse(JSON.stringify(new Function('el', 'return ' + instance)(el).stats))"


DRAGGING_JS = "(el, instance) => !!new Function('el', 'return ' + instance)(el).dragging"


def press(page, handle, instance: str, point, attempts: int = 3) -> None:
    """Press the mouse at `point` until the component holds a drag. A press that lands while the page
    is still redrawing the component after the last release starts none (bench_live's third drag of a
    logit bar once did, on a quiet machine): let go, wait, press again."""
    for _ in range(attempts):
        page.mouse.move(*point)
        page.mouse.down()
        if handle.evaluate(DRAGGING_JS, instance):
            return
        page.mouse.up()
        wait_idle(page)
        page.wait_for_timeout(500)
    raise RuntimeError(f"{attempts} presses at {point} started no drag of {instance}")


def timed_drag(page, handle, instance: str, points, rate_hz: float, loss: str, chart: str) -> dict:
    """Press `handle` (a locator) at points[0], move through the other points at `rate_hz`, release; the
    component instance is the JS expression `instance` of the pressed element `el`. Returns the drag's
    figures (drag_figures) with release_loss_ms / release_chart_ms: pointerup -> the text at selector
    `loss` and the Plotly chart at `chart` changed (None if not within 15 s; `why` says which)."""
    press(page, handle, instance, points[0])
    down = handle.evaluate(STATS_JS, instance)  # the press itself moves the control: not counted
    handle.evaluate(MOVES_JS, [instance, points[1:], 1000 / rate_hz])
    held = handle.evaluate(STATS_JS, instance)
    page.evaluate(_ARM_JS, [loss, chart, 15_000, "pointerup"])
    page.mouse.up()
    release = page.evaluate("window.__benchResult")
    wait_idle(page)
    figures = drag_figures(down, held)
    figures.update(release_loss_ms=release["loss"], release_chart_ms=release["chart"], why=release["why"])
    return figures


def drag_figures(down: dict, held: dict) -> dict:
    """Moves, redraws, redraws per second of drag, move -> drawn ms and redraw ms between the component's
    stats at the press (`down`) and before the release (`held`); its lists keep the newest entries last."""
    redraws = held["redraws"] - down["redraws"]
    drawn_at = held["drawnAt"][-redraws:] if redraws else []
    span_s = (drawn_at[-1] - drawn_at[0]) / 1000 if len(drawn_at) > 1 else 0.0
    return {
        "moves": held["moves"] - down["moves"],
        "redraws": redraws,
        "redraws_per_s": (len(drawn_at) - 1) / span_s if span_s > 0 else float("nan"),
        "move_to_drawn_ms": held["moveToDrawnMs"][-redraws:] if redraws else [],
        "redraw_ms": held["redrawMs"][-redraws:] if redraws else [],
    }


def print_table(rows, header_rule=True) -> None:
    """`rows` (tuples of strings) as a Markdown table; the first row is the header when `header_rule`."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    print()
    for number, row in enumerate(rows):
        print("| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |")
        if number == 0 and header_rule:
            print("| " + " | ".join("-" * width for width in widths) + " |")
