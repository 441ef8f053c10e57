"""Load the air inputs from data/raw into the warehouse's raw schema, as strings.

The hourly feed is large (a national year is 15 M rows), so it is read by polars straight from
the file and stored as Parquet, one file per month, that the warehouse reads through a view.
Each feed file carries its month in its name (`station_hourly_2024-03.csv`, as the national
export and the sample do): that month is the file's partition, so a night's run reads only the
month's files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines.air import national
from pipelines.lib.files import InputFileError, check_csv_integrity, read_csv_strings
from pipelines.lib.partitions import feed_files, feed_month

FEED_COLUMNS = ["timepoint", "stationcode", "area", "positionname",
                "pm2_5", "pm10", "so2", "no2", "co", "o3"]
STATION_COLUMNS = ["stationcode", "positionname", "area", "level",
                   "longitude", "latitude", "feed_hour_label"]
UNIT_STATION_COLUMNS = ["unit_code", "unit_name", "stationcode"]
# dated membership (issue 33): a station counts for its unit from valid_from to valid_to
# (ISO dates, inclusive; empty = open)
UNIT_STATION_OPTIONAL = ("valid_from", "valid_to")
PEER_GROUP_COLUMNS = ["peer_group_code", "peer_group_name", "unit_code"]
STATION_DISTRICT_COLUMNS = ["stationcode", "district_unit_code", "district_name"]
EVENT_WINDOW_COLUMNS = ["event_code", "event_name", "window_start", "window_end", "source"]

# raw.air_station_hourly: the feed's columns as written, where each row came from, its month
HOURLY_SCHEMA = {**{c: pl.String for c in FEED_COLUMNS}, "source_file": pl.String,
                 "source_row": pl.Int64, "feed_month": pl.String}
HOURLY_TABLE = "air_station_hourly"


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


def all_feed_files(raw_dir: Path) -> list[tuple[Path, str]]:
    """Every hourly station file with its month: the long feed (data/raw/air/*.csv) and the
    national archive's station day files (data/raw/air/national/china_sites_YYYYMMDD.csv)."""
    return ([(f, feed_month(f)) for f in feed_files(raw_dir)]
            + [(f, national.file_month(f)) for f in national.day_files(raw_dir, national.SITES_FILE)])


def read_station_hourly(raw_dir: Path, months: set[str] | None = None) -> pl.DataFrame:
    """The hourly feed files (those of `months`, or all), stacked, with file, row and the file's
    month (`feed_month`) kept; a national station day file is turned into the same rows
    (national.sites_as_feed). store_months reads a month at a time through it."""
    files = all_feed_files(raw_dir)
    if not files:
        raise InputFileError(f"{raw_dir / 'air'}: 没有空气站点小时数据文件 (no *.csv)")
    frames = []
    for path, month in files:
        if months is not None and month not in months:
            continue
        label = str(path.relative_to(raw_dir))
        frame = (national.sites_as_feed(path, label) if national.SITES_FILE.match(path.name)
                 else read_feed_file(path, label))
        frames.append(frame.select(*FEED_COLUMNS, "source_file", "source_row")
                      .with_columns(pl.lit(month).alias("feed_month")))
    return pl.concat(frames) if frames else pl.DataFrame(schema=HOURLY_SCHEMA)


@dataclass(frozen=True)
class StoredFeed:
    """What one ingest of the hourly feed wrote."""

    rows: int
    files: list[str]
    stations: int
    months: list[str]


def store_months(con: duckdb.DuckDBPyConnection, raw_dir: Path, store: Path,
                 months: set[str] | None) -> StoredFeed:
    """Store the feed files of `months` (None = every month) as one Parquet file per month in
    `store` and point the view raw.air_station_hourly at the store's files.

    A month's file is replaced whole (a removed or corrected feed file leaves nothing behind;
    a month with no feed file any more loses its Parquet file); other months stay. One month is
    in memory at a time — a national month is 1.2 M rows — and Parquet is written at several
    hundred MB/s where DuckDB's own table insert of the same strings is five times slower. Every
    month is written to a temporary file first and the files are switched only when all of them
    were read: a bad file leaves the store as it was."""
    by_month: dict[str, list[Path]] = {}
    for path, month in all_feed_files(raw_dir):
        by_month.setdefault(month, []).append(path)
    if not by_month and national.unit_level_inputs(raw_dir):
        # only unit-level values (city files, unit feeds): no station hour to store
        for old in store.glob("*.parquet") if store.is_dir() else []:
            old.unlink()
        define_hourly_view(con, store)
        return StoredFeed(rows=0, files=[], stations=0, months=[])
    if not by_month:
        # no air data at all (issue 32: a year without air data publishes, the domain 无数据
        # everywhere): the view is empty, the store holds nothing
        store.mkdir(parents=True, exist_ok=True)
        for old in store.glob("*.parquet"):
            old.unlink()
        define_hourly_view(con, store)
        return StoredFeed(rows=0, files=[], stations=0, months=[])
    chosen = sorted(set(by_month) if months is None else months)
    store.mkdir(parents=True, exist_ok=True)
    staged: list[tuple[Path, Path | None]] = []
    rows, files, stations = 0, [], set()
    try:
        for month in chosen:
            target = store / f"{month}.parquet"
            if month not in by_month:
                staged.append((target, None))
                continue
            frame = read_station_hourly(raw_dir, {month})
            temporary = store / f".{month}.parquet.tmp"
            frame.write_parquet(temporary, compression="lz4", statistics=False)
            staged.append((target, temporary))
            rows += frame.height
            files += frame["source_file"].unique().to_list()
            stations |= set(frame["stationcode"].unique().to_list())
    except BaseException:
        for _, temporary in staged:
            if temporary is not None:
                temporary.unlink(missing_ok=True)
        raise
    for target, temporary in staged:
        if temporary is None:
            target.unlink(missing_ok=True)
        else:
            os.replace(temporary, target)
    if months is None:  # a full load: months whose feed files are gone leave the store
        for old in store.glob("*.parquet"):
            if old.stem not in by_month:
                old.unlink()
    define_hourly_view(con, store)
    return StoredFeed(rows=rows, files=sorted(files), stations=len(stations), months=chosen)


def define_hourly_view(con: duckdb.DuckDBPyConnection, store: Path) -> None:
    """raw.air_station_hourly: a view over the store's month files (absolute paths), or an empty
    relation of the same columns when there are none."""
    parts = sorted(store.glob("*.parquet"))
    con.execute("create schema if not exists raw")
    kind = con.execute("select table_type from information_schema.tables "
                       "where table_schema = 'raw' and table_name = ?", [HOURLY_TABLE]).fetchone()
    if kind and kind[0] != "VIEW":  # a warehouse from before the store held the rows itself
        con.execute(f"drop table raw.{HOURLY_TABLE}")
    if parts:
        paths = ", ".join("'" + str(p.resolve()).replace("'", "''") + "'" for p in parts)
        body = f"select * from read_parquet([{paths}])"
    else:
        body = "select " + ", ".join(
            f"null::{'bigint' if kind_ == pl.Int64 else 'varchar'} as {name}"
            for name, kind_ in HOURLY_SCHEMA.items()) + " where false"
    con.execute(f"create or replace view raw.{HOURLY_TABLE} as {body}")


def no_air_data(raw_dir: Path) -> bool:
    """No air input at all — no station feed file, no unit-level file (issue 32: such a year
    publishes, air shown as 无数据)."""
    return not any(True for _ in all_feed_files(raw_dir)) and not national.unit_level_inputs(raw_dir)


def read_registry(raw_dir: Path, name: str, columns: list[str],
                  optional: tuple[str, ...] = (), allow_header_only: bool = False) -> pl.DataFrame:
    """A registry CSV under data/raw/registry/ as strings. `allow_header_only`: a file with its
    header and no row is an empty table, not an error — station_districts.csv, when the national
    station list (data/raw/air/national/站点列表*.csv) already says where each station counts.
    Missing, it is an error while there is air data to place; a data folder without any air input
    (a year without air data, issue 32) needs none: empty."""
    path = raw_dir / "registry" / name
    if not path.exists() and not no_air_data(raw_dir):
        raise InputFileError(f"{path}: 文件不存在 (missing registry file)")
    if not path.exists():
        return pl.DataFrame(schema={**dict.fromkeys([*columns, *optional], pl.String),
                                    "source_file": pl.String, "source_row": pl.Int64})
    label = str(path.relative_to(raw_dir))
    if allow_header_only:
        check_csv_integrity(path, label, allow_header_only=True)
        header = pl.read_csv(path, infer_schema=False, n_rows=0, encoding="utf8-lossy")
        if header.height == 0 and path.read_bytes().count(b"\n") <= 1:
            names = [c.strip().lstrip("\ufeff") for c in header.columns]
            missing = [c for c in columns if c not in names]
            if missing:
                raise InputFileError(f"{label}: 缺少列 {', '.join(missing)}（找到的列: {', '.join(names)}）")
            return pl.DataFrame(schema={**{c: pl.String for c in [*columns, *optional]},
                                        "source_file": pl.String, "source_row": pl.Int64})
    return read_csv_strings(path, columns, label, optional)
