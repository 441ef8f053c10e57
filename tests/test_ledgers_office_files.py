"""Files as offices really send them (issue 31), checked the way a department checks its file
(`ecoscore ledger-check`: the ledger models built in a scratch warehouse, one build for the whole
corpus). One damaged copy per class, written by `write_corpus` below from the bundled sample's own
rows (`python tests/test_ledgers_office_files.py` refreshes tests/corpus/office_files/, see its
README): each is either quarantined naming file, sheet, row, column and why (the suspected unit
too), or the whole file is refused naming what to fix; nothing is read unseen or as empty.

Classes (docs, data quality): a value typed in the wrong unit (400000 in a 万元 column), an amount
stating no unit, a hidden sheet, hidden rows and columns, formulas saved without their values, a
CSV cut inside its last field, a row dated outside the scheme's assessment window (with and
without a 方案编码 column)."""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import polars as pl
import pytest
from openpyxl import Workbook

from pipelines.lib.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.e2e  # the ledger check runs dbt on the corpus

SAMPLE_LEDGERS = PROJECT_ROOT / "data" / "raw" / "ledgers" / "sample"
CORPUS_DIR = PROJECT_ROOT / "tests" / "corpus" / "office_files"
MONEY = "ledgers/财政局/资金投入_元填入万元列.csv"
NO_UNIT = "ledgers/财政局/资金投入_金额无单位.csv"
HIDDEN_SHEET = "ledgers/生态环境局/通报约谈_下半年隐藏.xlsx"
HIDDEN_ROWS = "ledgers/生态环境局/通报约谈_隐藏行列.xlsx"
FORMULAS = "ledgers/生态环境局/完成数量_公式无计算结果.xlsx"
DATED_NO_SCHEME = "ledgers/生态环境局/通报约谈_无方案编码列.csv"
DATED_WITH_SCHEME = "ledgers/生态环境局/通报约谈_上年日期.csv"


