"""The results in the office's own formats (issue 17): the Excel workbook and the Word 通报 are
read back and every number compared with the marts they were written from; the workbook's
formulas are evaluated (in Python here, and by LibreOffice where it is installed) and must give
the published totals."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from docx import Document
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.lib.settings import Settings
from pipelines.lib.wording import balanced, points
from pipelines.publish.office import OFFICE_DIR, office_file_names
from pipelines.publish.office.data import (
    FINAL,
    PRELIMINARY,
    OfficeData,
    missing_counts,
    release_status,
    scheme_sections,
    shown_movements,
)
from pipelines.publish.office.word import largest_deductions, write_report
from pipelines.publish.office.xlsx import MISSING_FILL, write_workbook

TOLERANCE = 1e-9

# ---------- a formula check that cannot pass silently

TOKEN = re.compile(r"SUM\(([A-Z]+)(\d+):([A-Z]+)(\d+)\)|([A-Z]+)(\d+)|([+-])")


def _cell_value(ws: Worksheet, ref: str, in_range: bool = False) -> float:
    value = ws[ref].value
    if in_range and isinstance(value, str) and not value.startswith("="):
        return 0.0  # SUM over a range ignores text (不考核), as Excel and LibreOffice do
    if isinstance(value, str) and value.startswith("="):
        return evaluate(ws, value)
    if value is None:
        return 0.0
    if not isinstance(value, int | float):
        raise ValueError(f"{ws.title}!{ref} holds {value!r}, not a number")
    return float(value)


def evaluate(ws: Worksheet, formula: str) -> float:
    """Evaluate `=A1-B1+C1` and `=SUM(C6:K6)-L6` against the sheet's cells. Anything else
    raises: a formula this check does not understand fails the test instead of passing it."""
    if not formula.startswith("="):
        raise ValueError(f"not a formula: {formula!r}")
    body = formula[1:]
    tokens = list(TOKEN.finditer(body))
    if "".join(t.group(0) for t in tokens) != body:
        raise ValueError(f"formula not understood by the check: {formula!r}")
    total, sign, expect_operand = 0.0, 1.0, True
    for token in tokens:
        if token.group(7):
            if expect_operand:
                raise ValueError(f"two operators in a row: {formula!r}")
            sign, expect_operand = (1.0 if token.group(7) == "+" else -1.0), True
            continue
        if not expect_operand:
            raise ValueError(f"two operands in a row: {formula!r}")
        if token.group(1):
            first, last = column_index_from_string(token.group(1)), column_index_from_string(token.group(3))
            rows = range(int(token.group(2)), int(token.group(4)) + 1)
            value = sum(_cell_value(ws, f"{get_column_letter(c)}{r}", in_range=True)
                        for c in range(first, last + 1) for r in rows)
        else:
            value = _cell_value(ws, token.group(0))
        total, expect_operand = total + sign * value, False
    return total


def test_formula_check_refuses_what_it_cannot_evaluate():
    from openpyxl import Workbook

    ws = Workbook().active
    ws["A1"], ws["B1"], ws["C1"] = 5, 2, 1
    ws["D1"] = "=A1-B1+C1"
    assert evaluate(ws, ws["D1"].value) == 4
    assert evaluate(ws, "=SUM(A1:C1)-B1") == 6
    for unsupported in ("=A1*B1", "=AVERAGE(A1:C1)", "=A1--B1", "A1+B1"):
        with pytest.raises(ValueError):
            evaluate(ws, unsupported)
    ws["E1"] = "一"
    with pytest.raises(ValueError):
        evaluate(ws, "=E1+A1")
    assert evaluate(ws, "=SUM(A1:E1)") == 12  # text in a SUM range counts nothing


# ---------- small frames: the columns other issues add (数据缺失 status, 定稿)


def test_results_are_preliminary_unless_the_release_says_they_are_final():
    """Issue 16 adds finalisation to release.json: 定稿 only when the record says so."""
    assert release_status({}) == PRELIMINARY
    assert release_status({"year": 2024, "as_of": ""}) == PRELIMINARY
    assert release_status({"status": "final"}) == FINAL
    assert release_status({"finalised": True}) == FINAL
    assert release_status({"status": "定稿"}) == FINAL
    assert release_status({"status": "preliminary"}) == PRELIMINARY


def test_missing_items_are_read_from_the_unit_scores_mart():
    """Issue 14: fct_unit_scores.missing_items is the one count of 数据缺失 items per unit."""
    scores = pl.DataFrame({"unit_code": ["a", "b", "c"], "missing_items": [0, 2, None]})
    assert missing_counts(scores) == {"a": 0, "b": 2, "c": 0}


def _small_scheme(with_status: bool) -> OfficeData:
    """Two units, a heading with two items, one bonus item; unit b lacks data on 1.2."""
    scores = pl.DataFrame({
        "unit_code": ["a", "b"], "unit_name": ["甲县", "乙县"], "score_rank": [1, 2],
        "base_points": [10.0, 10.0], "deductions": [1.0, 3.0], "bonuses": [0.5, 0.0],
        "deductions_with_overflow": [1.0, 3.5], "points_lost": [1.0, 3.5],
        "total_score": [9.5, 6.5], "grade": ["优秀", "合格"], "grade_note_zh": [None, None],
        "overflow_deductions": [0.0, 0.5], "missing_items": [0, 1 if with_status else 0]})
    items = pl.DataFrame({
        "unit_code": ["a", "a", "a", "b", "b", "b"], "item_code": ["1.1", "1.2", "B1"] * 2,
        "item_name": ["空气", "水", "加分"] * 2, "item_kind": ["base", "base", "bonus"] * 2,
        "parent_code": ["1", "1", None] * 2, "item_order": [1, 2, 3] * 2,
        "points": [6.0, 4.0, 0.0] * 2, "score_with_bonuses": [5.0, 4.0, 0.5, 3.0, 4.0, 0.0],
        "status": ["scored", "scored", "scored", "scored", "missing", "scored"]})
    movements = pl.DataFrame({
        "movement_id": ["m1", "m2", "m3", "m4"], "unit_code": ["a", "a", "b", "b"],
        "unit_name": ["甲县", "甲县", "乙县", "乙县"], "item_code": ["1.1", "B1", "1.1", "1.2"],
        "item_name": ["空气", "加分", "空气", "水"], "points": [-1.0, 0.5, -3.5, 0.0],
        "is_movement": [True, True, True, False], "rule_shape": ["steps", "per_event", "steps", "steps"],
        "movement_kind": ["deduction", "bonus", "deduction", "deduction"],
        "measure_value": [30.0, None, 38.0, None], "target": [29.0, None, 29.0, None],
        "explanation_zh": ["PM2.5 高于目标：扣 1 分", "获表彰：加 0.5 分", "PM2.5 高于目标：扣 3.5 分",
                           "缺少数据，待补充"],
        "source_seed": ["001"] * 4, "source_item": ["5(1)②", "B1", "5(1)②", "6(1)①"],
        "source_text": ["每高0.1微克/立方米扣0.3分"] * 4, "source_keys": ["k1", "k2", "k3", "k4"],
        "status": ["scored", "scored", "scored", "missing"]})
    if not with_status:
        items, movements = items.drop("status"), movements.drop("status")
    tree = {"1": {"item_code": "1", "item_name": "环境质量", "parent_code": None, "points": 10.0}}
    empty = pl.DataFrame(schema={"input_zh": pl.String, "source_file": pl.String,
                                 "rows_read": pl.Int64, "rows_loaded": pl.Int64,
                                 "rows_quarantined": pl.Int64, "rows_other_year": pl.Int64,
                                 "status_zh": pl.String})
    quarantine = pl.DataFrame(schema={"input_zh": pl.String, "source_file": pl.String,
                                      "source_sheet": pl.String, "source_row": pl.Int64,
                                      "column_name": pl.String, "value": pl.String, "reason": pl.String})
    return OfficeData(scheme_code="t", scheme_name="测试方案", year=2024, as_of=date(2024, 12, 31),
                      status=PRELIMINARY, scores=scores, item_scores=items,
                      movements=shown_movements(movements, ["a", "b"], {"1.1": 1, "1.2": 2, "B1": 3}),
                      sections=scheme_sections(items, tree), file_report=empty, quarantine=quarantine,
                      grades=["优秀", "良好", "合格", "不合格"])


def test_items_are_grouped_under_the_scheme_headings_and_bonuses_last():
    sections = _small_scheme(with_status=False).sections
    assert [s.label for s in sections] == ["一、环境质量（10 分）", "加分项"]
    assert [[i["item_code"] for i in s.items] for s in sections] == [["1.1", "1.2"], ["B1"]]


def test_a_top_level_item_without_sub_items_is_a_section_of_its_own():
    """fangchenggang_2022.yaml (seed 000 items 3–9): top-level items scored themselves."""
    items = pl.DataFrame({"unit_code": "a", "item_code": ["3", "4"],
                          "item_name": ["地表水水质达标", "饮用水"],
                          "item_kind": "base", "parent_code": [None, None], "item_order": [1, 2],
                          "points": [4.0, 3.0]})
    tree = {r["item_code"]: r for r in items.select("item_code", "item_name", "parent_code", "points")
            .iter_rows(named=True)}
    assert [s.label for s in scheme_sections(items, tree)] == ["一、地表水水质达标", "二、饮用水"]
    assert [s.label for s in scheme_sections(items, {})] == ["一、第 3 项", "二、第 4 项"]


def _detail_cell(ws: Worksheet, item_code: str, unit_name: str):
    """得分明细: the cell of an item (rows) for a unit (columns)."""
    column = next(c for c in range(4, ws.max_column + 1) if ws.cell(3, c).value == unit_name)
    row = next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == item_code)
    return ws.cell(row, column)


def _total_row(ws: Worksheet) -> int:
    return next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 2).value == "合计（= 总分）")


def test_workbook_and_report_mark_missing_data_when_the_marts_carry_a_status(tmp_path: Path):
    """数据缺失 (issue 14): counted in 汇总, coloured in 得分明细, listed in 扣分说明 (even at 0
    points), stated in the 通报's data-quality note. Without the column: 0, and no 数据状态."""
    data = _small_scheme(with_status=True)
    wb = load_workbook(write_workbook(data, tmp_path))
    summary = wb["汇总"]
    assert [summary.cell(r, 10).value for r in (4, 5)] == [0, 1]
    assert [evaluate(summary, summary.cell(r, 7).value) for r in (4, 5)] == [9.5, 6.5]
    detail = wb["得分明细"]
    assert _detail_cell(detail, "1.2", "乙县").fill.fgColor.rgb.endswith(MISSING_FILL[1:])
    assert evaluate(detail, detail.cell(_total_row(detail), 5).value) == pytest.approx(6.5)
    moves = wb["扣分说明"]
    assert moves.cell(3, 11).value == "数据状态"
    listed = [(moves.cell(r, 1).value, moves.cell(r, 2).value, moves.cell(r, 11).value) for r in range(4, 8)]
    assert ("乙县", "1.2", "数据缺失") in listed
    text = "\n".join(p.text for p in Document(write_report(data, tmp_path, None, "x.xlsx")).paragraphs)
    assert "1个单位共1项指标因数据缺失暂未确定得分" in text

    plain = _small_scheme(with_status=False)
    wb = load_workbook(write_workbook(plain, tmp_path))
    assert [wb["汇总"].cell(r, 10).value for r in (4, 5)] == [0, 0]
    assert wb["扣分说明"].max_row == 3 + 3  # the three movements that moved points


