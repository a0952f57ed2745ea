"""Benchmark core's NumPy cross-entropy against torch on CPU.

Run from the repository root:  python bench/bench_core.py  [--n 512] [--c 32000] [--repeats 9]

Times core's loss (forward) and loss + gradient against torch.nn.functional.cross_entropy forward and
forward + backward, with torch at its default thread count and with 1 thread. Reports the median of
--repeats runs after warm-up, the core/torch ratio (target: core within 2x of torch), the largest
difference between core and torch as a sanity check, and core's peak extra memory (tracemalloc).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

from core import gradients, losses  # noqa: E402

TARGET_RATIO = 2.0
WARMUP = 2


def median_ms(fn: Callable[[], object], repeats: int) -> float:
    for _ in range(WARMUP):
        fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def peak_mb(fn: Callable[[], object]) -> float:
    """Peak memory allocated during one call, in MB (NumPy reports its buffers to tracemalloc)."""
    tracemalloc.start()
    try:
        fn()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=512, help="batch size (rows)")
    parser.add_argument("--c", type=int, default=32000, help="number of classes")
    parser.add_argument("--repeats", type=int, default=9, help="timed runs per measurement (>= 7)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.repeats < 7:
        parser.error("--repeats must be >= 7")

    rng = np.random.default_rng(args.seed)
    logits = rng.standard_normal((args.n, args.c), dtype=np.float32) * 3.0
    labels = rng.integers(0, args.c, size=args.n, dtype=np.int64)

    def core_forward():
        return losses.cross_entropy(logits, labels)

    def core_forward_backward():
        return losses.cross_entropy(logits, labels), gradients.cross_entropy(logits, labels)

    x = torch.from_numpy(logits.copy()).requires_grad_(True)
    t = torch.from_numpy(labels)

    def torch_forward():
        with torch.no_grad():
            return F.cross_entropy(x, t)

    def torch_forward_backward():
        x.grad = None
        loss = F.cross_entropy(x, t)
        loss.backward()
        return loss, x.grad

    # Sanity check first: a fast but wrong core is not a result.
    core_loss, core_grad = core_forward_backward()
    torch_loss, torch_grad = torch_forward_backward()
    core_loss = np.asarray(core_loss)
    core_grad = np.asarray(core_grad)
    loss_diff = abs(float(core_loss) - torch_loss.item())
    grad_diff = float(np.max(np.abs(core_grad.astype(np.float64) - torch_grad.numpy().astype(np.float64))))

    default_threads = torch.get_num_threads()
    core_ms = {"forward": median_ms(core_forward, args.repeats)}
    core_ms["forward + gradient"] = median_ms(core_forward_backward, args.repeats)
    torch_ms: dict[int, dict[str, float]] = {}
    for threads in dict.fromkeys([default_threads, 1]):
        torch.set_num_threads(threads)
        torch_ms[threads] = {
            "forward": median_ms(torch_forward, args.repeats),
            "forward + gradient": median_ms(torch_forward_backward, args.repeats),
        }
    torch.set_num_threads(default_threads)

    core_peak = {"forward": peak_mb(core_forward), "forward + gradient": peak_mb(core_forward_backward)}

    print(
        f"cross-entropy  N={args.n}  C={args.c}  logits float32 ({logits.nbytes / 2**20:.1f} MB), "
        f"labels int64; median of {args.repeats} runs after {WARMUP} warm-ups"
    )
    print(
        f"numpy {np.__version__}, torch {torch.__version__}, {os.cpu_count()} CPUs, "
        f"torch default threads = {default_threads}"
    )
    print(f"core output dtypes: loss {core_loss.dtype}, gradient {core_grad.dtype} {core_grad.shape}")
    print()
    cols = [("op", 20), ("core ms", 9)]
    for threads in torch_ms:
        label = f"{threads} thr" if threads == 1 else f"{threads} thr (dflt)"
        cols += [(f"torch ms {label}", 22), (f"core/torch {label}", 24)]
    cols.append(("core peak MB", 12))
    print(" | ".join(f"{name:>{w}}" if i else f"{name:<{w}}" for i, (name, w) in enumerate(cols)))
    print("-|-".join("-" * w for _, w in cols))
    worst = 0.0
    for op in core_ms:
        cells = [f"{op:<20}", f"{core_ms[op]:>9.1f}"]
        for threads in torch_ms:
            ratio = core_ms[op] / torch_ms[threads][op]
            worst = max(worst, ratio)
            cells += [f"{torch_ms[threads][op]:>22.1f}", f"{ratio:>24.2f}"]
        cells.append(f"{core_peak[op]:>12.1f}")
        print(" | ".join(cells))
    print()
    print(f"sanity: |loss core - torch| = {loss_diff:.3g}   max |grad core - torch| = {grad_diff:.3g}")
    verdict = "met" if worst <= TARGET_RATIO else "NOT met"
    print(f"target: core within {TARGET_RATIO:g}x of torch -> {verdict} (worst core/torch ratio {worst:.2f})")


if __name__ == "__main__":
    main()
