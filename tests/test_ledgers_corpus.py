"""Messy ledger files as departments send them (issue 6, "must show"): every good row loads with
its file, sheet and row; every bad row is quarantined with column, value and Chinese reason.

The corpus is written by `write_corpus` below (into tests/corpus/ledgers/ by
`python tests/test_ledgers_corpus.py`, and into each test run's private data folder)."""

from __future__ import annotations

import shutil
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from openpyxl import Workbook

from pipelines.lib.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.e2e  # the ledger check runs dbt on the corpus

SCHEME = PROJECT_ROOT / "data" / "raw" / "schemes" / "qinzhou_2024.yaml"
CORPUS_DIR = PROJECT_ROOT / "tests" / "corpus" / "ledgers"
FIRE = "ledgers/环保局/fire_points_gbk.csv"
NOTICES = "ledgers/环保局/notices_bom.csv"
MONEY = "ledgers/财政局/资金投入台账.xlsx"

FIRE_CSV = """单位编码,指标编号,日期,事项类型,数量,状态,批准文号,证据编号,联系人,联系电话
lingshan,1.1,2024/3/5,火点,１,已确认,,HD-2024-001,黄小明,13800001234
灵山县, 1.1 ,2024年4月１２日,火点,2,已剔除,钦环函〔2024〕5号,HD-2024-002,黄小明,13800001234
pubei,1.1,2024.5.6,火点,1,已剔除,,HD-2024-003,黄小明,13800001234
pubei,1.1,2024-05-07,火点,1,,,,陆小红,0777-2800123
beihai,1.1,2024-05-08,火点,1,,,HD-2024-004,,
qinnan,9.9,2024-05-09,火点,1,,,HD-2024-005,,
qinbei,1.1,2023-12-31,火点,1,,,HD-2024-006,,
qinbei,1.1,2024-06-01,火点,0,,,HD-2024-007,,
qinbei,1.1,2024-06-31,火点,1,,,HD-2024-008,,
"""
NOTICES_CSV = """scheme_code,unit_code,item_code,event_date,event_kind,issuing_level,evidence_ref,description
qinzhou_2024,lingshan,1.1,2024-03-05,fire_point,,HD-2024-001,同一火点又报一次
qinzhou_2024,qinnan,1.2,2024-09-10,通报,自治区,桂环通〔2024〕12号,PM2.5 超标通报，联系 13800001234
"""


def write_money_workbook(path: Path) -> None:
    """Title rows, a header merged over two rows, serial and real dates, 万元 amounts, a footer."""
    book = Workbook()
    sheet = book.active
    sheet.title = "资金投入"
    sheet["A1"] = "2024年度生态环境保护资金投入台账"
    sheet.merge_cells("A1:G1")
    sheet["A2"] = "填报单位：钦州市财政局"
    sheet["A3"] = "基本信息"
    sheet.merge_cells("A3:D3")
    for column, label in (("E", "金额（万元）"), ("F", "证据编号"), ("G", "说明")):
        sheet[f"{column}3"] = label
        sheet.merge_cells(f"{column}3:{column}4")
    for column, label in zip("ABCD", ["单位编码", "指标编号", "日期", "事项类型"], strict=True):
        sheet[f"{column}4"] = label
    sheet.append(["zhongma", "1.2", 45356, "资金投入", 3.5, "CZ-001", "大气治理专项"])
    sheet.append(["lingshan", "1.2", datetime(2024, 7, 1), "amount_spent", "１２.５", "CZ-002", None])
    sheet.append(["pubei", "1.2", "2024年8月1日", "资金投入", "3.5万元", "CZ-003", None])
    sheet.append(["填表人：吴小兰  电话：13900005678"])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def write_corpus(raw_dir: Path) -> None:
    (raw_dir / FIRE).parent.mkdir(parents=True, exist_ok=True)
    (raw_dir / FIRE).write_bytes(FIRE_CSV.encode("gbk"))
    (raw_dir / NOTICES).write_bytes(NOTICES_CSV.encode("utf-8-sig"))
    write_money_workbook(raw_dir / MONEY)


@pytest.fixture(scope="module")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("ledger_corpus") / "data"
    (root / "raw" / "schemes").mkdir(parents=True)
    shutil.copy(SCHEME, root / "raw" / "schemes")
    write_corpus(root / "raw")
    return Settings(data_dir=root)


@pytest.fixture(scope="module")
def checked(corpus_settings: Settings) -> dict:
    from pipelines.ledgers.check import check_ledgers

    return check_ledgers(corpus_settings, 2024)


