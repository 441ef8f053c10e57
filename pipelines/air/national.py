"""The national archive of CNEMC's real-time release as an input format (issue 33).

Three kinds of file, under data/raw/air/national/, read as published:
- `china_sites_YYYYMMDD.csv` — one day of station hours, wide: rows `date, hour, type`, one
  column per station code; `type` is AQI, PM2.5, PM2.5_24h, PM10, …, CO_24h. The hourly
  concentrations (types PM2.5, PM10, SO2, NO2, O3, CO) become rows of the hourly station feed
  (raw.air_station_hourly, the same columns as the long feed); `hour` 0–23 is the timepoint
  (CNEMC labels the end of the hour).
- `china_cities_YYYYMMDD.csv` — the same day for cities (one column per city): CNEMC's
  official city values, kept long as a reference table (raw.air_unit_official) that the
  quality check compares the computed unit values with, and a unit-level feed.
- `站点列表*.csv` — the national station list (监测点编码, 监测点名称, 城市, 经度, 纬度, 对照点):
  station names, the city each station counts for and the 对照点 flag (Y: a background /
  control station, or one out of service, that never counts for its city).
Every cell stays a string with its file and row; parsing and checks happen in dbt staging."""

from __future__ import annotations

import gzip
import re
import tempfile
import zlib
from pathlib import Path

import polars as pl

from pipelines.lib.files import InputFileError, check_csv_integrity, read_csv_strings

NATIONAL_DIR = ("air", "national")
# as published, or gzip-compressed (.csv.gz: a national station day is 2 MB of text, 0.4 MB gzipped)
SITES_FILE = re.compile(r"^china_sites_(\d{4})(\d{2})(\d{2})\.csv(\.gz)?$")
CITIES_FILE = re.compile(r"^china_cities_(\d{4})(\d{2})(\d{2})\.csv(\.gz)?$")
STATION_LIST_GLOB = "站点列表*.csv"
INDEX_COLUMNS = ["date", "hour", "type"]
# the feed's pollutant columns and the `type` of the wide files that carries each hourly value
FEED_TYPES = {"pm2_5": "PM2.5", "pm10": "PM10", "so2": "SO2", "no2": "NO2", "co": "CO", "o3": "O3"}
STATION_LIST_COLUMNS = {"监测点编码": "stationcode", "监测点名称": "positionname", "城市": "city",
                        "经度": "longitude", "纬度": "latitude", "对照点": "control_flag"}
# the published 24-hour types of a station day file's hour 0 (the previous day's values)
DAILY_TYPES = ("PM2.5_24h", "PM10_24h", "SO2_24h", "NO2_24h", "CO_24h", "O3_24h", "O3_8h_24h")
PUBLISHED_DAILY_SCHEMA = {"stationcode": pl.String, "date": pl.String, "type": pl.String,
                          "value": pl.String, "source_file": pl.String, "source_row": pl.Int64}
# code, city and flag decide what counts; name and coordinates are kept when the list has them
REQUIRED_LIST_COLUMNS = ["监测点编码", "城市", "对照点"]
OPTIONAL_LIST_COLUMNS = ("监测点名称", "经度", "纬度")
OFFICIAL_SCHEMA = {"unit_name": pl.String, "date": pl.String, "hour": pl.String,
                   "type": pl.String, "value": pl.String, "source_file": pl.String,
                   "source_row": pl.Int64}
NATIONAL_STATION_SCHEMA = {**{c: pl.String for c in STATION_LIST_COLUMNS.values()},
                           "source_file": pl.String, "source_row": pl.Int64}


def national_dir(raw_dir: Path) -> Path:
    return raw_dir.joinpath(*NATIONAL_DIR)


def day_files(raw_dir: Path, pattern: re.Pattern[str]) -> list[Path]:
    folder = national_dir(raw_dir)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.csv*") if pattern.match(p.name))


def file_month(path: Path) -> str:
    """'YYYY-MM' of a national day file, from its name."""
    match = SITES_FILE.match(path.name) or CITIES_FILE.match(path.name)
    if not match:
        raise InputFileError(
            f"{path.name}: 不是全国逐日文件 (china_sites_YYYYMMDD.csv / china_cities_YYYYMMDD.csv)")
    return f"{match.group(1)}-{match.group(2)}"