def test_the_three_largest_deductions_come_from_the_scoring_rules():
    data = _small_scheme(with_status=False)
    assert largest_deductions(data, "b")["points"].to_list() == [-3.5]
    assert largest_deductions(data, "a")["item_code"].to_list() == ["1.1"]  # the bonus is not one


# ---------- the sample run: every number against the marts


def _release(sample_run: Settings) -> Path:
    return sample_run.current_release.resolve()


def _marts(release: Path, stem: str, scheme: str) -> pl.DataFrame:
    return pl.read_parquet(release / f"{stem}.parquet").filter(pl.col("scheme_code") == scheme)


def _schemes(release: Path) -> list[str]:
    scores = pl.read_parquet(release / "fct_unit_scores.parquet").filter(pl.col("scheme_year") == 2024)
    return sorted(scores["scheme_code"].unique().to_list())


def _workbook(release: Path, scheme: str, data_only: bool = False):
    return load_workbook(release / OFFICE_DIR / office_file_names(scheme, 2024)[0], data_only=data_only)


def test_every_release_carries_both_files_per_scheme_and_the_dashboard_links_them(sample_run: Settings):
    release = _release(sample_run)
    page = (release / "dashboard" / "index.html").read_text(encoding="utf-8")
    assert len(_schemes(release)) == 2
    for scheme in _schemes(release):
        for name in office_file_names(scheme, 2024):
            assert (release / OFFICE_DIR / name).stat().st_size > 5000
            link = f"../{OFFICE_DIR}/{name}"
            assert f"href='{link}'" in page
            assert (release / "dashboard" / link).resolve().exists()


