"""The water and ledger checks on their own (no pipeline run): a few bad cells or rows are listed
as quarantined with file, (sheet,) row, column and reason; a whole unusable input blocks. The
monthly water cells are judged by the model that owns the rules
(stg_water__section_monthly_checked, built here by dbt alone: issue 37), the registry of
sections by its raw gate."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.lib import dbt_launcher
from pipelines.lib.settings import PROJECT_ROOT
from pipelines.lib.warehouse import replace_table
from pipelines.quality.frames import FRAMES
from pipelines.quality.suites import BLOCK, PASS, QUARANTINED, Finding, load_suites, validate
from pipelines.water.ingest import SECTION_COLUMNS, read_section_monthly, read_table

# one xdist worker imports Great Expectations (~10 s a process) for all of its tests
pytestmark = pytest.mark.xdist_group("great_expectations")

SAMPLE_RAW = PROJECT_ROOT / "data" / "raw"
MONTHLY = "water/section_monthly_2024.csv"  # the national export: 断面名称, 监测时间, pH(无量纲), …
SUITES = {s.name: s for s in load_suites()}


@pytest.fixture
def water_raw(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE_RAW / "water", tmp_path / "water")
    return tmp_path


def rewrite(path: Path, edit) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(edit(lines)) + "\n", encoding="utf-8")


def findings_of(name: str, con: duckdb.DuckDBPyConnection) -> dict[str, Finding]:
    frame, parameters = FRAMES[name](con, 2024, "")
    return {f.why.split("：")[0]: f for f in validate(SUITES[name], frame, parameters)}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One scratch warehouse for the module's water cases: dbt parses once for it."""
    return tmp_path_factory.mktemp("water_checked") / "w.duckdb"


def load_raw(raw: Path, con: duckdb.DuckDBPyConnection) -> None:
    replace_table(con, "raw", "water_section_monthly", read_section_monthly(raw))
    replace_table(con, "raw", "water_sections", read_table(raw, "sections.csv", SECTION_COLUMNS, "断面名录"))


def water_findings(raw: Path, warehouse: Path) -> dict[str, Finding]:
    """The monthly cells loaded, the checked model built by dbt (its sections and the indicator
    aliases with it), the suite run on what the model says."""
    with duckdb.connect(str(warehouse)) as con:
        load_raw(raw, con)
    dbt_launcher.invoke(["build", "--select", "+stg_water__section_monthly_checked",
                         "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"],
                        warehouse=warehouse, target_path=warehouse.parent / "target",
                        vars={"year": 2024})
    with duckdb.connect(str(warehouse)) as con:
        return findings_of("water_section_monthly_checked", con)


def registry_findings(raw: Path) -> dict[str, Finding]:
    """The raw gate on the registry of sections (before dbt)."""
    con = duckdb.connect()
    load_raw(raw, con)
    return findings_of("raw_water_sections", con)


def failing(findings: dict[str, Finding]) -> dict[str, str]:
    return {why: f.level for why, f in findings.items() if f.level != PASS}


@pytest.mark.e2e  # dbt builds the model
def test_the_sample_water_inputs_pass_every_expectation(water_raw: Path, warehouse: Path):
    assert failing(water_findings(water_raw, warehouse)) == {}
    assert failing(registry_findings(water_raw)) == {}


