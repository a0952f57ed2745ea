"""The outputs page end to end with the largest upload it takes: N x C float32 logits and their labels in
one .npz (100,000 x 1,000 by default: 400 MB, under server.maxUploadSize), given to the page's file
uploader under Streamlit's AppTest (the server side of an upload: the bytes in memory, read, digested,
analysed, the page drawn), until the page shows the upload's numbers.

Run from the repository root:  python bench/bench_outputs_upload.py  [--n 100000] [--c 1000]

Prints the time from the upload to the drawn page, and this process's resident memory (it is the server
here) before the upload and at its peak (VmHWM, the kernel's high-water mark) after it, beside the
upload's own size; checks the shown mean loss against torch's. The numbers go to docs/hosting.md: a
hosted class needs that peak per concurrent upload of this size. (A real browser's upload of 400 MB
through Playwright's set_input_files did not reach the server within 5 minutes here, so the browser
tests upload small files.) The machine is shared: times measured while others run are pessimistic (the
load average is printed beside them).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("KERAS_BACKEND", "torch")

from bench_outputs import generated  # noqa: E402  (the same outputs the speed benchmark times)

MIB = 1024 * 1024


def memory_bytes(field):
    """VmRSS (resident now) or VmHWM (the highest resident so far) of this process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--c", type=int, default=1_000)
    args = parser.parse_args()
    import torch
    import torch.nn.functional as F

    from apptest_pages import open_app_page
    from topics.shared.formatting import fmt

    logits, labels = generated(args.n, args.c)
    expected = fmt(F.cross_entropy(torch.from_numpy(logits), torch.from_numpy(labels)).item())
    buffer = io.BytesIO()
    np.savez(buffer, logits=logits, labels=labels)
    data = buffer.getvalue()
    del logits, labels, buffer
    print(f"N = {args.n:,}, C = {args.c:,}: {len(data) / MIB:,.0f} MiB .npz; torch's mean loss {expected}")
    app = open_app_page("outputs", timeout=600)
    app.radio(key="mo_source").set_value("upload").run()
    before_now, before_peak = memory_bytes("VmRSS"), memory_bytes("VmHWM")
    start = time.perf_counter()
    app.file_uploader(key="mo_outputs_file").set_value(("validation.npz", data, "application/octet-stream"))
    app.run()
    seconds = time.perf_counter() - start
    assert not app.exception, app.exception
    shown = {metric.label: metric.value for metric in app.metric}
    assert f"{args.n:,} × {args.c:,}" in shown.values(), shown
    assert expected in shown.values(), (expected, shown)
    peak, after = memory_bytes("VmHWM"), memory_bytes("VmRSS")
    print(
        f"upload to drawn page: {seconds:.1f} s (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} "
        f"cores)\nresident memory: {before_now / MIB:,.0f} MiB before the upload (the upload's bytes "
        f"already held once here: {len(data) / MIB:,.0f} MiB; peak so far {before_peak / MIB:,.0f} MiB), "
        f"peak {peak / MIB:,.0f} MiB (VmHWM), {after / MIB:,.0f} MiB after; the page shows torch's mean loss"
    )


if __name__ == "__main__":
    main()
