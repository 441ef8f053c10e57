"""Load the air inputs from data/raw into the warehouse's raw schema, as strings."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.lib.files import InputFileError, read_csv_strings

FEED_COLUMNS = ["timepoint", "stationcode", "area", "positionname",
                "pm2_5", "pm10", "so2", "no2", "co", "o3"]
STATION_COLUMNS = ["stationcode", "positionname", "area", "level",
                   "longitude", "latitude", "feed_hour_label"]
UNIT_STATION_COLUMNS = ["unit_code", "unit_name", "stationcode"]
PEER_GROUP_COLUMNS = ["peer_group_code", "peer_group_name", "unit_code"]
STATION_DISTRICT_COLUMNS = ["stationcode", "district_unit_code", "district_name"]
EVENT_WINDOW_COLUMNS = ["event_code", "event_name", "window_start", "window_end", "source"]


def feed_files(raw_dir: Path) -> list[Path]:
    return sorted((raw_dir / "air").glob("*.csv"))


def read_station_hourly(raw_dir: Path) -> pl.DataFrame:
    """Every hourly feed file under data/raw/air/, stacked, with file and row kept."""
    files = feed_files(raw_dir)
    if not files:
        raise InputFileError(f"{raw_dir / 'air'}: 没有空气站点小时数据文件 (no *.csv)")
    frames = [read_csv_strings(f, FEED_COLUMNS, str(f.relative_to(raw_dir))) for f in files]
    return pl.concat(frames)


def read_registry(raw_dir: Path, name: str, columns: list[str]) -> pl.DataFrame:
    path = raw_dir / "registry" / name
    if not path.exists():
        raise InputFileError(f"{path}: 文件不存在 (missing registry file)")
    return read_csv_strings(path, columns, str(path.relative_to(raw_dir)))
