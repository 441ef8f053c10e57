"""Statistics macros and registry data of the air domain, as specifications."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl
import pytest
from lunardate import LunarDate

from pipelines.air.calculator import air_macros
from pipelines.lib.settings import PROJECT_ROOT


def percentile(values: list[float], p: float) -> float:
    sql = air_macros().hj663_percentile("v", p)
    con = duckdb.connect()
    rows = ", ".join(f"({v})" for v in values)
    return con.execute(f"select {sql} from (values {rows}) t(v)").fetchone()[0]


def test_hj663_percentile_worked_example() -> None:
    """HJ 663-2013 percentile: {2,3,4,4,5,8}, p = 0.9 → k = 5.5 → 5 + 0.5·(8 − 5) = 6.5."""
    assert percentile([8, 4, 2, 5, 3, 4], 0.9) == pytest.approx(6.5)


def test_hj663_percentile_at_an_integer_rank_is_that_value() -> None:
    """k = 1 + (6 − 1)·0.6 = 4 → X(4) = 4."""
    assert percentile([2, 3, 4, 4, 5, 8], 0.6) == pytest.approx(4)


def test_fireworks_windows_start_on_chuxi_at_19_and_end_on_chuyi_at_06() -> None:
    """seed 001 item 5(11)①: "2025年1月28日（除夕）19点至29日初一6点"; every configured year's
    除夕 is the day before the lunar new year."""
    windows = pl.read_csv(PROJECT_ROOT / "data" / "raw" / "registry" / "event_windows.csv")
    fireworks = windows.filter(event_code="fireworks")
    assert "2025-01-28T19:00:00" in fireworks["window_start"].to_list()
    for start, end in fireworks.select("window_start", "window_end").iter_rows():
        begin = dt.datetime.fromisoformat(start)
        new_year = LunarDate(begin.year, 1, 1).to_solar_date()
        assert begin == dt.datetime.combine(new_year - dt.timedelta(days=1), dt.time(19))
        assert dt.datetime.fromisoformat(end) == dt.datetime.combine(new_year, dt.time(6))
