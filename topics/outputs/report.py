"""The outputs page's report: one self-contained HTML file (the numbers, the worst samples and the
figures, with Plotly's JavaScript inlined once) to attach to a pull request or an appendix. It needs no
network and no server. Every piece of text is escaped: a file name is the visitor's text.
"""

import html
from datetime import UTC, datetime

from plotly.offline import get_plotlyjs

from topics.outputs.figures import figures_of
from topics.outputs.numbers import reliability_before_after
from topics.outputs.words import summary_lines, worst_table
from topics.shared.i18n import text

REPORT_ROWS = 20
STYLE = """
body { font-family: 'Source Sans Pro', 'Noto Sans CJK SC', 'PingFang SC', sans-serif; max-width: 960px;
       margin: 2rem auto; padding: 0 1rem; color: #1a1d21; }
table { border-collapse: collapse; margin: 1rem 0; }
td, th { border: 1px solid #d0d4dc; padding: 0.25rem 0.6rem; text-align: left; }
th { background: #f3f5f8; }
.figure { margin: 1.5rem 0; } .caption { color: #5c6370; font-size: 0.9rem; }
"""


def _table(header, rows):
    head = "".join(f"<th>{html.escape(str(cell))}</th>" for cell in header)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(cell))}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_html(analysis, values, lang, source_name, playground_specs):
    """The report as one HTML document (a str)."""
    before, after = reliability_before_after(analysis, values["mo_bins"])
    numbers = _table(
        (text(lang, "mo.report.quantity"), text(lang, "mo.report.value")),
        summary_lines(analysis, before, after, lang),
    )
    worst = worst_table(analysis, REPORT_ROWS, lang, playground_specs)
    worst.pop(text(lang, "mo.col.open"))  # links into the app mean nothing in a file
    worst_rows = list(zip(*worst.values(), strict=True))
    figures = []
    for page_figure in figures_of(analysis, values, lang).values():
        body = page_figure.figure.to_html(
            full_html=False, include_plotlyjs=False, config={"displaylogo": False}
        )
        figures.append(
            f'<div class="figure" role="img" aria-label="{html.escape(page_figure.alt)}">{body}'
            f'<p class="caption">{html.escape(page_figure.caption)}</p></div>'
        )
    title = text(lang, "mo.report.title", name=source_name)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{STYLE}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script></head><body>'
        f"<h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(text(lang, 'mo.report.made', stamp=stamp))}</p>"
        f"<h2>{html.escape(text(lang, 'mo.report.numbers'))}</h2>{numbers}"
        f"<h2>{html.escape(text(lang, 'mo.report.worst', count=len(worst_rows)))}</h2>"
        f"{_table(worst.keys(), worst_rows)}"
        f"<h2>{html.escape(text(lang, 'mo.report.figures'))}</h2>{''.join(figures)}"
        "</body></html>"
    )
