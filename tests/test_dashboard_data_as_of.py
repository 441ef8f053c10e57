"""Issue 34 (a meeting's papers): the date the papers say the data reach (数据截至) is the last day
any scoring input reaches within the year — not the last air day alone: the 2020 sample (seed
003, a duties scheme) holds one day of air data and a year of ledgers, and its papers said
数据截至2020年1月1日."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from pipelines.publish.dashboard.data import data_as_of


def write(release: Path, stem: str, frame: pl.DataFrame) -> None:
    frame.write_parquet(release / f"{stem}.parquet")


def test_the_latest_input_of_the_year_decides(tmp_path: Path):
    write(tmp_path, "fct_air_unit_daily", pl.DataFrame(
        {"obs_date": [date(2019, 12, 31), date(2020, 1, 1)], "obs_year": [2019, 2020]}))
    assert data_as_of(tmp_path, 2020, "") == date(2020, 1, 1)
    write(tmp_path, "fct_water_section_monthly", pl.DataFrame(
        {"obs_year": [2020, 2020, 2021], "obs_month": [1, 2, 1]}))
    assert data_as_of(tmp_path, 2020, "") == date(2020, 2, 29)  # a water month counts to its end
    write(tmp_path, "fct_ledger_events", pl.DataFrame(
        {"event_date": [date(2020, 12, 20), date(2021, 3, 1)]}))
    assert data_as_of(tmp_path, 2020, "") == date(2020, 12, 20)  # next year's rows do not count


def test_an_as_of_run_says_its_date_and_an_empty_release_the_year_end(tmp_path: Path):
    assert data_as_of(tmp_path, 2024, "2024-06-30") == date(2024, 6, 30)
    assert data_as_of(tmp_path, 2024, "") == date(2024, 12, 31)
