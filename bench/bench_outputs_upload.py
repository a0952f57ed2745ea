"""The outputs page end to end with the largest upload it takes: N x C float32 logits and their labels in
one .npz (100,000 x 1,000 by default: 400 MB, under server.maxUploadSize), uploaded through the page's
file input in Chromium to `streamlit run app.py`, until the page shows the upload's numbers.

Run from the repository root:  python bench/bench_outputs_upload.py  [--n 100000] [--c 1000]

Prints the time from choosing the file to the analysed page, the server's resident memory before, its
peak while the upload is read and analysed (VmHWM, the kernel's high-water mark of the server process)
and after, and checks the shown mean loss against torch's. The numbers go to docs/hosting.md: a hosted
class needs that peak per concurrent upload of this size. The machine is shared: times measured while
others run are pessimistic (the load average is printed beside them).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

from playwright.sync_api import expect, sync_playwright  # noqa: E402
from st_harness import StreamlitServer, launch_chromium, rss_bytes, wait_idle  # noqa: E402

HEADLINE = ".st-key-mo_headline"
MIB = 1024 * 1024


def generated(num_samples, num_classes, seed=0):
    """Logits of a partly right, over-confident model and their labels (as bench/bench_outputs.py)."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, num_classes, num_samples)
    logits = rng.standard_normal((num_samples, num_classes), dtype=np.float32) * 2
    logits[np.arange(num_samples), labels] += np.float32(5)
    return logits * np.float32(1.5), labels


def peak_rss_bytes(pid):
    """VmHWM: the highest resident memory the process has had since it started."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def torch_mean_loss(logits, labels):
    import torch
    import torch.nn.functional as F

    return F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(labels)).item()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--c", type=int, default=1_000)
    args = parser.parse_args()
    from topics.shared.formatting import fmt

    logits, labels = generated(args.n, args.c)
    expected = fmt(torch_mean_loss(logits, labels))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "validation.npz"
        np.savez(path, logits=logits, labels=labels)
        size = path.stat().st_size
        del logits, labels
        print(f"N = {args.n:,}, C = {args.c:,}: {size / MIB:,.0f} MiB .npz; torch's mean loss {expected}")
        with StreamlitServer() as server, sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{server.url}/outputs?mo_source=upload")
            wait_idle(page)
            pid = server.proc.pid
            before = rss_bytes(pid)
            start = time.perf_counter()
            page.locator(".st-key-mo_outputs_file input[type=file]").set_input_files(str(path))
            try:
                expect(page.locator(HEADLINE)).to_contain_text(f"{args.n:,} × {args.c:,}", timeout=600_000)
            except AssertionError:
                message = page.locator(".st-key-mo_message, [data-testid=stFileUploaderFile]")
                print("the page did not show the upload's numbers; it says:", message.all_inner_texts())
                print(server.log_tail())
                raise
            wait_idle(page, timeout_ms=600_000)
            seconds = time.perf_counter() - start
            expect(page.locator(HEADLINE)).to_contain_text(expected)
            peak, after = peak_rss_bytes(pid), rss_bytes(pid)
            browser.close()
    print(
        f"upload to analysed page: {seconds:.1f} s (load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} cores)\nserver resident memory: {before / MIB:,.0f} MiB before, peak "
        f"{peak / MIB:,.0f} MiB (VmHWM), {after / MIB:,.0f} MiB after; the page shows torch's mean loss"
    )


if __name__ == "__main__":
    main()