def test_the_valid_rows_load_with_file_sheet_and_row(checked):
    loaded = [(r["source_file"], r["source_sheet"], r["source_row"], r["unit_code"], r["item_code"],
               str(r["event_date"]), r["event_kind"], r["quantity"], r["amount_yuan"], r["status"])
              for r in checked["events"].iter_rows(named=True)]
    assert loaded == [
        (FIRE, "", 2, "lingshan", "1.1", "2024-03-05", "fire_point", Decimal(1), None, "confirmed"),
        (FIRE, "", 3, "lingshan", "1.1", "2024-04-12", "fire_point", Decimal(2), None, "excused"),
        (NOTICES, "", 3, "qinnan", "1.2", "2024-09-10", "notice", Decimal(1), None, "confirmed"),
        (MONEY, "资金投入", 5, "zhongma", "1.2", "2024-03-05", "amount_spent", Decimal(1),
         Decimal("35000.00"), "confirmed"),
        (MONEY, "资金投入", 6, "lingshan", "1.2", "2024-07-01", "amount_spent", Decimal(1),
         Decimal("125000.00"), "confirmed"),
        (MONEY, "资金投入", 7, "pubei", "1.2", "2024-08-01", "amount_spent", Decimal(1),
         Decimal("35000.00"), "confirmed"),
    ]


def test_each_bad_row_is_quarantined_with_column_value_and_reason(checked):
    rows = [(r["source_file"], r["source_sheet"], r["source_row"], r["column_name"], r["value"],
             r["reason"]) for r in checked["quarantine"].iter_rows(named=True)]
    assert rows == [
        (FIRE, "", 4, "approval_ref", None, "已剔除的事项缺少批准文号"),
        (FIRE, "", 5, "evidence_ref", None, "扣分事项缺少证据编号"),
        (FIRE, "", 6, "unit_code", "beihai", "单位不在考核方案的单位名单中（请填单位编码或单位全称）"),
        (FIRE, "", 7, "item_code", "9.9", "指标编号不在考核方案中"),
        (FIRE, "", 8, "event_date", "2023-12-31",
         "日期不在考核年度 2024 年（考核期 2024-01-01 至 2024-12-31）内，不计入任何指标"
         "（其他年度的事项请在“方案编码”列写明该年度的方案）"),
        (FIRE, "", 9, "quantity", "0", "数量不是正数"),
        (FIRE, "", 10, "event_date", "2024-06-31",
         "日期无法识别（可写 2024-03-05、2024/3/5、2024年3月5日、2024.3.5）"),
        (NOTICES, "", 2, "evidence_ref", "HD-2024-001",
         f"重复事项：与 {FIRE} 第 2 行的单位、指标、事项类型、日期和证据编号相同"),
        (MONEY, "资金投入", 8, None, None,
         "非数据行（只有一个单元格有内容，如标题、合计或落款），未载入"),
    ]


def test_every_row_read_is_either_loaded_or_quarantined(checked):
    files = {r["source_file"]: r for r in checked["files"].iter_rows(named=True)}
    assert {f: (r["rows_read"], r["rows_loaded"], r["rows_quarantined"]) for f, r in files.items()} == {
        FIRE: (9, 2, 7), NOTICES: (2, 1, 1), MONEY: (4, 3, 1)}


def test_phone_numbers_in_descriptions_are_masked(checked):
    notice = checked["events"].filter(checked["events"]["event_kind"] == "notice").row(0, named=True)
    assert notice["description"] == "PM2.5 超标通报,联系 [电话已隐去]"


def test_contacts_stay_in_the_restricted_file_only(checked, corpus_settings: Settings):
    from pipelines.ledgers.check import build_models, load_raw
    from pipelines.ledgers.ingest import restricted_path
    from tests.conftest import environment_restored

    # ledger-check works in a scratch copy it removes: load the corpus as the nightly run does
    with environment_restored():
        load_raw(corpus_settings, 2024)
        build_models(corpus_settings, 2024)

    restricted = duckdb.connect(str(restricted_path(corpus_settings)), read_only=True)
    names = {r[0] for r in restricted.execute("select contact_name from ledger_contacts").fetchall()}
    restricted.close()
    assert names == {"黄小明", "陆小红"}
    warehouse = duckdb.connect(str(corpus_settings.warehouse_path), read_only=True)
    try:
        for schema, table in warehouse.execute(
                "select table_schema, table_name from information_schema.tables").fetchall():
            text = str(warehouse.execute(f'select * from "{schema}"."{table}"').fetchall())
            for secret in ("黄小明", "陆小红", "吴小兰", "13800001234", "0777-2800123", "13900005678"):
                assert secret not in text, f"{secret} in {schema}.{table}"
    finally:
        warehouse.close()


if __name__ == "__main__":  # write the corpus for people to open: tests/corpus/ledgers/
    write_corpus(CORPUS_DIR.parent)
    print(f"corpus written to {CORPUS_DIR}", file=sys.stderr)
