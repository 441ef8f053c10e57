"""Issue 34: a meeting's papers as printed. The dashboard's PDF, the workbook and the 通报 are
rendered (Chromium; LibreOffice for the office files) and read back page by page: A4 pages,
each dashboard page with its title, status, as-of date and page x/y, nothing cut (every
deduction row's text is in the printed text), the 通报's last page not the signature alone,
and the veto's cause (event, date, place, ledger row) on every paper."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import polars as pl
import pytest

from pipelines.lib.settings import Settings
from pipelines.lib.wording import chinese_dates
from pipelines.publish.dashboard.static import PDF_NAME, find_chromium
from pipelines.publish.office import OFFICE_DIR, office_file_names

pdfium = pytest.importorskip("pypdfium2")

A4 = (595.3, 841.9)  # points, portrait
VETO = ("一票否决", "2024年7月2日", "中峰镇", "第 23 行")


def squeeze(text: str) -> str:
    """Printed text without the line breaks and spaces layout adds (a cell's text wraps)."""
    return re.sub(r"\s+", "", text)


def pages(pdf: Path) -> list[tuple[tuple[float, float], str]]:
    """(width, height) in points and the text of each page."""
    document = pdfium.PdfDocument(str(pdf))
    try:
        return [(tuple(page.get_size()), page.get_textpage().get_text_range()) for page in document]
    finally:
        document.close()


def is_a4(size: tuple[float, float]) -> bool:
    return any(abs(size[0] - w) < 2 and abs(size[1] - h) < 2 for w, h in (A4, A4[::-1]))


@pytest.fixture(scope="module")
def release(sample_run: Settings) -> Path:
    return sample_run.current_release.resolve()


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium (run `make browser` as root)")
def test_the_dashboard_prints_on_a4_pages_with_title_status_date_and_page_numbers(release: Path):
    printed = pages(release / "dashboard" / PDF_NAME)
    assert len(printed) >= 5
    for n, (size, text) in enumerate(printed, start=1):
        assert is_a4(size), (n, size)
        flat = squeeze(text)
        assert "生态环境保护目标责任考核2024年度" in flat, n
        assert ("初步" in flat or "定稿" in flat) and "数据截至2024年12月31日" in flat, n
        assert f"第{n}页，共{len(printed)}页" in flat, n


@pytest.mark.skipif(find_chromium() is None, reason="no Chromium (run `make browser` as root)")
def test_nothing_is_cut_every_deduction_row_is_in_the_printed_dashboard(release: Path):
    """Scorecard tables were cut mid-row in the old print: now every movement that moved points
    or lacks data, with its explanation, is in the PDF's text; a long table runs over pages with
    its header repeated."""
    text = squeeze("\n".join(t for _, t in pages(release / "dashboard" / PDF_NAME)))
    movements = pl.read_parquet(release / "fct_score_movements.parquet").filter(
        pl.col("scheme_year") == 2024, pl.col("is_movement") | (pl.col("status") == "missing"))
    assert movements.height > 50
    for m in movements.iter_rows(named=True):
        assert squeeze(chinese_dates(m["explanation_zh"])) in text, (m["unit_name"], m["item_code"])
        assert f"{m['item_code']}{squeeze(m['item_name'])}" in text
    gaps = pl.read_parquet(release / "fct_air_target_gap.parquet")
    for g in gaps.iter_rows(named=True):  # the air target table was cut too
        assert squeeze(g["item_name"]) in text
    headers = text.count("指标实际值目标值分数变动说明方案依据台账出处")
    assert headers > pl.read_parquet(release / "fct_unit_scores.parquet").filter(
        pl.col("scheme_year") == 2024).height  # a header on every page a scorecard table runs over


def test_the_veto_is_shown_with_its_cause_on_the_dashboard(release: Path):
    page = (release / "dashboard" / "index.html").read_text(encoding="utf-8")
    for part in VETO:
        assert part in page, part
    if (release / "dashboard" / PDF_NAME).exists():
        text = "".join(t for _, t in pages(release / "dashboard" / PDF_NAME))
        assert all(squeeze(part) in squeeze(text) for part in VETO)


def _print(document: Path, out: Path) -> Path:
    subprocess.run(["soffice", f"-env:UserInstallation=file://{out}/profile", "--headless",
                    "--convert-to", "pdf", "--outdir", str(out), str(document)],
                   check=True, capture_output=True, timeout=300)
    return out / f"{document.stem}.pdf"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_the_workbook_and_the_report_print_on_a4_with_the_veto_cause(release: Path, tmp_path: Path):
    """资源县's papers through LibreOffice: A4 pages; the workbook's 汇总 and the 通报 carry the
    veto's cause; the 通报's page numbers are «— n —» and its last page holds more than the
    附件 line and the signature (GB/T 9704-2012 7.3.5.3)."""
    workbook, report = (release / OFFICE_DIR / name for name in office_file_names("ziyuan_2024", 2024))
    book = pages(_print(workbook, tmp_path))
    assert book and all(is_a4(size) for size, _ in book)
    assert all(part.replace(" ", "") in squeeze(book[0][1]) for part in VETO)
    assert all("第" in text and "页，共" in text for _, text in book)
    letter = pages(_print(report, tmp_path))
    assert letter and all(is_a4(size) and size[0] < size[1] for size, _ in letter)
    whole = squeeze("".join(text for _, text in letter))
    assert all(part.replace(" ", "") in whole for part in VETO)
    for n, (_, text) in enumerate(letter, start=1):
        assert f"—{n}—" in squeeze(text)
    last = [line for line in letter[-1][1].splitlines() if line.strip()]
    signature = {"资源县人民政府办公室", f"—{len(letter)}—"}
    closing = ("附件", "（汇总")
    body = [line for line in last if squeeze(line) not in signature and not line.strip().startswith(closing)
            and not re.fullmatch(r"二〇\S+日", squeeze(line))]
    assert body, last