def read_wide(path: Path, label: str, key: str, arrived_whole: bool = False) -> pl.DataFrame:
    """A national wide day file, long: date, hour, type, `key` (the column's name: a station code
    or a city), value, with the file and its row (header = 1). Empty cells are left out: the file
    has a cell for every station every hour, most of them written. A `.csv.gz` file is read
    through its decompressed copy, checked as the file it holds: gzip's CRC-32 and length prove
    it arrived whole, so the archive's files, which end without a newline, are read as they are
    (a plain `.csv` without its last newline is refused as a copy still under way); a cut or
    damaged gzip stream is refused naming the file."""
    if path.suffix == ".gz":
        try:
            held = gzip.decompress(path.read_bytes())
        except (EOFError, OSError, zlib.error) as err:
            raise InputFileError(
                f"{label}: gzip 压缩文件不完整或已损坏（{err}）：如文件仍在复制或下载，请等传完再运行"
                " (truncated or corrupt gzip)") from err
        with tempfile.TemporaryDirectory() as scratch:
            plain = Path(scratch) / path.stem
            plain.write_bytes(held)
            return read_wide(plain, label, key, arrived_whole=True)
    check_csv_integrity(path, label, arrived_whole=arrived_whole)
    try:
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    except pl.exceptions.PolarsError as err:
        raise InputFileError(f"{label}: CSV 无法解析（{str(err).splitlines()[0]}）") from err
    frame = frame.rename({c: c.strip().lstrip("\ufeff") for c in frame.columns})
    # a header with trailing commas (2023-01-21 has six) names columns "" and "_duplicated_N":
    # no station or city; dropped when empty, else their cells reach staging and are reported
    unnamed = [c for c in frame.columns if c == "" or c.startswith("_duplicated_")]
    empty = [c for c in unnamed if frame[c].drop_nulls().str.strip_chars().str.len_chars().sum() == 0]
    frame = frame.drop(empty)
    missing = [c for c in INDEX_COLUMNS if c not in frame.columns]
    if missing:
        raise InputFileError(
            f"{label}: 缺少列 {', '.join(missing)}（全国逐日文件的前三列应为 date, hour, type）")
    return (frame.with_row_index("source_row", offset=2)
            .unpivot(index=["source_row", *INDEX_COLUMNS], variable_name=key, value_name="value")
            .filter(pl.col("value").is_not_null() & (pl.col("value").str.strip_chars() != ""))
            .with_columns(pl.lit(label).alias("source_file"), pl.col("source_row").cast(pl.Int64)))


def sites_as_feed(path: Path, label: str) -> pl.DataFrame:
    """A station day file as rows of the hourly feed (FEED_COLUMNS of ingest.py, strings): one
    row per station and hour that has any of the six hourly concentrations. The row number is the
    file's row of the hour's first type (the feed's lineage points at the file)."""
    long = read_wide(path, label, "stationcode").filter(pl.col("type").is_in(list(FEED_TYPES.values())))
    if long.height == 0:
        return pl.DataFrame(schema={c: pl.String for c in [
            "timepoint", "stationcode", "area", "positionname", *FEED_TYPES]} | {
            "source_file": pl.String, "source_row": pl.Int64})
    wide = long.pivot(on="type", index=["date", "hour", "stationcode"], values="value",
                      aggregate_function="first")
    rows = long.group_by(["date", "hour"]).agg(pl.col("source_row").min())
    wide = wide.join(rows, on=["date", "hour"], how="left")
    return wide.select(
        (pl.col("date").str.slice(0, 4) + "-" + pl.col("date").str.slice(4, 2) + "-"
         + pl.col("date").str.slice(6, 2) + "T" + pl.col("hour").str.zfill(2) + ":00:00").alias("timepoint"),
        pl.col("stationcode"),
        pl.lit("").alias("area"),
        pl.lit("").alias("positionname"),
        *[(pl.col(t) if t in wide.columns else pl.lit(None, pl.String)).alias(c)
          for c, t in FEED_TYPES.items()],
        pl.lit(label).alias("source_file"),
        pl.col("source_row").cast(pl.Int64),
    )


def read_published_daily(raw_dir: Path) -> pl.DataFrame:
    """The stations' published 24-hour values (raw.air_station_published_daily): the `*_24h`
    types of each station day file's hour 0 — the timepoint that closes the previous day, so
    they are that day's real-time daily values. A station's published 24-hour value is not
    always the mean of its published hours (2023-01-21..22: 27 % of station-days differ; CNEMC
    averages its own, finer hourly data): a city's published daily value is the mean of these
    (convention cnemc_published), so they are an input of their own."""
    frames = []
    for path in day_files(raw_dir, SITES_FILE):
        long = read_wide(path, str(path.relative_to(raw_dir)), "stationcode")
        frames.append(long.filter((pl.col("hour").str.strip_chars() == "0")
                                  & pl.col("type").is_in(list(DAILY_TYPES)))
                      .select("stationcode", "date", "type", "value", "source_file", "source_row"))
    return pl.concat(frames) if frames else pl.DataFrame(schema=PUBLISHED_DAILY_SCHEMA)