HASH = re.compile(r"\b[0-9a-f]{32}\b")
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def test_workbook_summary_matches_the_scores_and_its_formulas_give_the_totals(sample_run: Settings):
    """汇总: parts as printed add up (100.00 − 21.17 − 0.00 + 0.00 = 78.83, issue 34 item 6); 总分 is
    a formula stored with its value, so a reader that does not recalculate sees it (item 4)."""
    release = _release(sample_run)
    for scheme in _schemes(release):
        ws = _workbook(release, scheme)["汇总"]
        cached = _workbook(release, scheme, data_only=True)["汇总"]
        scores = _marts(release, "fct_unit_scores", scheme).sort("score_rank", "unit_code")
        for r, unit in enumerate(scores.iter_rows(named=True), start=4):
            row = [ws.cell(r, c).value for c in range(1, 11)]
            assert row[0] == unit["score_rank"] and row[1] == unit["unit_name"]
            # 扣分 includes what overflows into the total (issue 35: deductions_with_overflow)
            shown = balanced(unit["base_points"], unit["deductions_with_overflow"], unit["bonuses"],
                             unit["total_score"], missing=unit["missing_points"])
            assert row[2:6] == [float(v) for v in shown[:4]]
            assert all(isinstance(v, int | float) for v in row[2:6])  # numbers stored as numbers
            assert row[6] == f"=C{r}-D{r}-E{r}+F{r}"
            assert evaluate(ws, row[6]) == pytest.approx(float(shown[4]))
            assert cached.cell(r, 7).value == pytest.approx(float(shown[4]))
            assert points(cached.cell(r, 7).value) == points(unit["total_score"])
            assert row[7] == unit["grade"]
            assert row[9] == unit["missing_items"]  # issue 14: base items with 数据缺失
        assert ws.cell(4 + scores.height, 2).value is None  # no unit more, no unit less
        assert ws.freeze_panes == "C4" and ws.print_title_rows == "$1:$3"
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
        assert "&P" in ws.oddFooter.center.text and "数据截至" in ws.oddFooter.left.text


