"""Benchmark the outputs page's analysis against torch doing the same on the CPU.

Run from the repository root:  python bench/bench_outputs.py  [--n 50000] [--c 1000] [--repeats 5]
                                                               [--without-torch]

Makes N x C float32 logits of a partly right, over-confident model and times, step by step, what the
page does with an upload (hash the bytes, read them, the one-pass scan, the per-sample numbers, the
temperature fit, the per-class and calibration numbers, everything together) and the same steps in
torch (torch.load(weights_only=True) of the same tensors; F.cross_entropy(reduction='none') with
softmax confidences and argmax; LBFGS on T in float32, torch's usual recipe; bincount confusion and
ECE). The two run interleaved, alternating which goes first, and each step reports its median.
The target: the page's total (hash + read + analysis) <= 1 s at N = 50,000, C = 1,000.

The machine is shared: absolute times measured while others run are pessimistic; the load average is
printed beside them.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from core import outputs  # noqa: E402
from topics.outputs import inputs, numbers  # noqa: E402
from topics.outputs.files import content_digest  # noqa: E402

TARGET_SECONDS = 1.0


def generated(num_samples, num_classes, seed=0):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, num_classes, num_samples)
    logits = rng.standard_normal((num_samples, num_classes), dtype=np.float32) * 2
    logits[np.arange(num_samples), labels] += np.float32(5)
    return logits * np.float32(1.5), labels


def npz_bytes(logits, labels):
    buffer = io.BytesIO()
    np.savez(buffer, logits=logits, labels=labels)
    return buffer.getvalue()


def pt_bytes(logits, labels):
    buffer = io.BytesIO()
    torch.save({"logits": torch.from_numpy(logits), "labels": torch.from_numpy(labels)}, buffer)
    return buffer.getvalue()


def npy_pair(logits, labels):
    files = []
    for name, array in (("logits.npy", logits), ("labels.npy", labels)):
        buffer = io.BytesIO()
        np.save(buffer, array)
        files.append((name, buffer.getvalue()))
    return files


def ours(files):
    """The page's steps on [(name, bytes)]: {step: seconds}."""
    seconds = {}
    start = time.perf_counter()
    for _, data in files:
        content_digest(data)
    seconds["hash (content digest)"] = time.perf_counter() - start
    start = time.perf_counter()
    model_outputs = inputs.read_outputs(files, "logits", 1 << 40)
    seconds["read"] = time.perf_counter() - start
    analysis = numbers.analyse(model_outputs)
    seconds["scan: per-sample losses, confidence, argmax"] = (
        analysis.seconds["scan"] + analysis.seconds["losses"]
    )
    seconds["temperature fit"] = analysis.seconds["temperature"]
    seconds["classes, weights"] = analysis.seconds["classes"]
    start = time.perf_counter()
    numbers.reliability_before_after(analysis, 15)
    numbers.what_if(analysis, 0.1, "inverse", None)
    seconds["ECE, what-if"] = time.perf_counter() - start
    seconds["total"] = sum(seconds.values())
    return seconds, analysis


def torch_steps(data):
    """The same steps in torch from a .pt of the same tensors: {step: seconds} and the fitted T."""
    seconds = {}
    start = time.perf_counter()
    content_digest(data)
    seconds["hash (content digest)"] = time.perf_counter() - start
    start = time.perf_counter()
    saved = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    logits, labels = saved["logits"], saved["labels"]
    seconds["read"] = time.perf_counter() - start
    start = time.perf_counter()
    with torch.no_grad():
        per_sample = F.cross_entropy(logits, labels, reduction="none")
        per_sample.mean()
        confidence, predicted = torch.softmax(logits, dim=1).max(dim=1)
    seconds["scan: per-sample losses, confidence, argmax"] = time.perf_counter() - start
    start = time.perf_counter()
    temperature = torch.ones(1, requires_grad=True)
    optimizer = torch.optim.LBFGS([temperature], lr=0.1, max_iter=50, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = F.cross_entropy(logits / temperature, labels)
        loss.backward()
        return loss

    optimizer.step(closure)
    seconds["temperature fit"] = time.perf_counter() - start
    start = time.perf_counter()
    num_classes = logits.shape[1]
    torch.bincount(labels * num_classes + predicted, minlength=num_classes * num_classes)
    torch.bincount(labels, weights=per_sample, minlength=num_classes)
    seconds["classes, weights"] = time.perf_counter() - start
    start = time.perf_counter()
    edges = torch.linspace(0, 1, 16)
    bins = torch.bucketize(confidence, edges, right=True) - 1
    correct = (predicted == labels).float()
    counts = torch.bincount(bins, minlength=15).clamp(min=1)
    gaps = torch.bincount(bins, weights=confidence, minlength=15) - torch.bincount(
        bins, weights=correct, minlength=15
    )
    (gaps.abs() / len(labels)).sum()
    del counts
    F.cross_entropy(logits, labels, label_smoothing=0.1)
    seconds["ECE, what-if"] = time.perf_counter() - start
    seconds["total"] = sum(seconds.values())
    return seconds, float(temperature.detach())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--c", type=int, default=1_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--without-torch", action="store_true", help="time the page only (torch's LBFGS takes ~1 min a round)"
    )
    args = parser.parse_args()
    logits, labels = generated(args.n, args.c)
    files, torch_file = npy_pair(logits, labels), pt_bytes(logits, labels)
    print(
        f"N = {args.n:,}, C = {args.c:,} float32 ({logits.nbytes / 1e6:,.0f} MB); "
        f"torch {torch.__version__} on {torch.get_num_threads()} threads; "
        f"NumPy blocks on {outputs.WORKERS} threads; "
        f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    ours_runs, torch_runs = [], []
    for repeat in range(args.repeats + 1):  # the first round warms up and is not counted
        order = [("ours", files)] + ([] if args.without_torch else [("torch", torch_file)])
        for name, data in order if repeat % 2 else order[::-1]:
            if name == "ours":
                seconds, analysis = ours(data)
                (ours_runs if repeat else []).append(seconds)
            else:
                seconds, torch_temperature = torch_steps(data)
                (torch_runs if repeat else []).append(seconds)
    print(f"\n{'step':46s} {'page (NumPy)':>13s} {'torch CPU':>11s} {'ratio':>7s}")
    for step in ours_runs[0]:
        mine = statistics.median(run[step] for run in ours_runs) * 1e3
        if not torch_runs:
            print(f"{step:46s} {mine:10.0f} ms")
            continue
        theirs = statistics.median(run[step] for run in torch_runs) * 1e3
        print(f"{step:46s} {mine:10.0f} ms {theirs:8.0f} ms {mine / theirs:6.2f}x")
    total = statistics.median(run["total"] for run in ours_runs)
    verdict = "meets" if total <= TARGET_SECONDS else "misses"
    print(
        f"\npage total {total:.2f} s: {verdict} the {TARGET_SECONDS:.0f} s target; "
        f"load average after: {os.getloadavg()[0]:.1f}"
    )
    torch_fit = "" if args.without_torch else f", torch LBFGS float32 {torch_temperature:.6f}"
    passes = f"{analysis.fit.passes} pass(es) over all rows"
    print(f"fitted T: page {analysis.fit.temperature:.6f} ({passes}){torch_fit}")


if __name__ == "__main__":
    main()
