"""Issue 15 parts 3 and 4, on the ledger check (the nightly run's own ingest and dbt SQL):

- part 3, every file in the ledger folder is read or reported: an Excel 97–2003 `.xls` and a WPS
  `.et` load like an `.xlsx`; a file no reader takes (a Word document, a damaged workbook) and a
  sheet of 资金投入 rows whose amount column cannot be mapped are file problems naming the file
  and why, and file problems block the run (the `ledger_events` suite);
- part 4, personal data is masked at ingest by the one rule (pipelines/lib/personal.py): ID
  numbers, mobiles in +86 / dashed / spaced forms, landlines and signed names never reach the
  warehouse, which the release copies.

The corpus is written by `write_corpus` (into tests/corpus/ledger_files/ by
`python tests/test_faults_ledger_files.py`, and into each test run's private data folder)."""

from __future__ import annotations

import shutil
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest

from pipelines.lib.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.e2e  # the ledger check runs dbt on the corpus

SCHEME = PROJECT_ROOT / "data" / "raw" / "schemes" / "qinzhou_2024.yaml"
CORPUS_DIR = PROJECT_ROOT / "tests" / "corpus" / "ledger_files"
XLS = "ledgers/财政局/资金投入台账.xls"
ET = "ledgers/财政局/资金投入台账_WPS.et"
WORD = "ledgers/办公室/会议纪要.docx"
BROKEN = "ledgers/办公室/损坏的台账.xls"
NO_AMOUNT = "ledgers/财政局/资金情况台账.csv"
PERSONAL = "ledgers/生态环境局/通报_备注含个人信息.csv"
SECRETS = ["45070219850612301X", "139 0000 5678", "139-0000-5679", "13900005680", "5551234",
           "李小梅", "韦小芳", "王小军"]

NO_AMOUNT_CSV = """单位编码,指标编号,日期,事项类型,资金情况,证据编号
,,,,到位资金,
qinbei,1.2,2024-05-06,资金投入,12,CZ-101
"""
PERSONAL_CSV = """单位编码,指标编号,日期,事项类型,证据编号,备注
qinnan,1.2,2024-09-10,通报,TB-2024-901,当事人身份证 45070219850612301X
qinbei,1.2,2024-09-11,通报,TB-2024-902,联系 +86 139 0000 5678 或 139-0000-5679
pubei,1.2,2024-09-12,通报,TB-2024-903,回电 86-13900005680、座机（0771）5551234
lingshan,1.2,2024-09-13,通报,TB-2024-904,经办人：韦小芳 已核实
填表人：李小梅,电话：0771-5551234,,,,
审核人：,王小军,,,,
"""


