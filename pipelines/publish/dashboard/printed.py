"""The dashboard as printed papers (issue 34 item 2): dashboard.pdf on A4 landscape pages, each
with the title, the year's status (初步/定稿), the as-of date and 第 x 页，共 y 页 in its margins;
charts as their exported PNGs, tables as HTML tables that run over pages with their header row
repeated (Chromium repeats a <thead> on every page and keeps a row whole), so nothing is cut.

A headless Chromium prints `print.html` (CSS paged media: @page size and margin boxes) with
`--print-to-pdf`. Without a Chromium there is no PDF (the dashboard page says how to get one)."""

from __future__ import annotations

import html
import subprocess
import tempfile
from datetime import date
from pathlib import Path

from pipelines.lib.wording import date_zh
from pipelines.publish.dashboard.panels import FONT, Panel, Table

PRINT_NAME = "print.html"
PAGE_MARGINS = "16mm 11mm 15mm 11mm"


def short_status(status: str) -> str:
    """初步 / 定稿 for a page margin (the status line says why)."""
    return "定稿" if status.startswith("定稿") else "初步"


def _css_text(text: str) -> str:
    """A CSS string literal."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def table_html(table: Table) -> str:
    """A Table as HTML: a <thead> (repeated on every printed page), colgroup widths, rows in red
    where marked, cell fills."""
    align = {"l": "left", "c": "center", "r": "right"}
    widths = table.widths or [1] * len(table.header)
    total = sum(widths)
    cols = "".join(f"<col style='width:{100 * w / total:.1f}%'>" for w in widths)
    head = "".join(f"<th>{html.escape(h)}</th>" for h in table.header)
    body = []
    for i, row in enumerate(table.rows):
        red = bool(table.red and i < len(table.red) and table.red[i])
        cells = []
        for j, text in enumerate(row):
            style = [f"text-align:{align.get((table.align or '')[j:j + 1], 'left')}"]
            if (i, j) in table.fills:
                style.append(f"background:{table.fills[(i, j)]}")
            cells.append(f"<td style='{';'.join(style)}'>{html.escape(str(text))}</td>")
        body.append(f"<tr{' class=red' if red else ''}>{''.join(cells)}</tr>")
    caption = f"<caption>{html.escape(table.caption)}</caption>" if table.caption else ""
    return (f"<table class='data'>{caption}<colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(body)}</tbody></table>")


def ordered_blocks(panel: Panel) -> list[tuple[str, int]]:
    """("figure", i) and ("table", j) in the order the panel shows them."""
    blocks: list[tuple[str, int]] = []
    for i in range(len(panel.figures)):
        blocks.append(("figure", i))
        blocks += [("table", j) for j, t in enumerate(panel.tables) if t.after == i]
    blocks += [("table", j) for j, t in enumerate(panel.tables)
               if t.after is None or t.after >= len(panel.figures)]
    return blocks


TABLE_CSS = """table.data{border-collapse:collapse;width:100%;margin:6px 0 14px;font-size:12px;}
table.data caption{caption-side:top;text-align:left;font-weight:bold;padding:4px 0;}
table.data th{background:#1F4E79;color:#fff;padding:4px 5px;border:1px solid #8EA9C1;}
table.data td{padding:3px 5px;border:1px solid #C9D3DD;vertical-align:top;}
table.data tbody tr:nth-child(even){background:#F7F9FC;} table.data tr.red td{color:#D50000;}"""


def print_css(title: str, status: str, as_of: date) -> str:
    margin = f"font-family:{FONT};font-size:8.5pt;color:#444;"
    return f"""@page {{ size: A4 landscape; margin: {PAGE_MARGINS};
  @top-left {{ content: {_css_text(title)}; {margin} }}
  @top-right {{ content: {_css_text(f"{short_status(status)} · 数据截至 {date_zh(as_of)}")}; {margin} }}
  @bottom-center {{ content: "第 " counter(page) " 页，共 " counter(pages) " 页"; {margin} }} }}
body{{font-family:{FONT};color:#222;margin:0;}}
h1{{font-size:20px;margin:0 0 4px;}} h2{{font-size:16px;border-left:5px solid #1F4E79;padding-left:6px;
break-after:avoid;margin:0 0 4px;}}
section{{break-before:page;}} section:first-of-type{{break-before:auto;}}
.note{{color:#555;font-size:11px;margin:2px 0 6px;}} .missing{{background:#FFF3E0;padding:6px;}}
img{{display:block;width:100%;max-height:150mm;object-fit:contain;break-inside:avoid;margin:4px 0;}}
thead{{display:table-header-group;}} tr{{break-inside:avoid;}}
{TABLE_CSS}"""


def print_html(title: str, status: str, as_of: date, panels: list[Panel],
               pngs: dict[tuple[str, int], str], notes: list[str]) -> str:
    """The print document: the title block, then each panel on new pages; charts as the PNG
    files named in `pngs` ((panel key, figure index) → file name)."""
    parts = [f"<h1>{html.escape(title)}</h1>",
             f"<p class='note'>考核状态：{html.escape(status)}；"
             f"数据截至 {date_zh(as_of)}，此后的数据不计入。</p>"]
    parts += [f"<p class='note'>{html.escape(n)}</p>" for n in notes]
    for panel in panels:
        parts.append(f"<section><h2>{html.escape(panel.title)}</h2>")
        if panel.note:
            parts.append(f"<p class='note'>{html.escape(panel.note)}</p>")
        if panel.missing:
            parts.append(f"<p class='missing'>{html.escape(panel.missing)}</p>")
        for kind, index in ordered_blocks(panel):
            if kind == "figure":
                name = pngs.get((panel.key, index))
                if name:
                    parts.append(f"<img src='{html.escape(name)}' alt=''>")
            else:
                parts.append(table_html(panel.tables[index]))
        parts.append("</section>")
    return (f"<!DOCTYPE html><html lang='zh-CN'><head><meta charset='utf-8'>"
            f"<title>{html.escape(title)}</title><style>{print_css(title, status, as_of)}</style></head>"
            f"<body>{''.join(parts)}</body></html>")


CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                  "--disable-background-networking", "--disable-component-update", "--no-first-run",
                  "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=10000"]


def print_pdf(chromium: str, page: Path, pdf: Path, timeout: float = 180) -> None:
    """Chromium prints `page` to `pdf` (A4 as the page's CSS says); raises on failure."""
    with tempfile.TemporaryDirectory(prefix="ecoscore-print-") as profile:
        done = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
                               f"--print-to-pdf={pdf}", page.resolve().as_uri()],
                              capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        raise RuntimeError(f"Chromium 未能打印 {page.name}：{done.stderr[-500:]}")