@pytest.mark.e2e
def test_a_few_bad_water_cells_are_quarantined_with_file_row_and_column(water_raw: Path,
                                                                        warehouse: Path):
    def add_faults(lines: list[str]) -> list[str]:
        cells = lines[1].split(",")  # 钦江高速公路桥,2024-01,7.18,5.96,…
        unknown = ",".join(["不存在的断面", *cells[1:]])
        text = ",".join([*cells[:3], "abc", *cells[4:]])
        negative = ",".join([*cells[:4], "-0.5", *cells[5:]])
        return [*lines, unknown, text, negative]

    rewrite(water_raw / MONTHLY, add_faults)
    n = len((water_raw / MONTHLY).read_text(encoding="utf-8").splitlines())
    findings = water_findings(water_raw, warehouse)
    assert failing(findings) == {"断面不在断面名录中（sections.csv）": QUARANTINED,
                                 "监测值不是数值（缺测请留空或写 --）": QUARANTINED,
                                 "监测值为负": QUARANTINED}
    assert {r["source_row"] for r in findings["断面不在断面名录中（sections.csv）"].rows} == {n - 2}
    assert findings["监测值不是数值（缺测请留空或写 --）"].rows == [
        {"source_file": MONTHLY, "source_row": n - 1, "source_column": "溶解氧(mg/L)", "value": "abc"}]
    negative = findings["监测值为负"]
    assert negative.rows == [{"source_file": MONTHLY, "source_row": n,
                              "source_column": "高锰酸盐指数(mg/L)", "value": -0.5}]
    assert negative.where() == f"{MONTHLY} 第 {n} 行 高锰酸盐指数(mg/L) 列：-0.5（共 1 行）"


@pytest.mark.e2e
def test_a_monthly_file_of_unknown_sections_blocks_and_names_the_file(water_raw: Path,
                                                                      warehouse: Path):
    rewrite(water_raw / MONTHLY, lambda lines: [lines[0], *("某" + line for line in lines[1:])])
    finding = water_findings(water_raw, warehouse)["断面不在断面名录中（sections.csv）"]
    assert finding.level == BLOCK
    assert f"{MONTHLY} 中" in finding.why and "整份文件不可用" in finding.why


@pytest.mark.e2e
@pytest.mark.parametrize("token", ["--", "NaN", "", "-;"])
def test_missing_water_value_tokens_are_missing_values_not_faults(water_raw: Path, warehouse: Path,
                                                                  token: str):
    rewrite(water_raw / MONTHLY, lambda lines: [lines[0], ",".join(
        [*lines[1].split(",")[:3], token, *lines[1].split(",")[4:]]), *lines[2:]])
    assert failing(water_findings(water_raw, warehouse)) == {}


def test_a_section_registered_twice_or_with_an_unreadable_target_class_blocks(water_raw: Path):
    def break_registry(lines: list[str]) -> list[str]:
        second = lines[2].split(",")
        second[6] = "三类水"
        return [lines[0], lines[1], ",".join(second), *lines[3:], lines[1]]

    rewrite(water_raw / "water" / "sections.csv", break_registry)
    findings = registry_findings(water_raw)
    assert findings["断面编码重复"].level == BLOCK
    assert [r["source_row"] for r in findings["断面编码重复"].rows] == [2, 12]
    target = findings["目标水质类别无法识别（应为 I–V、Ⅰ–Ⅴ 或 1–5）"]
    assert (target.level, target.rows) == (BLOCK, [{"source_file": "water/sections.csv", "source_row": 3,
                                                    "value": "三类水"}])


# ---------- ledgers: the quarantine int_ledgers__quarantine writes, as the gate reads it

FUNDS = "ledgers/财政局/资金投入台账.xlsx"


