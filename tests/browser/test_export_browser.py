"""Screenshots for documentation (tools/screenshots.py) in a real Chromium against `streamlit run app.py`:
an element's screenshot has the element's size, a page's has the viewport's width."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from st_harness import wait_idle

from tools.screenshots import ShotError, capture

pytestmark = pytest.mark.browser


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


@pytest.mark.parametrize(
    ("path", "element", "selector"),
    [
        ("/?pg_z0=3", "pg_loss", ".st-key-pg_loss"),  # a keyed container: the loss panel
        ("/batch", "stPlotlyChart", "[data-testid=stPlotlyChart]"),  # a test id: the first chart
    ],
)
def test_an_element_screenshot_has_the_elements_size(page, path, element, selector):
    page.goto(path)
    wait_idle(page)
    image, (width, height) = capture(page, 1280, element=element)
    box = page.locator(selector).first.bounding_box()  # measured after capture fitted the viewport
    assert (width, height) == (round(box["width"]), round(box["height"]))
    # An element at a fractional position covers one more device pixel than its rounded size.
    assert np.allclose(png_size(image), (box["width"], box["height"]), atol=1)
    assert width > 100 and height > 40


def test_a_page_screenshot_is_as_wide_as_the_viewport_and_as_tall_as_the_page(page):
    page.goto("/")
    wait_idle(page)
    image, (width, height) = capture(page, 390)
    assert png_size(image) == (390, height) and height > 900  # the phone layout is taller than 900 px


def test_an_unknown_element_is_named_in_the_error(page):
    page.goto("/")
    wait_idle(page)
    with pytest.raises(ShotError, match="no element matches 'pg_nothing'"):
        capture(page, 1280, element="pg_nothing")