def test_the_veto_is_shown_with_its_cause_in_the_workbook(sample_run: Settings):
    """Issue 34 item 1: 资源县 is 不合格 by 一票否决 (seed 001 21(2)①) — the summary and 扣分说明
    say why: the event, its date and place, the ledger file and row."""
    release = _release(sample_run)
    causes = _marts(release, "fct_unit_grade_causes", "ziyuan_2024")
    veto = causes.filter(pl.col("cause_kind") == "veto").row(0, named=True)
    assert veto["event_date"] == date(2024, 7, 2) and veto["source_row"] == 23
    wb = _workbook(release, "ziyuan_2024")
    row = next(r for r in range(4, 10) if wb["汇总"].cell(r, 2).value == "资源县")
    note = wb["汇总"].cell(row, 9).value
    for part in ("一票否决", "21(2)①", "2024年7月2日", "中峰镇", "饮用水", "扣分与加分事项.csv", "第 23 行"):
        assert part in note, part
    moves = wb["扣分说明"]
    listed = [moves.cell(r, 7).value for r in range(4, moves.max_row + 1)
              if moves.cell(r, 2).value == "21.2.1"]
    assert listed and "中峰镇" in listed[0] and "第 23 行" in listed[0]


def test_workbook_detail_is_one_long_sheet_grouped_by_section_and_adds_up(sample_run: Settings):
    """得分明细: items down under the scheme's sections, one column per unit (资源县: 3 columns of
    items, not 170); 合计 a formula with its value, equal to the published total."""
    release = _release(sample_run)
    for scheme in _schemes(release):
        ws = _workbook(release, scheme)["得分明细"]
        cached = _workbook(release, scheme, data_only=True)["得分明细"]
        items = _marts(release, "fct_unit_item_scores", scheme)
        scores = _marts(release, "fct_unit_scores", scheme).sort("score_rank", "unit_code")
        assert ws.max_column == 3 + scores.height
        rows = {ws.cell(r, 1).value: r for r in range(4, ws.max_row + 1) if ws.cell(r, 3).value is not None}
        assert set(items["item_code"].unique().to_list()) <= set(rows)
        total = _total_row(ws)
        for c, unit in enumerate(scores.iter_rows(named=True), start=4):
            assert ws.cell(3, c).value == unit["unit_name"]
            mine = items.filter(pl.col("unit_code") == unit["unit_code"])
            for item in mine.iter_rows(named=True):
                cell = ws.cell(rows[item["item_code"]], c).value
                if item["status"] == "not_applicable":  # 001 14(2) for 资源县: 不适用, not a 0 (issue 32)
                    assert cell == "不适用", (unit["unit_code"], item)
                    continue
                assert abs(cell - float(item["score_with_bonuses"])) < TOLERANCE, (unit["unit_code"], item)
            assert abs(evaluate(ws, ws.cell(total, c).value) - float(unit["total_score"])) < TOLERANCE
            assert cached.cell(total, c).value == pytest.approx(float(unit["total_score"]))
        assert ws.print_title_rows == "$3:$3" and ws.print_title_cols == "$A:$B"


