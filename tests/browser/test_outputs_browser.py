"""The outputs page in a real Chromium against `streamlit run app.py`: a file uploaded through the page's
file input is analysed, a bad one is refused with its message, and the worst sample opens in the
playground with its logits.

Contract (built by pages/outputs.py): the page at /outputs; the source radio keyed mo_source; the
outputs uploader in .st-key-mo_outputs_file; the headline metrics in .st-key-mo_headline; problems in
.st-key-mo_message; the worst sample's link button in .st-key-mo_open_worst (a new tab).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from playwright.sync_api import expect
from st_harness import ROOT, screenshot, wait_charts, wait_idle

from core import losses
from topics.shared.formatting import fmt

pytestmark = pytest.mark.browser

SCREENSHOT_DIR = ROOT / "test-results" / "screenshots"
EXCEPTION = "[data-testid=stException]"
HEADLINE = ".st-key-mo_headline"
PLAYGROUND_LOSS = ".st-key-pg_loss [data-testid=stMetricValue]"
RNG = np.random.default_rng(11)
LABELS = RNG.integers(0, 12, 2000)
LOGITS = (RNG.standard_normal((2000, 12)) * 2 + 5 * np.eye(12)[LABELS]).astype(np.float32)


def npz_file(tmp_path, name="validation.npz", **arrays):
    path = tmp_path / name
    np.savez(path, **arrays)
    return path


def open_outputs(page):
    page.goto("/outputs?mo_source=upload")
    wait_idle(page)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def upload(page, path):
    page.locator(".st-key-mo_outputs_file input[type=file]").set_input_files(str(path))
    wait_idle(page)
    expect(page.locator(EXCEPTION)).to_have_count(0)


def test_an_upload_is_analysed_and_the_worst_sample_opens_in_the_playground(page, tmp_path):
    open_outputs(page)
    upload(page, npz_file(tmp_path, logits=LOGITS, labels=LABELS))
    expect(page.get_by_text("validation.npz").first).to_be_visible()
    expected_loss = fmt(F.cross_entropy(torch.from_numpy(LOGITS), torch.from_numpy(LABELS)).item())
    expect(page.locator(HEADLINE)).to_contain_text(expected_loss)
    expect(page.locator(HEADLINE)).to_contain_text("2,000 × 12")
    wait_charts(page)
    screenshot(page, SCREENSHOT_DIR / "outputs_upload_1280.png", 1280)

    link = page.locator(".st-key-mo_open_worst a")
    href = link.get_attribute("href")
    with page.context.expect_page() as opened:
        link.click()
    playground = opened.value
    wait_idle(playground)
    expect(playground.locator(EXCEPTION)).to_have_count(0)
    # the worst sample: its 10 strongest classes (with the true one), shifted and rounded to 0.1
    losses_per_sample = F.cross_entropy(torch.from_numpy(LOGITS), torch.from_numpy(LABELS), reduction="none")
    worst = int(losses_per_sample.argmax())
    query = dict(part.split("=") for part in href.split("?", 1)[1].split("&"))
    shown = np.array([float(query[f"pg_z{i}"]) for i in range(int(query["pg_k"]))])
    true_position = int(query["pg_class"])
    playground_loss = float(losses.cross_entropy(shown, np.array(true_position)))
    expect(playground.locator(PLAYGROUND_LOSS)).to_have_text(fmt(playground_loss))
    # the link's loss is the sample's, up to the classes left out and the rounding to 0.1
    assert abs(playground_loss - losses_per_sample[worst].item()) < 0.1 * max(
        1.0, losses_per_sample[worst].item()
    )
    playground.close()


def test_a_bad_upload_is_refused_with_its_message_and_the_page_keeps_working(page, tmp_path):
    open_outputs(page)
    upload(page, npz_file(tmp_path, "short.npz", logits=LOGITS, labels=LABELS[:-5]))
    message = page.locator(".st-key-mo_message")
    expect(message).to_contain_text("2,000 rows of outputs but 1,995 labels")
    expect(page.locator(HEADLINE)).to_contain_text("899 × 10")  # the example is still shown
    screenshot(page, SCREENSHOT_DIR / "outputs_refused_390.png", 390)
