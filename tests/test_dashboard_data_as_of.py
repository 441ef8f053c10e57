"""Issue 34 (a meeting's papers): the date the papers say the data reach (数据截至) is the last day
any scoring input reaches within the year — not the last air day alone: the 2020 sample (seed
003, a duties scheme) holds one day of air data and a year of ledgers, and its papers said
数据截至2020年1月1日.

The rule lives in the mart fct_data_as_of (its cases are dbt unit tests in
models/marts/scoring/_scoring__docs.yml); the dashboard and the office files read it there
(issue 37 item 4: one home)."""

from __future__ import annotations

import inspect
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.publish.dashboard import data
from pipelines.publish.dashboard.data import data_as_of


def write_mart(release: Path, rows: list[dict]) -> None:
    pl.DataFrame(rows, schema={"assessment_year": pl.Int32, "as_of_date": pl.Date,
                               "data_as_of": pl.Date}).write_parquet(release / "fct_data_as_of.parquet")


def test_the_papers_date_is_the_marts_for_the_year(tmp_path: Path):
    """The mart's date for the year asked for, whatever the release's other marts hold."""
    write_mart(tmp_path, [{"assessment_year": 2020, "as_of_date": None, "data_as_of": date(2020, 12, 20)}])
    pl.DataFrame({"obs_date": [date(2020, 1, 1)], "obs_year": [2020]}).write_parquet(
        tmp_path / "fct_air_unit_daily.parquet")  # not read again
    assert data_as_of(tmp_path, 2020) == date(2020, 12, 20)


def test_a_release_without_the_mart_says_its_as_of_date_or_the_year_end(tmp_path: Path):
    """A release published before fct_data_as_of existed (or another year's): the as-of date it
    was made for, else 31 December — never a date computed a second way."""
    assert data_as_of(tmp_path, 2024, "2024-06-30") == date(2024, 6, 30)
    assert data_as_of(tmp_path, 2024) == date(2024, 12, 31)
    write_mart(tmp_path, [{"assessment_year": 2023, "as_of_date": None, "data_as_of": date(2023, 11, 30)}])
    assert data_as_of(tmp_path, 2024) == date(2024, 12, 31)


def test_the_dashboard_computes_no_date_of_its_own():
    """Issue 37 item 4: data_as_of reads fct_data_as_of and no input mart; the dashboard page,
    the as-of dashboard and the office files get the date from it."""
    code = inspect.getsource(data.data_as_of).replace(data.data_as_of.__doc__, "")
    assert 'read_mart(release_dir, "fct_data_as_of")' in code
    for other in ("fct_air_unit_daily", "fct_water_section_monthly", "fct_ledger_events",
                  "month_end", "max("):
        assert other not in code, other


def test_the_sample_run_publishes_the_date_its_inputs_reach(sample_run):
    """The bundled 2024 sample (钦州, 资源县): its air days run to 31 December, so its papers
    say 数据截至 2024年12月31日; the mart is published beside fct_domain_coverage."""
    release = sample_run.current_release
    mart = pl.read_parquet(release / "fct_data_as_of.parquet")
    assert mart["assessment_year"].to_list() == [2024]
    assert mart["as_of_date"].to_list() == [None]
    assert data_as_of(release, 2024) == mart["data_as_of"][0] == date(2024, 12, 31)
    assert mart["last_air_day"][0] == date(2024, 12, 31)
