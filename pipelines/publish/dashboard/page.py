"""Assemble the panels of one release into the dashboard folder: index.html (self-contained,
plotly.js embedded once), and, where a Chromium is available, a PNG per panel and one PDF."""

from __future__ import annotations

import html
import os
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import polars as pl
from plotly.offline import get_plotlyjs

from pipelines.publish.dashboard import data, panels
from pipelines.publish.dashboard.panels import FONT, Panel
from pipelines.publish.dashboard.printed import (
    PRINT_NAME,
    TABLE_CSS,
    ordered_blocks,
    print_html,
    print_pdf,
    table_html,
)
from pipelines.publish.dashboard.static import (
    PDF_NAME,
    Browser,
    StaticExport,
    export_static,
    find_chromium,
)


@dataclass
class DashboardResult:
    html: Path
    as_of: date
    static: StaticExport
    seconds: float


def collect_panels(release_dir: Path, year: int, as_of: date, previous: pl.DataFrame | None,
                   previous_label: str, report_link: str = "") -> list[Panel]:
    scores = _of_year(data.read_mart(release_dir, "fct_unit_scores"), year)
    movements = _of_year(data.read_mart(release_dir, "fct_score_movements"), year)
    daily = data.read_mart(release_dir, "fct_air_unit_daily")
    if daily is not None:
        daily = daily.filter(pl.col("obs_year") == year, pl.col("obs_date") <= as_of)
    gaps = data.read_mart(release_dir, "fct_air_target_gap")
    water = data.read_mart(release_dir, "fct_water_section_monthly")
    if water is not None:
        water = water.filter(pl.col("obs_year") == year, pl.col("obs_month") <= as_of.month)
    ranked = data.ranking(scores, previous) if scores is not None else None
    unit_order = ranked["unit_code"].to_list() if ranked is not None else []
    names = data.unit_names(scores, daily)
    causes = _of_year(data.read_mart(release_dir, "fct_unit_grade_causes"), year)
    sources = _of_year(data.read_mart(release_dir, "fct_movement_sources"), year)
    decimals = data.scheme_decimals(release_dir)
    bonus = _bonus_items(_of_year(data.read_mart(release_dir, "fct_unit_item_scores"), year))
    # which units have which data this year (fct_domain_coverage, issue 32): 无数据 in the notes
    coverage = _of_year(data.read_mart(release_dir, "fct_domain_coverage"), year)
    history = panels.history_panel(data.read_mart(release_dir, "fct_unit_score_history"))
    duties = panels.duty_panel(_of_year(data.read_mart(release_dir, "fct_duty_completion"), year))
    return [
        panels.ranking_panel(ranked, previous_label if previous is not None else "",
                             data.scheme_names(release_dir), causes, decimals),
        *([history] if history is not None else []),
        panels.scorecard_panel(ranked, movements, causes, sources, decimals, bonus),
        panels.air_calendar_panel(daily, data.aqi_levels(release_dir), year, unit_order,
                                  panels.without_stations(daily, ranked)),
        panels.air_monthly_panel(_monthly(release_dir, year, as_of), data.air_targets(gaps, names),
                                 unit_order),
        panels.target_gap_panel(gaps, names, unit_order, as_of, movements),
        panels.water_panel(water, data.water_classes(release_dir), names, coverage),
        *([duties] if duties is not None else []),
        panels.quality_panel(data.quality_gates(release_dir),
                             data.station_completeness(release_dir, year, as_of), report_link),
    ]


def _bonus_items(items: pl.DataFrame | None) -> dict[str, frozenset[str]]:
    """scheme_code → its bonus items (a bonus without data is no gap: not 数据缺失)."""
    if items is None or "item_kind" not in items.columns:
        return {}
    bonus = (items.filter(pl.col("item_kind") == "bonus")
             .group_by("scheme_code").agg(pl.col("item_code").unique()))
    return {code: frozenset(codes) for code, codes in bonus.iter_rows()}


def _of_year(frame: pl.DataFrame | None, year: int) -> pl.DataFrame | None:
    """The schemes of the assessed year only (a release may hold several years' schemes)."""
    return None if frame is None else frame.filter(pl.col("scheme_year") == year)


