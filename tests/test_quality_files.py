"""File-level integrity (pipelines/lib/files.py): a file that is only a header, or was cut off in
transfer, is unusable as a whole and raises InputFileError naming the file and the line — on
every path that reads CSV: the air feed, the water tables and the ledgers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipelines.air.ingest import FEED_COLUMNS
from pipelines.ledgers.ingest import read_ledger_file
from pipelines.lib.files import InputFileError, read_csv_strings
from pipelines.lib.settings import PROJECT_ROOT
from pipelines.water.ingest import read_section_monthly, read_table

SAMPLE_RAW = PROJECT_ROOT / "data" / "raw"
JANUARY = "station_hourly_2024-01.csv"
FIRE_LEDGER = "ledgers/生态环境局/火点台账_gbk.csv"


@pytest.fixture
def air_raw(tmp_path: Path) -> Path:
    (tmp_path / "air").mkdir()
    shutil.copy(SAMPLE_RAW / "air" / JANUARY, tmp_path / "air" / JANUARY)
    return tmp_path


def read_feed(raw: Path):
    """The air feed as read_csv_strings reads it (the registry and the GBK path still do; the UTF-8
    fast path of pipelines/air/ingest.py must call check_csv_integrity too — see the report)."""
    return read_csv_strings(raw / "air" / JANUARY, FEED_COLUMNS, f"air/{JANUARY}")


@pytest.fixture
def water_raw(tmp_path: Path) -> Path:
    shutil.copytree(SAMPLE_RAW / "water", tmp_path / "water")
    return tmp_path


def test_a_feed_that_is_only_its_header_names_the_file(air_raw: Path):
    feed = air_raw / "air" / JANUARY
    feed.write_text(feed.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=f"air/{JANUARY}: 只有表头，没有数据行"):
        read_feed(air_raw)


def test_a_feed_cut_off_mid_line_names_the_file_and_the_last_line(air_raw: Path):
    feed = air_raw / "air" / JANUARY
    lines = feed.read_text(encoding="utf-8").splitlines()
    cut = lines[-1][: lines[-1].index(",", 25)]  # timepoint, station and part of the values
    feed.write_text("\n".join([*lines[:-1], cut]), encoding="utf-8")
    with pytest.raises(InputFileError, match=rf"air/{JANUARY}: 第 {len(lines)} 行不完整，文件被截断"):
        read_feed(air_raw)


def test_a_feed_cut_inside_its_last_field_is_refused_naming_the_line(air_raw: Path):
    """Issue 31: a file still being copied, cut inside its last field (an O3 of 87 read as 8),
    keeps its field count; without the last line's newline it is refused all the same."""
    feed = air_raw / "air" / JANUARY
    lines = feed.read_text(encoding="utf-8").splitlines()
    assert lines[-1][-2:].isdigit()  # the last field (o3) is a number of two digits or more
    feed.write_text("\n".join([*lines[:-1], lines[-1][:-1]]), encoding="utf-8")
    with pytest.raises(InputFileError, match=rf"air/{JANUARY}: 第 {len(lines)} 行不完整，文件被截断"
                                             "（末行没有换行，字段数完整但末字段可能被截短）"):
        read_feed(air_raw)


def test_a_quote_left_open_names_the_line_it_was_opened_on(air_raw: Path):
    feed = air_raw / "air" / JANUARY
    lines = feed.read_text(encoding="utf-8").splitlines()
    lines[4] = lines[4].replace(",3101A,", ',"3101A,', 1) if ",3101A," in lines[4] else '"' + lines[4]
    feed.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match=f"air/{JANUARY}: 第 5 行的引号没有闭合"):
        read_feed(air_raw)


def test_a_water_registry_that_is_only_its_header_names_the_file(water_raw: Path):
    sections = water_raw / "water" / "sections.csv"
    sections.write_text(sections.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="water/sections.csv: 只有表头"):
        read_table(water_raw, "sections.csv", ["section_code"], "断面名录")


def test_a_truncated_water_monthly_file_names_the_file_and_line(water_raw: Path):
    monthly = water_raw / "water" / "section_monthly_2024.csv"
    lines = monthly.read_text(encoding="utf-8").splitlines()
    monthly.write_text("\n".join([*lines[:-1], lines[-1].rsplit(",", 3)[0]]), encoding="utf-8")
    with pytest.raises(InputFileError, match=f"water/section_monthly_2024.csv: 第 {len(lines)} 行不完整"):
        read_section_monthly(water_raw)


def test_a_truncated_ledger_csv_becomes_a_file_problem_naming_the_line(tmp_path: Path):
    ledger = tmp_path / "ledger.csv"
    text = (SAMPLE_RAW / FIRE_LEDGER).read_bytes().decode("gb18030")
    lines = text.splitlines()
    ledger.write_bytes("\n".join([*lines[:-1], lines[-1][:12]]).encode("gb18030"))
    result = read_ledger_file(ledger, FIRE_LEDGER, "digest")
    assert result.rows == []
    assert [f["file_problem"] for f in result.findings] == [
        f"{FIRE_LEDGER}: 第 {len(lines)} 行不完整，文件被截断（末行没有换行，只有 "
        f"{lines[-1][:12].count(',') + 1} 个字段，表头有 {lines[1].count(',') + 1} 个）：如文件仍在"
        "复制或下载，请等传完再运行；如文件本来完整，请在末尾加一个换行后保存 (truncated file)"]


def test_a_ledger_with_only_its_header_is_a_ledger_with_nothing_to_report(tmp_path: Path):
    ledger = tmp_path / "ledger.csv"
    lines = (SAMPLE_RAW / FIRE_LEDGER).read_bytes().decode("gb18030").splitlines()
    header = next(i for i, line in enumerate(lines) if line.count(",") >= 3)
    ledger.write_bytes(("\n".join(lines[: header + 1]) + "\n").encode("gb18030"))
    result = read_ledger_file(ledger, FIRE_LEDGER, "digest")
    assert result.rows == [] and all(f["file_problem"] is None for f in result.findings)


def test_a_truncated_or_header_only_air_feed_file_is_refused_naming_the_line(tmp_path):
    # the air feed reader (pipelines/air/ingest.read_feed_file) runs the same integrity check
    from pipelines.air.ingest import read_feed_file
    from pipelines.lib.files import InputFileError
    from pipelines.lib.settings import PROJECT_ROOT

    text = (PROJECT_ROOT / "data/raw/air/station_hourly_2024-01.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    cut = tmp_path / "station_hourly_2024-01.csv"
    cut.write_text("\n".join(lines[:100]) + "\n" + lines[100][:20], encoding="utf-8")
    with pytest.raises(InputFileError, match=r"第 101 行不完整"):
        read_feed_file(cut, "air/station_hourly_2024-01.csv")
    header_only = tmp_path / "station_hourly_2024-02.csv"
    header_only.write_text(lines[0] + "\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="只有表头"):
        read_feed_file(header_only, "air/station_hourly_2024-02.csv")
