"""The bundled sample's ledgers through the whole pipeline (issue 6, build 5 and 7): personal data
(contact names and phones; seed 000 lists contact persons and phones) never reaches the published
Parquet files or the published warehouse copy; bad rows are published in the quarantine list."""

from __future__ import annotations

import re

import duckdb
import polars as pl

from pipelines.ledgers.ingest import restricted_path
from pipelines.lib.settings import Settings

# a phone number stands alone: not inside a longer run of letters or digits (an md5 id such as
# movement_id may hold 11 digits in a row)
PHONE = re.compile(r"(?<![0-9A-Za-z])(?:1[3-9]\d{9}|0\d{2,3}-\d{7,8})(?![0-9A-Za-z])")
SAMPLE_CONTACTS = ("黄小明", "陆小红", "吴小兰", "示例联系人")


def test_no_published_parquet_column_holds_a_phone_number_or_a_contact_name(sample_run: Settings):
    for path in sorted(sample_run.current_release.glob("*.parquet")):
        frame = pl.read_parquet(path)
        for column in frame.columns:
            text = " ".join(frame[column].cast(pl.String).drop_nulls().to_list())
            assert not PHONE.search(text), f"phone number in {path.name}.{column}"
            assert not any(n in text for n in SAMPLE_CONTACTS), f"contact name in {path.name}.{column}"


def test_the_published_warehouse_copy_holds_no_personal_data(sample_run: Settings):
    con = duckdb.connect(str(sample_run.current_release / "ecoscore.duckdb"), read_only=True)
    try:
        tables = con.execute("select table_schema, table_name from information_schema.tables").fetchall()
        for schema, table in tables:
            text = str(con.execute(f'select * from "{schema}"."{table}"').fetchall())
            assert not PHONE.search(text), f"phone number in {schema}.{table}"
            assert not any(n in text for n in SAMPLE_CONTACTS), f"contact name in {schema}.{table}"
    finally:
        con.close()


def test_the_contacts_are_kept_in_the_restricted_file(sample_run: Settings):
    con = duckdb.connect(str(restricted_path(sample_run)), read_only=True)
    names = {r[0] for r in con.execute("select contact_name from ledger_contacts").fetchall()}
    con.close()
    assert {"黄小明", "陆小红"} <= names
    assert not (sample_run.current_release / "restricted.duckdb").exists()


def test_the_sample_ledgers_bad_rows_are_published_in_the_quarantine(sample_run: Settings):
    quarantine = pl.read_parquet(sample_run.current_release / "quarantine_ledgers.parquet")
    reasons = set(quarantine["reason"].to_list())
    assert "扣分事项缺少证据编号" in reasons  # 生态环境局 火点台账, pubei 2024-05-06
    assert "单位不在考核方案的单位名单中（请填单位编码或单位全称）" in reasons  # 财政局, beihai
