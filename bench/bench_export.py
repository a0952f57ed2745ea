"""Time to rebuild the documentation's figures, per figure, against a plain `fig.write_image`.

    python bench/bench_export.py [--manifest docs/figures.toml] [--repeat 3]

Builds every figure entry of the manifest (screenshots are left out: they time Streamlit, not the
exporter) into a temporary folder through one persistent kaleido server (tools.manifest.Builder), and
in the same run writes one trivial figure with plain `fig.write_image`, which starts a browser of its
own each time. Prints a table; the target is <= 0.5 s per figure on average with the server.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import plotly.graph_objects as go  # noqa: E402

from tools.figure_export import CHROMIUM, FigureExporter  # noqa: E402
from tools.manifest import Builder, read_manifest  # noqa: E402

TARGET_S = 0.5


def plain_write_image(folder: Path) -> float:
    """Seconds for one `fig.write_image` of a one-bar figure, without a running kaleido server."""
    figure = go.Figure(go.Bar(x=["a"], y=[1]))
    started = time.perf_counter()
    figure.write_image(folder / "trivial.svg", width=400, height=300)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--manifest", type=Path, default=Path("docs/figures.toml"))
    parser.add_argument("--repeat", type=int, default=3, help="builds of the whole manifest")
    args = parser.parse_args(argv)
    os.environ.setdefault("BROWSER_PATH", str(CHROMIUM))
    entries, _ = read_manifest(args.manifest)
    figures = [made for made in entries if made.figure is not None]
    per_figure: dict[str, list[float]] = {made.name: [] for made in figures}
    with tempfile.TemporaryDirectory() as folder:
        plain = [plain_write_image(Path(folder))]
        started = time.perf_counter()
        exporter = FigureExporter().start()
        try:
            exporter.render(go.Figure(go.Bar(x=["a"], y=[1])), "svg", 400, 300)  # launches the browser
            startup = time.perf_counter() - started
            for _ in range(args.repeat):
                with Builder(folder, log=lambda line: None, exporter=exporter) as builder:  # a fresh cache
                    for made in figures:
                        begun = time.perf_counter()
                        builder.build(made)
                        per_figure[made.name].append(time.perf_counter() - begun)
        finally:
            exporter.stop()
        plain.append(plain_write_image(Path(folder)))

    print(f"{len(figures)} figures of {args.manifest}, built {args.repeat} times through one kaleido server")
    print()
    print("| figure | median s | max s |")
    print("| --- | ---: | ---: |")
    for name, seconds in per_figure.items():
        print(f"| {name} | {statistics.median(seconds):.3f} | {max(seconds):.3f} |")
    everything = [s for seconds in per_figure.values() for s in seconds]
    mean = statistics.fmean(everything)
    builds = [sum(seconds[k] for seconds in per_figure.values()) for k in range(args.repeat)]
    print(f"\nserver start and first render (browser launch): {startup:.2f} s")
    print(f"whole manifest (figures), each build: {', '.join(f'{s:.2f}' for s in builds)} s")
    print(f"per figure, mean over all builds: {mean:.3f} s (target <= {TARGET_S} s)")
    print(f"plain fig.write_image of one trivial figure: {', '.join(f'{s:.2f}' for s in plain)} s")
    print("within target" if mean <= TARGET_S else "ABOVE TARGET")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