def read_official(raw_dir: Path) -> pl.DataFrame:
    """Every city day file, long (raw.air_unit_official): the official city values as published."""
    frames = [read_wide(p, str(p.relative_to(raw_dir)), "unit_name")
              .select("unit_name", "date", "hour", "type", "value", "source_file", "source_row")
              for p in day_files(raw_dir, CITIES_FILE)]
    return pl.concat(frames) if frames else pl.DataFrame(schema=OFFICIAL_SCHEMA)


def read_station_list(raw_dir: Path) -> pl.DataFrame:
    """The national station list(s) (raw.air_national_stations), columns renamed to the feed's
    terms; several lists are stacked (a later list may re-list a station: staging keeps the
    newest file's row)."""
    folder = national_dir(raw_dir)
    paths = sorted(folder.glob(STATION_LIST_GLOB)) if folder.is_dir() else []
    frames = []
    for path in paths:
        frame = read_csv_strings(path, REQUIRED_LIST_COLUMNS, str(path.relative_to(raw_dir)),
                                 optional=OPTIONAL_LIST_COLUMNS)
        frames.append(frame.rename(STATION_LIST_COLUMNS))
    return pl.concat(frames) if frames else pl.DataFrame(schema=NATIONAL_STATION_SCHEMA)


# A unit-level daily feed (issue 33 item 5): a county's or city's daily values as the provincial
# platform sends them, data/raw/air/units/*.csv, one row per unit and day.
UNIT_FEED_COLUMNS = ["unit_code", "date", "pm2_5", "pm10", "so2", "no2", "co", "o3_8h_max"]
UNIT_FEED_OPTIONAL = ("unit_name", "o3_1h_max")
UNIT_FEED_SCHEMA = {**{c: pl.String for c in [*UNIT_FEED_COLUMNS, *UNIT_FEED_OPTIONAL]},
                    "source_file": pl.String, "source_row": pl.Int64}


def read_unit_feed(raw_dir: Path) -> pl.DataFrame:
    """Every unit-level daily feed file (raw.air_unit_feed), strings with file and row: columns
    unit_code, date (YYYY-MM-DD), the 24-hour means pm2_5, pm10, so2, no2, co and the day's
    largest 8-hour O3 `o3_8h_max`; optional unit_name and `o3_1h_max`."""
    folder = raw_dir / "air" / "units"
    paths = sorted(folder.glob("*.csv")) if folder.is_dir() else []
    frames = [read_csv_strings(p, UNIT_FEED_COLUMNS, str(p.relative_to(raw_dir)), UNIT_FEED_OPTIONAL)
              for p in paths]
    return pl.concat(frames) if frames else pl.DataFrame(schema=UNIT_FEED_SCHEMA)


def unit_level_inputs(raw_dir: Path) -> bool:
    """Whether the data folder holds unit-level air values (national city files or unit feeds),
    which stand without any station hour."""
    units = raw_dir / "air" / "units"
    return bool(day_files(raw_dir, CITIES_FILE)) or (units.is_dir() and any(units.glob("*.csv")))


# The national figures (issue 33 item 6): which cities the Ministry averages (339 地级及以上城市)
# and what it published for a month, both registry files, optional.
NATIONAL_CITY_COLUMNS = ["unit_code"]
NATIONAL_PUBLISHED_COLUMNS = ["month", "measure", "published_value", "unit", "source"]


def read_optional_registry(raw_dir: Path, name: str, columns: list[str]) -> pl.DataFrame:
    """data/raw/registry/<name> as strings with file and row, or an empty table of the same
    columns when the file is absent or holds its header alone."""
    path = raw_dir / "registry" / name
    label = str(path.relative_to(raw_dir))
    empty = pl.DataFrame(schema={**{c: pl.String for c in columns},
                                 "source_file": pl.String, "source_row": pl.Int64})
    if not path.exists():
        return empty
    check_csv_integrity(path, label, allow_header_only=True)
    if len(path.read_bytes().strip().splitlines()) < 2:
        return empty
    return read_csv_strings(path, columns, label)

