"""Load the air inputs from data/raw into the warehouse's raw schema, as strings.

The hourly feed is large (a national year is 15 M rows), so it is read by polars straight from
the file into Arrow and handed to DuckDB without building Python objects. Each feed file carries
its month in its name (`station_hourly_2024-03.csv`, as the national export and the sample
do): that month is the file's partition, so a night's run reads only the month's files."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import polars as pl

from pipelines.lib.files import InputFileError, check_csv_integrity, read_csv_strings

FEED_COLUMNS = ["timepoint", "stationcode", "area", "positionname",
                "pm2_5", "pm10", "so2", "no2", "co", "o3"]
STATION_COLUMNS = ["stationcode", "positionname", "area", "level",
                   "longitude", "latitude", "feed_hour_label"]
UNIT_STATION_COLUMNS = ["unit_code", "unit_name", "stationcode"]
PEER_GROUP_COLUMNS = ["peer_group_code", "peer_group_name", "unit_code"]
STATION_DISTRICT_COLUMNS = ["stationcode", "district_unit_code", "district_name"]
EVENT_WINDOW_COLUMNS = ["event_code", "event_name", "window_start", "window_end", "source"]

MONTH_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?!\d)")
HOURLY_TABLE = "air_station_hourly"


def feed_files(raw_dir: Path) -> list[Path]:
    return sorted((raw_dir / "air").glob("*.csv"))


def feed_month(path: Path) -> str:
    """The month a feed file holds ('YYYY-MM'), from its name."""
    match = MONTH_IN_NAME.search(path.name)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InputFileError(f"air/{path.name}: 文件名中没有月份 YYYY-MM (the feed file's name must "
                             "carry its month, e.g. station_hourly_2024-03.csv)")
    return f"{match.group(1)}-{match.group(2)}"


def read_feed_file(path: Path, label: str) -> pl.DataFrame:
    """One feed file as strings with file and row (header = 1). UTF-8 is read by polars directly
    from disk; anything else (GBK exports) goes through the encoding-detecting reader. A file that
    is empty, header-only, cut off mid-line or has an unclosed quote is refused, naming the line."""
    check_csv_integrity(path, label)
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8", row_index_name="source_row",
                            row_index_offset=2)
    except (pl.exceptions.PolarsError, UnicodeDecodeError):
        return read_csv_strings(path, FEED_COLUMNS, label)
    frame = frame.rename({c: c.strip().lstrip("\ufeff") for c in frame.columns})
    missing = [c for c in FEED_COLUMNS if c not in frame.columns]
    if frame.height == 0 or missing:
        return read_csv_strings(path, FEED_COLUMNS, label)  # raises, naming the file
    return frame.select(
        *FEED_COLUMNS,
        pl.lit(label).alias("source_file"),
        pl.col("source_row").cast(pl.Int64),
    )


def read_station_hourly(raw_dir: Path, months: set[str] | None = None) -> pl.DataFrame:
    """The hourly feed files under data/raw/air/ (those of `months`, or all), stacked, with
    file, row and the file's month (`feed_month`) kept."""
    files = feed_files(raw_dir)
    if not files:
        raise InputFileError(f"{raw_dir / 'air'}: 没有空气站点小时数据文件 (no *.csv)")
    chosen = [f for f in files if months is None or feed_month(f) in months]
    frames = [
        read_feed_file(f, str(f.relative_to(raw_dir))).with_columns(
            pl.lit(feed_month(f)).alias("feed_month"))
        for f in chosen
    ]
    if not frames:
        return pl.DataFrame(schema={**{c: pl.String for c in FEED_COLUMNS}, "source_file": pl.String,
                                    "source_row": pl.Int64, "feed_month": pl.String})
    return pl.concat(frames)


def replace_months(con: duckdb.DuckDBPyConnection, frame: pl.DataFrame, months: set[str] | None) -> int:
    """Write the feed rows of `months` (None = every month) into raw.air_station_hourly, in one
    transaction: the months' old rows go (a removed or corrected file leaves nothing behind),
    the others stay. Returns the rows written."""
    con.execute("create schema if not exists raw")
    columns = {r[0] for r in con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'raw' and table_name = ?", [HOURLY_TABLE]).fetchall()}
    con.register("_incoming", frame.to_arrow())
    try:
        con.execute("begin")
        if months is None or "feed_month" not in columns:
            con.execute(f"create or replace table raw.{HOURLY_TABLE} as select * from _incoming")
        else:
            con.execute(f"delete from raw.{HOURLY_TABLE} where feed_month in "
                        f"(select unnest(?::varchar[]))", [sorted(months)])
            con.execute(f"insert into raw.{HOURLY_TABLE} by name select * from _incoming")
        con.execute("commit")
    finally:
        con.unregister("_incoming")
    return frame.height


def read_registry(raw_dir: Path, name: str, columns: list[str]) -> pl.DataFrame:
    path = raw_dir / "registry" / name
    if not path.exists():
        raise InputFileError(f"{path}: 文件不存在 (missing registry file)")
    return read_csv_strings(path, columns, str(path.relative_to(raw_dir)))
