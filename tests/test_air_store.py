"""The hourly air feed's store (pipelines/air/ingest.py, store_months): one Parquet file per month
beside the warehouse, read through the view raw.air_station_hourly. A month is replaced whole, a
month whose feed file is gone loses its rows, a bad file changes nothing, and the rows keep the
file and line they came from."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.air.ingest import store_months
from pipelines.lib.files import InputFileError
from pipelines.lib.settings import PROJECT_ROOT

SAMPLE_AIR = PROJECT_ROOT / "data" / "raw" / "air"
JANUARY, FEBRUARY = "station_hourly_2024-01.csv", "station_hourly_2024-02.csv"


@pytest.fixture
def raw(tmp_path: Path) -> Path:
    (tmp_path / "raw" / "air").mkdir(parents=True)
    for name in (JANUARY, FEBRUARY):
        shutil.copy(SAMPLE_AIR / name, tmp_path / "raw" / "air" / name)
    return tmp_path / "raw"


@pytest.fixture
def con(tmp_path: Path):
    with duckdb.connect(str(tmp_path / "w.duckdb")) as connection:
        yield connection


def lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines()) - 1


def month_rows(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return dict(con.execute("select feed_month, count(*) from raw.air_station_hourly "
                            "group by all").fetchall())


def test_every_row_is_stored_with_its_file_and_line(raw: Path, con, tmp_path: Path):
    store = tmp_path / "w.air_hourly"
    stored = store_months(con, raw, store, None)
    assert stored.rows == lines(raw / "air" / JANUARY) + lines(raw / "air" / FEBRUARY)
    assert sorted(p.name for p in store.glob("*.parquet")) == ["2024-01.parquet", "2024-02.parquet"]
    assert month_rows(con) == {"2024-01": lines(raw / "air" / JANUARY),
                               "2024-02": lines(raw / "air" / FEBRUARY)}
    # line 2 of the file is its first data row, as written (strings, `-;` kept)
    first = con.execute("select timepoint, stationcode, source_row from raw.air_station_hourly "
                        "where source_file = 'air/station_hourly_2024-01.csv' and source_row = 2"
                        ).fetchone()
    written = (raw / "air" / JANUARY).read_text(encoding="utf-8").splitlines()[1].split(",")
    assert first == (written[0], written[1], 2)


def test_a_month_is_replaced_whole_and_the_others_stay(raw: Path, con, tmp_path: Path):
    store = tmp_path / "w.air_hourly"
    store_months(con, raw, store, None)
    february = (store / "2024-02.parquet").read_bytes()
    january = raw / "air" / JANUARY
    kept = january.read_text(encoding="utf-8").splitlines()[:11]  # header + 10 rows
    january.write_text("\n".join(kept) + "\n", encoding="utf-8")
    stored = store_months(con, raw, store, {"2024-01"})
    assert stored.rows == 10 and stored.months == ["2024-01"]
    assert month_rows(con)["2024-01"] == 10
    assert (store / "2024-02.parquet").read_bytes() == february


def test_a_month_whose_file_is_gone_loses_its_rows(raw: Path, con, tmp_path: Path):
    store = tmp_path / "w.air_hourly"
    store_months(con, raw, store, None)
    (raw / "air" / FEBRUARY).unlink()
    store_months(con, raw, store, {"2024-02"})
    assert not (store / "2024-02.parquet").exists()
    assert set(month_rows(con)) == {"2024-01"}


def test_a_bad_file_changes_nothing(raw: Path, con, tmp_path: Path):
    store = tmp_path / "w.air_hourly"
    store_months(con, raw, store, None)
    before = {p.name: p.read_bytes() for p in store.iterdir()}
    feb = raw / "air" / FEBRUARY
    feb.write_bytes(feb.read_bytes().rstrip(b"\n").rsplit(b",", 3)[0])  # cut off mid-line
    with pytest.raises(InputFileError, match=FEBRUARY):
        store_months(con, raw, store, {"2024-01", "2024-02"})
    assert {p.name: p.read_bytes() for p in store.iterdir()} == before


def test_a_warehouse_that_held_the_rows_in_a_table_gets_the_view(raw: Path, con, tmp_path: Path):
    con.execute("create schema raw")
    con.execute("create table raw.air_station_hourly as select 1 as old")
    store_months(con, raw, tmp_path / "w.air_hourly", None)
    kind = con.execute("select table_type from information_schema.tables "
                       "where table_name = 'air_station_hourly'").fetchone()[0]
    assert kind == "VIEW" and sum(month_rows(con).values()) > 0
