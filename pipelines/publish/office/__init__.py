"""The results in the office's own formats, from a release's marts (the dashboard's marts):

- data.py   one scheme's rows from the release (scores, items, movements, sections, quarantine)
- xlsx.py   考核结果_<scheme>_<year>.xlsx (openpyxl): 汇总, 得分明细, 扣分说明, 数据质量
- word.py   考核通报_<scheme>_<year>.docx (python-docx): the draft 通报

build_office_files() writes both for every scheme of the year into <release>/office/."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines.publish.office.data import load_office_data, scheme_codes
from pipelines.publish.office.word import report_name, write_report
from pipelines.publish.office.xlsx import workbook_name, write_workbook

OFFICE_DIR = "office"
RANKING_PNG = "01_ranking"  # the dashboard's ranking panel (pipelines/publish/dashboard/panels.py)


@dataclass
class OfficeFiles:
    scheme_code: str
    workbook: Path
    report: Path
    chart: Path | None


def office_file_names(scheme_code: str, year: int) -> tuple[str, str]:
    return workbook_name(scheme_code, year), report_name(scheme_code, year)


def ranking_chart(dashboard_dir: Path, codes: list[str], scheme_code: str) -> Path | None:
    """The dashboard's ranking PNG of a scheme: 01_ranking.png, or 01_ranking_<n>.png when the
    year has several schemes (one figure each, in scheme-code order)."""
    if len(codes) == 1:
        path = dashboard_dir / f"{RANKING_PNG}.png"
    else:
        path = dashboard_dir / f"{RANKING_PNG}_{codes.index(scheme_code) + 1:02d}.png"
    return path if path.exists() else None


def build_office_files(release_dir: Path, year: int, as_of: date, out_dir: Path,
                       dashboard_dir: Path | None = None, record: dict | None = None,
                       schemes: list[str] | None = None) -> list[OfficeFiles]:
    """Write the workbook and the report of each scheme of the year (or of `schemes`)."""
    codes = scheme_codes(release_dir, year)
    if not codes:
        raise ValueError(f"{release_dir}: 没有 {year} 年度的考核结果，无法生成考核结果文件。")
    unknown = sorted(set(schemes or []) - set(codes))
    if unknown:
        raise ValueError(f"{release_dir}: {year} 年度没有考核方案 {'、'.join(unknown)}"
                         f"（本期方案：{'、'.join(codes)}）。")
    out_dir.mkdir(parents=True, exist_ok=True)
    made = []
    for code in schemes or codes:
        data = load_office_data(release_dir, code, year, as_of, record)
        chart = ranking_chart(dashboard_dir or release_dir / "dashboard", codes, code)
        workbook = write_workbook(data, out_dir)
        report = write_report(data, out_dir, chart, workbook.name)
        made.append(OfficeFiles(scheme_code=code, workbook=workbook, report=report, chart=chart))
    return made