def write_xls(path: Path, rows: list[list[object]], merged_header: bool = True) -> None:
    """An Excel 97–2003 workbook with a title, a header merged over two rows and the rows."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("资金投入")
    sheet.write_merge(0, 0, 0, 5, "2024年度生态环境保护资金投入台账")
    sheet.write_merge(1, 1, 0, 3, "基本信息")
    sheet.write_merge(1, 2, 4, 4, "金额（万元）")
    sheet.write_merge(1, 2, 5, 5, "证据编号")
    for column, label in enumerate(["单位编码", "指标编号", "日期", "事项类型"]):
        sheet.write(2, column, label)
    dated = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for number, row in enumerate(rows, 3):
        for column, value in enumerate(row):
            sheet.write(number, column, value, dated if isinstance(value, date) else xlwt.Style.default_style)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(str(path))


def write_corpus(raw_dir: Path) -> None:
    write_xls(raw_dir / XLS, [["zhongma", "1.2", 45356, "资金投入", 3.5, "CZ-001"],
                              ["lingshan", "1.2", date(2024, 7, 1), "amount_spent", "１２.５", "CZ-002"]])
    # WPS 表格 saves .et as an OLE2 compound file like .xls (this one is written as one)
    write_xls(raw_dir / ET, [["pubei", "1.2", "2024年8月1日", "资金投入", "3.5万元", "CZ-003"]])
    (raw_dir / WORD).parent.mkdir(parents=True, exist_ok=True)
    (raw_dir / WORD).write_bytes(b"PK\x03\x04 not a ledger: minutes of a meeting")
    (raw_dir / BROKEN).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 300)
    (raw_dir / NO_AMOUNT).write_text(NO_AMOUNT_CSV, encoding="utf-8")
    (raw_dir / PERSONAL).parent.mkdir(parents=True, exist_ok=True)
    (raw_dir / PERSONAL).write_text(PERSONAL_CSV, encoding="utf-8")


@pytest.fixture(scope="module")
def corpus_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("ledger_files") / "data"
    (root / "raw" / "schemes").mkdir(parents=True)
    shutil.copy(SCHEME, root / "raw" / "schemes")
    write_corpus(root / "raw")
    return Settings(data_dir=root)


@pytest.fixture(scope="module")
def checked(corpus_settings: Settings) -> dict:
    """The ledger models built in the corpus folder's own warehouse (what `ecoscore ledger-check`
    does in a scratch copy), so the tests can read the warehouse the gate reads."""
    from pipelines.ledgers.check import build_models, load_raw, read_results
    from tests.conftest import environment_restored

    with environment_restored():
        load_raw(corpus_settings, 2024)
        build_models(corpus_settings, 2024)
    return read_results(corpus_settings)


def problems(checked: dict) -> dict[str, list[tuple]]:
    """File problems per file, as the quarantine lists them; the file report says the same."""
    found: dict[str, list[tuple]] = {}
    for r in checked["quarantine"].iter_rows(named=True):
        if r["ledger_row_id"] is None:
            found.setdefault(r["source_file"], []).append((r["column_name"], r["reason"]))
    report = {r["source_file"]: r for r in checked["files"].iter_rows(named=True)}
    for name, listed in found.items():
        assert report[name]["file_problems"] == len(listed)
        assert all(why in report[name]["status_zh"] for _, why in listed)
    return found


def test_xls_and_wps_et_ledgers_load_their_rows_with_sheet_row_and_amount(checked):
    """Part 3: .xls (merged two-row header, serial and real dates, 万元 from the header) and .et."""
    loaded = [(r["source_file"], r["source_sheet"], r["source_row"], r["unit_code"],
               str(r["event_date"]), r["amount_yuan"])
              for r in checked["events"].iter_rows(named=True) if r["event_kind"] == "amount_spent"]
    assert loaded == [
        (XLS, "资金投入", 4, "zhongma", "2024-03-05", Decimal("35000.00")),
        (XLS, "资金投入", 5, "lingshan", "2024-07-01", Decimal("125000.00")),
        (ET, "资金投入", 4, "pubei", "2024-08-01", Decimal("35000.00")),
    ]


def test_a_file_no_reader_takes_is_listed_with_its_name_and_why(checked):
    """Part 3: a Word document and a damaged .xls are reported, not skipped."""
    found = problems(checked)
    assert "不是台账表格，未读取" in found[WORD][0][1] and WORD in found[WORD][0][1]
    assert ".xls 文件无法读取" in found[BROKEN][0][1] and BROKEN in found[BROKEN][0][1]


def test_rows_of_a_kind_without_their_amount_column_do_not_load(checked):
    """Part 3: 资金情况 (not an amount header) over 资金投入 rows → the amount column is named
    missing and the sheet is not loaded without amounts."""
    found = problems(checked)
    assert found[NO_AMOUNT] == [("amount", found[NO_AMOUNT][0][1])]
    assert "缺少列「金额」(amount)" in found[NO_AMOUNT][0][1] and "资金投入" in found[NO_AMOUNT][0][1]
    assert not [r for r in checked["events"].iter_rows(named=True) if r["source_file"] == NO_AMOUNT]


def test_file_problems_block_the_run(checked, corpus_settings: Settings):
    """Part 3: the ledger gate blocks on every file not read, naming it."""
    from pipelines.quality.frames import FRAMES
    from pipelines.quality.suites import BLOCK, load_suites, validate

    suite = next(s for s in load_suites() if s.name == "ledger_events")
    con = duckdb.connect(str(corpus_settings.warehouse_path), read_only=True)
    try:
        frame, parameters = FRAMES["ledger_events"](con, 2024, "")
    finally:
        con.close()
    finding = next(f for f in validate(suite, frame, parameters) if f.column == "file_problem")
    assert finding.level == BLOCK
    assert set(finding.files) == {WORD, BROKEN, NO_AMOUNT}
    assert "第 nan 行" not in finding.where() and "第 None 行" not in finding.where()


def test_ids_phones_and_signatures_are_masked_before_the_warehouse(checked, corpus_settings):
    """Part 4: one masking rule at ingest; the footer row (填表人：…) is set aside without text."""
    notes = [r["description"] for r in checked["events"].iter_rows(named=True)
             if r["source_file"] == PERSONAL]
    assert notes == ["当事人身份证 [证件号已隐去]", "联系 [电话已隐去] 或 [电话已隐去]",
                     "回电 [电话已隐去]、座机[电话已隐去]", "经办人:[姓名已隐去] 已核实"]
    footer = [(r["source_row"], r["value"], r["reason"]) for r in checked["quarantine"].iter_rows(named=True)
              if r["source_file"] == PERSONAL]
    signature = "落款行（填表人、联系人、电话等个人信息），未载入"
    assert footer == [(6, None, signature), (7, None, signature)]  # a remark's 经办人 row loads
    warehouse = duckdb.connect(str(corpus_settings.warehouse_path), read_only=True)
    try:
        for schema, table in warehouse.execute(
                "select table_schema, table_name from information_schema.tables").fetchall():
            text = str(warehouse.execute(f'select * from "{schema}"."{table}"').fetchall())
            for secret in SECRETS:
                assert secret not in text, f"{secret} in {schema}.{table}"
    finally:
        warehouse.close()


def test_ledger_check_places_a_file_problem_on_the_whole_file(checked):
    """Part 7: a file-level problem reads 整个文件, not 第 None 行."""
    from pipelines.ledgers.commands import report_lines

    lines = report_lines(checked)
    assert any(line.startswith(f"  {WORD} 整个文件") and "不是台账表格" in line for line in lines)
    assert not [line for line in lines if "None 行" in line or "nan 行" in line]


@pytest.mark.parametrize(("text", "masked"), [
    ("身份证号 450702198506123016。", "身份证号 [证件号已隐去]。"),
    ("证件 45070219850612301x", "证件 [证件号已隐去]"),
    ("手机 +86-139-0000-5678", "手机 [电话已隐去]"),
    ("手机 0086 13900005678", "手机 [电话已隐去]"),
    ("手机 139 0000 5678 转告", "手机 [电话已隐去] 转告"),
    ("电话 (0771)5551234", "电话 [电话已隐去]"),
    ("电话 010 87654321-8001", "电话 [电话已隐去]"),
    ("经办人: 覃小华 已核实", "经办人: [姓名已隐去] 已核实"),
    ("桂环通〔2024〕12号 2024-03-05 金额 125000.00", "桂环通〔2024〕12号 2024-03-05 金额 125000.00"),
    ("movement 6cefd3ae01d14105491866d7314abf92", "movement 6cefd3ae01d14105491866d7314abf92"),
])
def test_the_one_masking_rule_and_the_gate_agree(text: str, masked: str):
    """Part 4: SPEC §6; the rule masks what the gate's SQL finds, and nothing else."""
    from pipelines.lib import personal

    assert personal.mask(text) == masked
    pattern = personal.sql_literal(personal.sql_pattern())
    found = duckdb.connect().execute(f"select regexp_matches(?, {pattern})", [text]).fetchone()[0]
    assert found == (masked != text)


if __name__ == "__main__":  # regenerate the committed corpus
    if CORPUS_DIR.exists():
        shutil.rmtree(CORPUS_DIR)
    write_corpus(CORPUS_DIR)
    sys.exit(0)