def test_workbook_lists_every_movement_with_its_reason_rule_and_ledger_row(sample_run: Settings):
    """扣分说明: every movement, every rule that found no input (数据缺失) and every veto or cap;
    sources as file and row (no row hashes, no internal status words), dates the Chinese way."""
    release = _release(sample_run)
    for scheme in _schemes(release):
        ws = _workbook(release, scheme)["扣分说明"]
        movements = _marts(release, "fct_score_movements", scheme)
        # every movement, every rule that found no input (数据缺失, issue 14) or whose item does not
        # apply (不适用, issue 32), and every veto or grade cap
        shown = movements.filter(pl.col("is_movement") | pl.col("status").is_in(["missing", "not_applicable"])
                                 | pl.col("movement_kind").is_in(["veto", "grade_cap"]))
        expected = sorted((m["unit_name"], m["item_code"], round(float(m["points"]), 4), m["source_text"])
                          for m in shown.iter_rows(named=True))
        listed = sorted((ws.cell(r, 1).value, ws.cell(r, 2).value, round(ws.cell(r, 4).value, 4),
                         ws.cell(r, 9).value) for r in range(4, ws.max_row + 1))
        assert len(expected) > 5 and listed == expected
        sources = _marts(release, "fct_movement_sources", scheme)
        cells = [str(ws.cell(r, c).value or "") for r in range(1, ws.max_row + 1) for c in range(1, 12)]
        first = (sources.filter(pl.col("movement_id").is_in(shown["movement_id"].implode()))
                 .sort("event_date", "source_row").unique("movement_id", keep="first"))
        assert first.height > 5
        for s in first.iter_rows(named=True):  # each movement cites its first ledger row (and the count)
            name = s["source_file"].split("/")[-1]
            assert any(f"第 {s['source_row']} 行" in c and name in c for c in cells), s
        assert not any(HASH.search(c) or ISO_DATE.search(c) for c in cells)
        assert not any(word in c for c in cells for word in ("scored", "evidence_ref", "依据文件"))