def _monthly(release_dir: Path, year: int, as_of: date) -> pl.DataFrame | None:
    """Monthly air statistics (the air domain's fct_air_unit_monthly) up to the as-of month."""
    mart = data.read_mart(release_dir, "fct_air_unit_monthly")
    if mart is None:
        return None
    return (mart.filter(pl.col("obs_year") == year, pl.col("obs_month") <= as_of.month)
            .select("unit_code", "unit_name", "obs_month", pl.col("good_day_ratio").cast(pl.Float64),
                    pm2_5_mean=pl.col("pm2_5_monthly_mean").cast(pl.Float64)))


def section_html(panel: Panel) -> str:
    parts = [f"<section id='{panel.key}'><h2>{html.escape(panel.title)}</h2>"]
    if panel.note:
        parts.append(f"<p class='note'>{html.escape(panel.note)}</p>")
    if panel.missing:
        parts.append(f"<p class='missing'>{html.escape(panel.missing)}</p>")
    for kind, i in ordered_blocks(panel):
        if kind == "table":
            parts.append(table_html(panel.tables[i]))
            continue
        # no mode bar: it covered titles, and a leader's page needs no zoom buttons
        parts.append(panel.figures[i].to_html(
            include_plotlyjs=False, full_html=False, div_id=f"{panel.key}-{i}", default_width="100%",
            config={"displaylogo": False, "displayModeBar": False, "responsive": True, "locale": "zh-CN"}))
    parts.append("</section>")
    return "\n".join(parts)


def export_note(static: StaticExport) -> str:
    if static.pdf is None:
        return f"<p class='missing'>{html.escape(static.message)}</p>"
    links = " ".join(f"<a href='{p.name}'>{p.name}</a>" for p in static.pngs)
    return (f"<p class='note'>打印版：<a href='{PDF_NAME}'>{PDF_NAME}</a>（A4 横向，表格跨页续表）；"
            f"各图 PNG：{links}</p>")


CSS = f"""body{{font-family:{FONT};margin:24px auto;max-width:1280px;color:#222;}}
h1{{font-size:26px;margin-bottom:4px;}} h2{{font-size:20px;border-left:6px solid #1F4E79;padding-left:8px;}}
.sub{{color:#555;}} .note{{color:#555;font-size:14px;}} nav a{{margin-right:14px;}}
.missing{{background:#FFF3E0;border:1px solid #FFB74D;padding:8px 12px;}}
@media print{{section{{page-break-before:always;}} nav{{display:none;}}}}
{TABLE_CSS}"""


def status_html(status: str) -> str:
    """The year's status line: 初步 (preliminary) or 定稿 (final)."""
    return f"<p class='status'><b>考核状态：</b>{html.escape(status)}</p>\n" if status else ""


def notes_html(notes: list[str]) -> str:
    """Lines under the title (an as-of dashboard lists what its date cut)."""
    if not notes:
        return ""
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    return f"<div class='cut'><b>截至日之后未计入的数据：</b><ul>{items}</ul></div>\n"


def office_links(release_dir: Path, year: int, out: Path, office_dir: Path) -> str:
    """Links to the release's Excel workbook and Word report of each scheme (pipelines/publish/
    office), relative to the dashboard folder; the office asset writes them after the dashboard."""
    from pipelines.publish.office import office_file_names
    from pipelines.publish.office.data import scheme_codes

    names = data.scheme_names(release_dir)
    links = []
    for code in scheme_codes(release_dir, year):
        workbook, report = (os.path.relpath(office_dir / name, out) for name in office_file_names(code, year))
        links.append(f"{html.escape(names.get(code, code))}："
                     f"<a href='{html.escape(workbook)}'>考核结果表（Excel）</a>"
                     f" · <a href='{html.escape(report)}'>考核通报（Word）</a>")
    return f"<p class='office'>下载：{'；'.join(links)}</p>" if links else ""