def ledger_warehouse(rows: list[tuple[str, str, int]], quarantine: list[tuple[int, str, str]],
                     file_problems: list[tuple[str, str]] = (),
                     dates: list[date | None] | None = None) -> duckdb.DuckDBPyConnection:
    """raw.ledger_rows (file, sheet, row), the quarantine (row index, column, reason),
    raw.ledger_files and each row's date as read (int_ledgers__rows_resolved; none by default),
    shaped as the ledger models write them."""
    con = duckdb.connect()
    ledger_rows = pl.DataFrame(  # noqa: F841 (read by DuckDB)
        [(f"id{i}", f, s, r, None) for i, (f, s, r) in enumerate(rows)],
        schema={"ledger_row_id": pl.String, "source_file": pl.String, "source_sheet": pl.String,
                "source_row": pl.Int64, "row_problem": pl.String}, orient="row")
    found = pl.DataFrame(  # noqa: F841
        [(f"id{i}", c, r) for i, c, r in quarantine],
        schema={"ledger_row_id": pl.String, "column_name": pl.String, "reason": pl.String}, orient="row")
    files = pl.DataFrame(  # noqa: F841
        [(f, None, None, p) for f, p in file_problems],
        schema={"source_file": pl.String, "source_sheet": pl.String, "header_row": pl.Int64,
                "file_problem": pl.String}, orient="row")
    resolved = pl.DataFrame(  # noqa: F841
        {"ledger_row_id": [f"id{i}" for i in range(len(rows))],
         "event_date": dates or [None] * len(rows)},
        schema={"ledger_row_id": pl.String, "event_date": pl.Date})
    con.execute("create schema raw; create schema intermediate")
    con.execute("create table intermediate.int_ledgers__rows_resolved as select * from resolved")
    con.execute("create table raw.ledger_rows as select * from ledger_rows")
    con.execute("create table raw.ledger_files as select * from files")
    con.execute("create table intermediate.int_ledgers__quarantine as select * from found")
    return con


UNKNOWN_UNIT = "单位不在考核方案的单位名单中（请填单位编码或单位全称）"


def test_a_ledger_row_with_an_unknown_unit_is_quarantined_with_file_sheet_row_column_and_reason():
    con = ledger_warehouse([(FUNDS, "资金投入", r) for r in (5, 6, 7)], [(2, "unit_code", UNKNOWN_UNIT)])
    findings = findings_of("ledger_events", con)
    assert failing(findings) == {"单位有误": QUARANTINED}
    unit = findings["单位有误"]
    assert unit.column == "unit_code"
    assert unit.rows == [{"source_file": FUNDS, "source_sheet": "资金投入", "source_row": 7,
                          "value": UNKNOWN_UNIT}]
    assert unit.where() == f"{FUNDS} 「资金投入」第 7 行：{UNKNOWN_UNIT}（共 1 行）"


def test_a_ledger_file_whose_rows_mostly_name_unknown_units_blocks():
    con = ledger_warehouse([(FUNDS, "资金投入", r) for r in (5, 6, 7)],
                           [(1, "unit_code", UNKNOWN_UNIT), (2, "unit_code", UNKNOWN_UNIT)])
    finding = findings_of("ledger_events", con)["单位有误"]
    assert finding.level == BLOCK
    assert finding.why == f"单位有误：{FUNDS} 中 2/3 行不合格，整份文件不可用"


def test_a_ledger_file_that_cannot_be_read_blocks_naming_it():
    problem = f"{FUNDS}: 找不到表头行"
    con = ledger_warehouse([], [], [(FUNDS, problem)])
    finding = findings_of("ledger_events", con)["台账文件或工作表无法使用，其中的事项全部缺失"]
    assert finding.level == BLOCK and finding.files == {FUNDS: 1} and finding.rows[0]["value"] == problem


OTHER_YEAR = ("日期不在考核年度 2023 年（考核期 2023-01-01 至 2023-12-31）内，不计入任何指标"
              "（其他年度的事项请在“方案编码”列写明该年度的方案）")


def test_a_ledger_kept_across_years_is_not_blocked_by_its_rows_of_another_year():
    """A 2023 run reading a ledger whose rows are all 2024's: each row is quarantined (日期不在考核
    年度, never used), the file is not condemned; an unreadable date in most rows still blocks."""
    rows = [(FUNDS, "资金投入", r) for r in (5, 6, 7)]
    other_year = [(i, "event_date", OTHER_YEAR) for i in range(3)]
    con = ledger_warehouse(rows, other_year, dates=[date(2024, 3, 1)] * 3)
    findings = findings_of("ledger_events", con)
    assert failing(findings) == {"日期不在考核年度": QUARANTINED}
    assert findings["日期不在考核年度"].unexpected == 3
    unreadable = [(i, "event_date", "日期无法识别") for i in range(2)]
    con = ledger_warehouse(rows, unreadable)
    assert findings_of("ledger_events", con)["日期有误"].level == BLOCK