def sample_rows(name: str) -> list[dict[str, str]]:
    with (SAMPLE_LEDGERS / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = columns or list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_corpus(data: Path) -> None:
    """The damaged copies, under `data` (a data folder's root: files land in data/ledgers/…)."""
    money = sample_rows("qinzhou_2024_资金投入.csv")
    # qinnan B2 (seed 001 加分(11) shape): 40 万元 typed as 400000 in the 万元 column
    wrong = [{**r, "amount": "400000", "evidence_ref": r["evidence_ref"] + "-W"} for r in money[:1]]
    # … and 38 万元 typed as 38 in a 元 column
    wrong += [{**r, "amount": "38", "amount_unit": "元", "evidence_ref": r["evidence_ref"] + "-Y"}
              for r in money[2:3]]
    write_csv(data / MONEY, wrong)
    # an amount stating no unit (no 金额单位 column, a header without 万元/元)
    write_csv(data / NO_UNIT, [{**r, "evidence_ref": r["evidence_ref"] + "-N"} for r in money[1:2]],
              [c for c in money[0] if c != "amount_unit"])
    write_workbooks(data)
    # lingshan's first notice (5.1, seed 000 shape: 被通报2次以上的本项不得分) dated the year before,
    # in a file without a 方案编码 column …
    notices = sample_rows("qinzhou_2024_通报约谈.csv")
    moved = [{**notices[0], "event_date": "2023-12-20", "evidence_ref": "TB-2024-003-D"}]
    write_csv(data / DATED_NO_SCHEME, moved, [c for c in notices[0] if c != "scheme_code"])
    # … and qinbei's notice dated the year before in a file naming this year's scheme
    write_csv(data / DATED_WITH_SCHEME,
              [{**notices[2], "event_date": "2023-12-10", "evidence_ref": "TB-2024-046-D"}])


def workbook(path: Path, sheets: dict[str, list[dict[str, str]]]) -> Workbook:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        sheet.append(list(rows[0]))
        for row in rows:
            sheet.append(list(row.values()))
    path.parent.mkdir(parents=True, exist_ok=True)
    return book


def write_workbooks(data: Path) -> None:
    notices = sample_rows("qinzhou_2024_通报约谈.csv")
    # 上半年 visible, 下半年 hidden (as a person hides a sheet "to tidy up")
    first = [r for r in notices if r["event_date"] < "2024-07-01"]
    second = [r for r in notices if r["event_date"] >= "2024-07-01"]
    book = workbook(data / HIDDEN_SHEET, {"上半年": first, "下半年": second})
    book["下半年"].sheet_state = "hidden"
    book.save(data / HIDDEN_SHEET)
    # one data row and the 联系电话 column hidden
    book = workbook(data / HIDDEN_ROWS, {"通报约谈": notices})
    book["通报约谈"].row_dimensions[3].hidden = True
    book["通报约谈"].column_dimensions["Q"].hidden = True
    book.save(data / HIDDEN_ROWS)
    # quantities as formulas, saved by a program that writes no computed values (openpyxl, WPS)
    counts = [r for r in sample_rows("qinzhou_2024_完成数量.csv") if r["event_kind"] == "count_done"]
    book = workbook(data / FORMULAS, {"完成数量": counts})
    column = list(counts[0]).index("quantity") + 1
    for row in range(2, len(counts) + 2):
        cell = book["完成数量"].cell(row, column)
        cell.value = f"={cell.value}*1"
    book.save(data / FORMULAS)


def test_a_hidden_sheet_refuses_the_file_naming_the_sheet_and_the_fix(checked):
    """A hidden 下半年 sheet used to be skipped: "2 read, 2 loaded, 全部载入", a score moved."""
    problem = quarantined(checked, HIDDEN_SHEET)[1]
    assert "工作表「下半年」被隐藏" in problem and "取消隐藏该工作表" in problem
    assert "整个文件未载入" in problem and events(checked, HIDDEN_SHEET).height == 0
    row = report(checked, HIDDEN_SHEET)
    assert row["file_problems"] == 1 and row["status_zh"].startswith("文件未读取或未载入，运行被阻止")


def test_hidden_rows_and_columns_refuse_the_file_naming_them(checked):
    problems = " | ".join(checked["quarantine"].filter(
        pl.col("source_file") == HIDDEN_ROWS)["reason"].to_list())
    assert "工作表「通报约谈」第 3 行被隐藏" in problems and "第 Q 列被隐藏且有内容" in problems
    assert events(checked, HIDDEN_ROWS).height == 0


def test_formulas_without_values_are_never_read_as_empty(checked):
    problem = quarantined(checked, FORMULAS)[1]
    assert "公式单元格 F2、F3" in problem and "没有保存计算结果" in problem
    assert "在 Excel 或 WPS 中打开并保存一次" in problem and events(checked, FORMULAS).height == 0


def test_a_file_report_says_全部载入_only_when_every_row_read_loaded(checked):
    """read = loaded + quarantined + other year (+ after the as-of date), each file."""
    files = checked["files"].filter(pl.col("file_problems") == 0)
    assert files.height > 0
    for f in files.iter_rows(named=True):
        assert f["rows_read"] == (f["rows_loaded"] + f["rows_quarantined"] + f["rows_other_year"]
                                  + f["rows_after_as_of"]), f
        assert f["status_zh"].startswith("全部载入") == (f["rows_loaded"] == f["rows_read"]), f
    money = report(checked, MONEY)
    assert money["rows_quarantined"] == 2 and money["status_zh"].startswith("隔离 2 行")


def test_a_value_typed_in_the_wrong_unit_is_quarantined_naming_the_suspected_unit(checked):
    """registry_ledger_ranges (seed 001 23(1)/加分(11), seed 000): 资金投入 0.1–50000 万元 a row."""
    q = quarantined(checked, MONEY)
    assert "400000 万元 超出合理范围（0.1–50000 万元" in q[2] and "疑似按 元 填写（即 40 万元）" in q[2]
    assert "38 元 超出合理范围" in q[3] and "疑似按 万元 填写（即 38 万元）" in q[3]
    assert events(checked, MONEY).height == 0


@pytest.mark.parametrize("file", [DATED_NO_SCHEME, DATED_WITH_SCHEME])
def test_a_row_dated_outside_the_assessment_window_is_quarantined_whatever_the_columns(checked, file):
    """Without a 方案编码 column the row used to count as "other year" and drop out unseen."""
    reason = quarantined(checked, file)[2]
    assert reason.startswith("日期不在考核年度 2024 年（考核期 2024-01-01 至 2024-12-31）")
    assert events(checked, file).height == 0
    row = report(checked, file)
    assert (row["rows_quarantined"], row["rows_other_year"]) == (1, 0)


def test_an_item_that_lost_a_row_to_quarantine_is_pending_review(checked):
    """A quarantined row never hands points back: its item is 待核 (withheld by the scheme's
    missing_data policy in scoring, tests/test_faults_office_files_run.py)."""
    pending = {(p["unit_code"], p["item_code"]): p["pending_zh"]
               for p in checked["pending"].iter_rows(named=True) if p["scheme_code"] == "qinzhou_2024"}
    assert DATED_NO_SCHEME in pending[("lingshan", "5.1")]
    assert DATED_WITH_SCHEME in pending[("qinbei", "5.1")]
    assert MONEY in pending[("qinnan", "B2")] and "疑似按 元 填写" in pending[("qinnan", "B2")]


def test_an_amount_stating_no_unit_is_quarantined(checked):
    assert "金额没有注明单位" in quarantined(checked, NO_UNIT)[2]


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    """The sample's schemes and the corpus alone, checked for 2024 in one ledger build."""
    from pipelines.ledgers.check import check_ledgers

    root = tmp_path_factory.mktemp("office_files") / "data"
    shutil.copytree(PROJECT_ROOT / "data" / "raw" / "schemes", root / "raw" / "schemes")
    shutil.copytree(SAMPLE_LEDGERS, root / "raw" / "ledgers" / "sample")
    write_corpus(root / "raw")
    return check_ledgers(Settings(data_dir=root), 2024)


def quarantined(checked: dict[str, pl.DataFrame], file: str) -> dict[int | None, str]:
    """{row: reasons joined} of one file's quarantined rows (None: the file itself)."""
    rows = checked["quarantine"].filter(pl.col("source_file") == file)
    out: dict[int | None, str] = {}
    for r in rows.iter_rows(named=True):
        out[r["source_row"]] = " | ".join(filter(None, [out.get(r["source_row"]), r["reason"]]))
    return out


def events(checked: dict[str, pl.DataFrame], file: str) -> pl.DataFrame:
    return checked["events"].filter(pl.col("source_file") == file)


def report(checked: dict[str, pl.DataFrame], file: str) -> dict:
    return checked["files"].filter(pl.col("source_file") == file).row(0, named=True)


if __name__ == "__main__":  # refresh the corpus files kept in the repository
    shutil.rmtree(CORPUS_DIR / "ledgers", ignore_errors=True)
    write_corpus(CORPUS_DIR)
    sys.exit(0)