def test_workbook_quality_sheet_shows_the_schemes_own_files(sample_run: Settings):
    """Issue 34 item 5: 资源县's workbook lists 资源县's ledger files, not 钦州's; a file of
    another year reads as such, never 全部载入 with 0 rows loaded."""
    release = _release(sample_run)
    files = pl.read_parquet(release / "fct_ledger_scheme_files.parquet")
    for scheme in _schemes(release):
        ws = _workbook(release, scheme)["数据质量"]
        rows = {ws.cell(r, 2).value: [ws.cell(r, c).value for c in (3, 4, 5, 6, 7)]
                for r in range(5, ws.max_row + 1)
                if ws.cell(r, 1).value == "部门台账" and isinstance(ws.cell(r, 3).value, int)}
        own = (files.filter(pl.col("scheme_code").is_null() | (pl.col("scheme_code") == scheme))
               .group_by("source_file").agg(pl.col("rows_read", "rows_loaded", "rows_quarantined").sum()))
        assert set(rows) == set(own["source_file"].to_list())
        for f in own.iter_rows(named=True):
            assert rows[f["source_file"]][:3] == [f["rows_read"], f["rows_loaded"], f["rows_quarantined"]]
        other = "qinzhou" if scheme.startswith("ziyuan") else "ziyuan"
        assert not any(other in name for name in rows), (scheme, sorted(rows))
        for name, (read, loaded, _, other_year, status) in rows.items():
            if read and loaded == 0:
                assert status != "全部载入", name
            if read and other_year == read:
                assert "其他考核年度" in status, name


def test_word_report_is_an_official_document_matching_the_marts(sample_run: Settings):
    """The 通报 (GB/T 9704-2012): 发文机关标志 and 发文字号 from the scheme's report block, 标题,
    主送, the ranking table with parts that add up as printed, each unit's three largest
    deductions, 附件 named in Chinese, 落款 and 成文日期 in Chinese numerals; no ISO dates, no
    file names, no internal codes."""
    release = _release(sample_run)
    for scheme in _schemes(release):
        doc = Document(release / OFFICE_DIR / office_file_names(scheme, 2024)[1])
        scores = _marts(release, "fct_unit_scores", scheme).sort("score_rank", "unit_code")
        table = doc.tables[0]
        header = ["排名", "考核单位", "分值", "扣分", "加分", "总分", "等次", "备注"]
        assert [c.text for c in table.rows[0].cells] == header
        assert len(table.rows) == 1 + scores.height
        for row, unit in zip(table.rows[1:], scores.iter_rows(named=True), strict=True):
            cells = [c.text for c in row.cells]
            assert cells[:2] == [str(unit["score_rank"]), unit["unit_name"]]
            base, deducted, bonus, total = (float(v) for v in cells[2:6])
            assert round(base - deducted + bonus, 2) == total and cells[5] == points(unit["total_score"])
            assert cells[6] == unit["grade"]
        text = "\n".join(p.text for p in doc.paragraphs)
        issuer = {"qinzhou_2024": "钦州市生态环境保护委员会办公室",
                  "ziyuan_2024": "资源县人民政府办公室"}[scheme]
        prefix = {"qinzhou_2024": "钦环委办〔", "ziyuan_2024": "资政办〔"}[scheme]
        assert doc.paragraphs[0].text == f"{issuer}文件" and doc.paragraphs[1].text.startswith(prefix)
        assert "初步结果" in text and "2024年12月31日" in text
        assert re.search(r"\n附件：\S+结果统计表", text) and ".xlsx" not in text
        assert doc.paragraphs[-2].text == issuer
        numerals = "[〇一二三四五六七八九十]"
        assert re.fullmatch(f"二〇{numerals}{{2}}年{numerals}+月{numerals}+日", doc.paragraphs[-1].text)
        assert not ISO_DATE.search(text) and not HASH.search(text) and "依据文件" not in text
        counts = scores.group_by("grade").len()
        for grade, n in counts.iter_rows():
            assert f"{grade}{n}个" in text
        moves = _marts(release, "fct_score_movements", scheme).filter(
            pl.col("points") < 0, pl.col("rule_shape") != "composition")
        for unit in scores.iter_rows(named=True):
            top = moves.filter(pl.col("unit_code") == unit["unit_code"]).sort("points", "item_code").head(3)
            for m in top.iter_rows(named=True):
                assert f"第{m['item_code']}项“{m['item_name']}”扣{points(abs(float(m['points'])))}分" in text
        assert len(doc.inline_shapes) == (1 if scores.height > 1 else 0)  # the ranking chart
        if scheme == "ziyuan_2024":  # the veto and its cause (issue 34 item 1)
            for part in ("一票否决", "2024年7月2日", "中峰镇", "第 23 行"):
                assert part in text, part


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_recalculates_the_formulas_to_the_published_totals(sample_run: Settings, tmp_path: Path):
    release = _release(sample_run)
    scheme = _schemes(release)[0]
    source = release / OFFICE_DIR / office_file_names(scheme, 2024)[0]
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    "xlsx", "--outdir", str(tmp_path / "out"), str(source)], check=True, timeout=180,
                   capture_output=True)
    wb = load_workbook(tmp_path / "out" / source.name, data_only=True)
    scores = _marts(release, "fct_unit_scores", scheme).sort("score_rank", "unit_code")
    totals = [float(t) for t in scores["total_score"]]
    assert [points(wb["汇总"].cell(r, 7).value) for r in range(4, 4 + len(totals))] == \
        [points(t) for t in totals]
    detail = wb["得分明细"]
    total = _total_row(detail)
    assert [round(detail.cell(total, c).value, 6) for c in range(4, 4 + len(totals))] == \
        [round(t, 6) for t in totals]