def page_html(title: str, as_of: date, sections: list[Panel], static: StaticExport,
              status: str = "", notes: list[str] | None = None, office: str = "") -> str:
    nav = "".join(f"<a href='#{p.key}'>{html.escape(p.title.split('：')[0])}</a>" for p in sections)
    body = "\n".join(section_html(p) for p in sections)
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<script type="text/javascript">{get_plotlyjs()}</script>
<style>{CSS}</style></head>
<body><h1>{html.escape(title)}</h1>
<p class="sub">数据截至 {as_of.year} 年 {as_of.month} 月 {as_of.day} 日；此后的数据不计入。</p>
{status_html(status)}{notes_html(notes or [])}<nav>{nav}</nav>
{office}
{body}
<footer>{export_note(static)}</footer>
</body></html>"""


def cut_notes(release_dir: Path) -> list[str]:
    """One line per dated input an as-of run left out (the mart fct_as_of_cuts)."""
    cuts = data.read_mart(release_dir, "fct_as_of_cuts")
    if cuts is None or cuts.is_empty():
        return []
    lines = []
    for c in cuts.sort("input_code").iter_rows(named=True):
        text = f"{c['input_zh']}（{c['date_rule_zh']}）：未计入 {c['rows_cut']} 条"
        if c["rows_cut"]:
            text += f"，{c['first_date_cut']} 至 {c['last_date_cut']}"
        if c["rows_undated_kept"]:
            text += f"；未注明日期而保留 {c['rows_undated_kept']} 条"
        lines.append(text)
    return lines


def build_dashboard(release_dir: Path, title: str, *, year: int, as_of: str = "",
                    out_dir: Path | None = None, previous: pl.DataFrame | None = None,
                    previous_label: str = "", static: bool = True,
                    quality_report: Path | None = None, status: str = "",
                    notes: list[str] | None = None, office_dir: Path | None = None,
                    figure_cache: Path | None = None,
                    browser: Browser | None = None) -> DashboardResult:
    """Write <out_dir or release_dir/dashboard>/index.html (+ PNGs and dashboard.pdf), linking
    the Excel and Word files in <office_dir or release_dir/office>. Figures already drawn
    into `figure_cache` (a hash of each figure's input names them) are not drawn again; the
    others are drawn by `browser` (None: a Chromium started for this page)."""
    started = time.perf_counter()
    as_of_date = data.data_as_of(release_dir, year, as_of)
    out = out_dir or release_dir / "dashboard"
    report = quality_report or release_dir / "quality" / "index.html"
    link = os.path.relpath(report, out) if report.exists() else ""
    sections = collect_panels(release_dir, year, as_of_date, previous, previous_label, link)
    out.mkdir(parents=True, exist_ok=True)
    exported = (export_static(sections, out, cache_dir=figure_cache, browser=browser) if static
                else StaticExport(message="未要求导出 PNG/PDF。"))
    path = out / "index.html"
    if notes is None and as_of:
        notes = cut_notes(release_dir)
    if exported.pngs:
        print_dashboard(out, title, status, as_of_date, sections, exported, notes or [])
    office = office_links(release_dir, year, out, office_dir or release_dir / "office")
    path.write_text(page_html(title, as_of_date, sections, exported, status, notes, office),
                    encoding="utf-8")
    return DashboardResult(html=path, as_of=as_of_date, static=exported,
                           seconds=round(time.perf_counter() - started, 2))


def print_dashboard(out: Path, title: str, status: str, as_of: date, sections: list[Panel],
                    exported: StaticExport, notes: list[str]) -> None:
    """dashboard.pdf: print.html (charts as the PNGs just exported, tables as tables) printed on
    A4 by Chromium; a failure leaves the PNGs and says why (never fails the run)."""
    from pipelines.publish.dashboard.static import figure_files

    names = {}
    files = iter(exported.pngs)
    for panel in sections:
        for i, _ in enumerate(panel.figures):
            names[(panel.key, i)] = next(files).name
    assert len(names) == len(figure_files(sections, out))
    page = out / PRINT_NAME
    page.write_text(print_html(title, status or "初步", as_of, sections, names, notes), encoding="utf-8")
    chromium = find_chromium()
    try:
        if chromium is None:
            raise RuntimeError("未找到 Chromium")
        print_pdf(chromium, page, out / PDF_NAME)
        exported.pdf = out / PDF_NAME
    except Exception as err:  # the PNGs and the page stand on their own
        exported.message = f"打印版 PDF 未生成（{err}）。"
