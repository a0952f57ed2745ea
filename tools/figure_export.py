"""Plotly figures to SVG, PNG or PDF through kaleido and the system Chromium, one browser for a batch.

kaleido 1.x drives a Chromium; a `write_image` call on its own starts one (about 2.5 s). FigureExporter
starts kaleido's sync server once (kaleido.start_sync_server) and renders every figure through it
(about 0.2-0.4 s each). MathJax is off (it would be fetched from the network) and Debian's
/usr/bin/chromium is used: kaleido must never download a browser.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
FORMATS = ("svg", "png", "pdf")
DEFAULT_WIDTH = 700  # kaleido's default; a figure's own layout height is kept unless one is given


class ExportError(RuntimeError):
    """The figure could not be rendered (no browser, a kaleido error)."""


class FigureExporter:
    """One persistent kaleido server: `with FigureExporter() as exporter: exporter.render(fig, "svg")`.

    kaleido's server is a process-wide singleton: exporters opened while another is open share its
    server, which stops when the last of them stops."""

    _users = 0  # open FigureExporters in this process

    def __init__(self, browser: Path = CHROMIUM, timeout: float = 60):
        self.browser = Path(os.environ.get("BROWSER_PATH", browser))
        self.timeout = timeout
        self._open = False

    def __enter__(self) -> FigureExporter:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> FigureExporter:
        import kaleido

        # kaleido's server thread dies silently without a browser and the next call would wait forever.
        if not self.browser.is_file():
            raise ExportError(f"{self.browser} not found: apt-get install -y chromium")
        if not self._open:
            os.environ["BROWSER_PATH"] = str(self.browser)
            if FigureExporter._users == 0:
                kaleido.start_sync_server(mathjax=False, timeout=self.timeout, path=str(self.browser))
            FigureExporter._users += 1
            self._open = True
        return self

    def stop(self) -> None:
        if self._open:
            import kaleido

            self._open = False
            FigureExporter._users -= 1
            if FigureExporter._users == 0:
                kaleido.stop_sync_server(silence_warnings=True)

    def render(self, figure, fmt: str = "svg", width: int | None = None, height: int | None = None,
               scale: float = 1) -> bytes:  # fmt: skip
        """The image bytes of a Plotly figure; SVG made reproducible (see stable_svg).

        The size is `width` x `height` CSS pixels (PNG: times `scale`); by default the figure's own
        layout height and DEFAULT_WIDTH."""
        import kaleido

        if fmt not in FORMATS:
            raise ExportError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
        if not self._open:
            raise ExportError("FigureExporter is not started")
        spec = figure.to_dict()
        for index, trace in enumerate(spec["data"]):
            trace.setdefault("uid", f"trace{index}")  # else random, and written into the SVG's class names
        opts = {
            "format": fmt,
            "width": width or spec["layout"].get("width") or DEFAULT_WIDTH,
            "height": height or spec["layout"].get("height") or 500,
            "scale": scale,
        }
        try:
            image = kaleido.calc_fig_sync(spec, opts=opts)
        except Exception as error:  # kaleido raises its own and choreographer's errors
            raise ExportError(f"kaleido could not render the figure: {error}") from error
        return stable_svg(image) if fmt == "svg" else image


_ID = re.compile(rb'\bid="([^"]+)"')


def stable_svg(svg: bytes) -> bytes:
    """The SVG with every id renamed in order of appearance (i0, i1, ...), references included.

    Plotly names clip paths, patterns and defs after a random figure uid (`clip74d2c6xyplot`,
    `p74d2c6-025366-0`), so the same figure drawn twice differs only in those names."""
    names = list(dict.fromkeys(_ID.findall(svg)))
    if not names:
        return svg
    renamed = {old: f"i{n}".encode() for n, old in enumerate(names)}
    # Longest first, so an id that is a prefix of another (clipXx, clipXxy) never matches inside it.
    alternatives = b"|".join(re.escape(old) for old in sorted(names, key=len, reverse=True))
    reference = re.compile(rb'(id="|#)(' + alternatives + rb')(?=["\')])')
    return reference.sub(lambda m: m.group(1) + renamed[m.group(2)], svg)