def test_export_command_writes_both_files_for_the_live_release(sample_run: Settings, tmp_path: Path):
    from pipelines.cli import main

    assert main(["export", "--year", "2024", "--scheme", "qinzhou_2024", "-o", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(office_file_names("qinzhou_2024", 2024))
    # an unknown scheme is a usage error (exit 2, the names resolver's message), as in every command
    assert main(["export", "--year", "2024", "--scheme", "nosuch_2024", "-o", str(tmp_path / "x")]) == 2
    assert main(["export", "--year", "2024", "--as-of", "2023-06-30"]) == 2


def test_export_as_of_writes_beside_the_as_of_dashboard(sample_run: Settings, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch):
    """`ecoscore export --as-of D` scores as of D in a scratch folder (here: the sample's release
    stands in for that run) and writes data/marts/dashboards/<year>-asof-<D>/office/."""
    from pipelines.cli import main
    from pipelines.publish.dashboard import asof

    monkeypatch.setenv("ECOSCORE_DATA_DIR", str(tmp_path / "data"))
    # --scheme names a scheme of the data folder's raw/schemes, as in the folder the run used
    shutil.copytree(sample_run.raw_dir / "schemes", tmp_path / "data" / "raw" / "schemes")
    monkeypatch.setattr(asof, "release_as_of",
                        lambda *args: (sample_run.current_release.resolve(), sample_run))
    assert main(["export", "--year", "2024", "--scheme", "ziyuan_2024", "--as-of", "2024-09-30"]) == 0
    out = tmp_path / "data" / "marts" / "dashboards" / "2024-asof-2024-09-30" / OFFICE_DIR
    workbook, report = office_file_names("ziyuan_2024", 2024)
    assert (out / workbook).exists() and (out / "排名图_ziyuan_2024.png").exists()
    text = "\n".join(p.text for p in Document(out / report).paragraphs)
    assert "数据截至2024年9月30日" in text and "考核期为2024年1月1日至2024年9月30日" in text


def test_the_issuing_authority_and_document_number_come_from_the_scheme():
    """GB/T 9704-2012 7.2: 发文机关标志 and 发文字号 — the scheme's report block names them; without
    one, the government's general office and a 机关代字 left for the office to fill."""
    from pipelines.publish.office.word import document_number, issuer

    data = _small_scheme(with_status=False)
    data.government = "XX市"
    assert issuer(data) == "XX市人民政府办公室"
    assert document_number(data, date(2025, 1, 6)) == "（机关代字）〔2025〕　　号"
    data.report = {"issuer": "资源县人民政府办公室", "document_prefix": "资政办"}
    assert issuer(data) == "资源县人民政府办公室"
    assert document_number(data, date(2025, 1, 6)) == "资政办〔2025〕　　号"
