"""Time partitions of monitoring data: calendar months, Beijing time.

Months, not days: the national feed and the water sections arrive as monthly files, a month is
the unit the assessment's monthly statistics and validity rules (27 valid days, 25 in February)
use, and a year is 12 partitions instead of 366. A correction to one day re-runs its month,
which on the sample takes seconds (see docs/operations.md)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import dagster as dg

from pipelines.lib.files import InputFileError

MONTH_FORMAT = "%Y-%m"
# The month a monitoring feed file holds, from its name (station_hourly_2024-03.csv).
MONTH_IN_NAME = re.compile(r"(?<!\d)(\d{4})-(\d{2})(?!\d)")

monitoring_months = dg.MonthlyPartitionsDefinition(
    start_date="2014-01", timezone="Asia/Shanghai", fmt=MONTH_FORMAT, end_offset=1)


def month_key(day: dt.date) -> str:
    return day.strftime(MONTH_FORMAT)


def month_range(first: str, last: str) -> list[str]:
    """The partition keys from `first` to `last` ('YYYY-MM'), both included."""
    keys = monitoring_months.get_partition_keys()
    if first not in keys or last not in keys or first > last:
        raise ValueError(f"月份范围无效 (invalid month range): {first} … {last}; "
                         f"partitions run from {keys[0]} to {keys[-1]}")
    return keys[keys.index(first):keys.index(last) + 1]


# Dagster's run tags for the partitions a run covers (a range, or one partition)
RANGE_START, RANGE_END, PARTITION = ("dagster/asset_partition_range_start",
                                     "dagster/asset_partition_range_end", "dagster/partition")


def range_tags(first: str, last: str) -> dict[str, str]:
    """Run tags that make one run cover the month partitions `first` … `last`."""
    month_range(first, last)
    return {RANGE_START: first, RANGE_END: last}


def run_months(tags: dict[str, str]) -> tuple[str, str] | None:
    """The month partitions (first, last) a run covers, from its tags; None when it covers none
    (a run of unpartitioned assets only)."""
    if tags.get(RANGE_START) and tags.get(RANGE_END):
        return tags[RANGE_START], tags[RANGE_END]
    if MONTH_IN_NAME.fullmatch(tags.get(PARTITION, "")):
        return tags[PARTITION], tags[PARTITION]
    return None


def window_dates(start: dt.datetime, end: dt.datetime) -> tuple[dt.date, dt.date]:
    """The days (inclusive) the incremental dbt models rebuild for a partition time window:
    the window's days plus one on each side, so an hour a feed files under its neighbouring
    month (a `24:00` or end-labelled midnight reading) is recomputed with its day."""
    return start.date() - dt.timedelta(days=1), end.date()


def feed_files(raw_dir: Path) -> list[Path]:
    """The hourly air feed files (data/raw/air/*.csv), one month each."""
    return sorted((raw_dir / "air").glob("*.csv"))


def feed_month(path: Path) -> str:
    """The month a feed file holds ('YYYY-MM'), from its name."""
    match = MONTH_IN_NAME.search(path.name)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InputFileError(f"air/{path.name}: 文件名中没有月份 YYYY-MM (the feed file's name must "
                             "carry its month, e.g. station_hourly_2024-03.csv)")
    return f"{match.group(1)}-{match.group(2)}"
