"""What the dashboard reads, and the few figures it derives from the published marts.

Everything comes from one release folder: its Parquet marts and its read-only warehouse copy
(standards, station-level intermediates). A mart that is not published yet reads as None, so
its panel says so instead of failing the page."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import polars as pl

# The air measures whose year-to-date position against target the dashboard explains, with the
# daily column they are built from (HJ 663-2013: annual mean = mean of daily means; good-day
# ratio = days with AQI ≤ 100 / valid days).
AIR_TARGET_MEASURES = {
    "air.good_day_ratio": ("优良天数比率", "%", "higher_is_better"),
    "air.pm2_5_annual_mean": ("PM2.5 年均浓度", "μg/m³", "lower_is_better"),
}


def read_mart(release_dir: Path, stem: str) -> pl.DataFrame | None:
    """A published mart, or None when this release does not have it (yet)."""
    path = release_dir / f"{stem}.parquet"
    return pl.read_parquet(path) if path.exists() else None


def query_release(release_dir: Path, sql: str) -> pl.DataFrame | None:
    """A query on the release's read-only warehouse copy; None when a relation is missing."""
    path = release_dir / "ecoscore.duckdb"
    if not path.exists():
        return None
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.sql(sql).pl()
    except duckdb.CatalogException:
        return None
    finally:
        con.close()


def aqi_levels(release_dir: Path) -> pl.DataFrame | None:
    """HJ 633-2012 表2 levels with their official colours, from the standards seed."""
    return query_release(release_dir, "select level, level_name, category, colour "
                                      "from standards.std_aqi_levels order by level")


def month_end_before(as_of: date) -> date:
    """The last day of the month before the one holding as_of (the previous meeting's date)."""
    return as_of.replace(day=1) - timedelta(days=1)


def data_as_of(daily: pl.DataFrame | None, year: int, as_of: str) -> date:
    """The as-of date of a dashboard: the run's as-of date, else the last day with air data."""
    if as_of:
        return date.fromisoformat(as_of)
    if daily is not None and daily.height:
        return daily["obs_date"].max()
    return date(year, 12, 31)


def ranking(scores: pl.DataFrame, previous: pl.DataFrame | None) -> pl.DataFrame:
    """Scores ordered by rank, with rank and total changes against a previous scoring
    (null when there is none). rank_change > 0 means the unit moved up."""
    ordered = scores.sort("score_rank", "unit_code").with_columns(pl.col("total_score").cast(pl.Float64))
    if previous is None:
        return ordered.with_columns(previous_rank=pl.lit(None, pl.Int64),
                                    previous_total=pl.lit(None, pl.Float64),
                                    rank_change=pl.lit(None, pl.Int64),
                                    total_change=pl.lit(None, pl.Float64))
    before = previous.select("unit_code", previous_rank=pl.col("score_rank"),
                             previous_total=pl.col("total_score").cast(pl.Float64))
    return ordered.join(before, on="unit_code", how="left").with_columns(
        rank_change=pl.col("previous_rank") - pl.col("score_rank"),
        total_change=(pl.col("total_score") - pl.col("previous_total")).round(4),
    )


def air_targets(movements: pl.DataFrame | None) -> pl.DataFrame:
    """Per unit and air measure: the scheme's target (as quoted on the movement rows)."""
    schema = {"unit_code": pl.String, "unit_name": pl.String, "measure_code": pl.String,
              "target": pl.Float64}
    if movements is None:
        return pl.DataFrame(schema=schema)
    return (movements.filter(pl.col("measure_code").is_in(list(AIR_TARGET_MEASURES)))
            .select("unit_code", "unit_name", "measure_code", pl.col("target").cast(pl.Float64))
            .unique().sort("unit_code", "measure_code"))


def monthly_air(daily: pl.DataFrame) -> pl.DataFrame:
    """Per unit and month: valid days, good days, good-day ratio (%) and PM2.5 monthly mean
    (mean of the valid days' 24-h means, HJ 663-2013 §5)."""
    valid = daily.filter(pl.col("is_valid_day"))
    return (valid.group_by("unit_code", "unit_name", "obs_month")
            .agg(valid_days=pl.len(),
                 good_days=(pl.col("aqi") <= 100).sum(),
                 pm2_5_mean=pl.col("pm2_5_24h").cast(pl.Float64).mean())
            .with_columns(good_day_ratio=(100 * pl.col("good_days") / pl.col("valid_days")).round(1),
                          pm2_5_mean=pl.col("pm2_5_mean").round(1))
            .sort("unit_code", "obs_month"))


@dataclass(frozen=True)
class TargetGap:
    """Where a unit stands on one annual target at the as-of date, and what the rest of the
    year must average for the target to be met (every remaining day assumed valid)."""

    unit_name: str
    measure: str
    unit_of_measure: str
    target: float
    year_to_date: float | None
    days_counted: int
    days_left: int
    needed_rest_of_year: float | None
    verdict: str


def _verdict(direction: str, ytd: float | None, target: float, needed: float | None,
             days_left: int, ceiling: float | None) -> str:
    if ytd is None:
        return "暂无有效数据"
    met_now = ytd >= target if direction == "higher_is_better" else ytd <= target
    if days_left == 0 or needed is None:
        return "已达标" if met_now else "未达标"
    if direction == "higher_is_better":
        if needed <= 0:
            return "已锁定达标"
        if ceiling is not None and needed > ceiling:
            return "已无法达标"
    elif needed < 0:
        return "已无法达标"
    return "目前达标，须保持" if met_now else "目前未达标，须改善"


def target_gap(daily: pl.DataFrame, targets: pl.DataFrame, as_of: date) -> list[TargetGap]:
    """Year to date against target with the average the rest of the year needs:
    good-day ratio needs (target × all days − good days so far) / days left;
    PM2.5 needs (target × all days − sum of daily means so far) / days left."""
    year_end = date(as_of.year, 12, 31)
    days_left = max((year_end - as_of).days, 0)
    upto = daily.filter(pl.col("obs_date") <= as_of, pl.col("is_valid_day"))
    gaps = []
    for row in targets.iter_rows(named=True):
        label, uom, direction = AIR_TARGET_MEASURES[row["measure_code"]]
        days = upto.filter(pl.col("unit_code") == row["unit_code"])
        n = days.height
        target = float(row["target"])
        if row["measure_code"] == "air.good_day_ratio":
            good = int((days["aqi"] <= 100).sum()) if n else 0
            ytd = round(100 * good / n, 1) if n else None
            needed = (100 * (target / 100 * (n + days_left) - good) / days_left) if days_left else None
            ceiling: float | None = 100.0
        else:
            total = float(days["pm2_5_24h"].cast(pl.Float64).sum()) if n else 0.0
            ytd = round(total / n, 1) if n else None
            needed = (target * (n + days_left) - total) / days_left if days_left else None
            ceiling = None
        gaps.append(TargetGap(
            unit_name=row["unit_name"], measure=label, unit_of_measure=uom, target=target,
            year_to_date=ytd, days_counted=n, days_left=days_left,
            needed_rest_of_year=None if needed is None else round(needed, 1),
            verdict=_verdict(direction, ytd, target, needed, days_left, ceiling)))
    return gaps


def station_completeness(release_dir: Path, year: int, as_of: date) -> pl.DataFrame | None:
    """Per station and month: PM2.5 hours received / hours in the month up to the as-of date
    (%), from the station-daily intermediate in the release's warehouse copy."""
    frame = query_release(release_dir, f"""
        with received as (
            select station_code, month(obs_date) as obs_month, sum(pm2_5_hours) as hours
            from intermediate.int_air__station_daily
            where year(obs_date) = {int(year)} and obs_date <= '{as_of.isoformat()}'::date
            group by all
        )
        select s.station_code, s.station_name, m.obs_month, coalesce(r.hours, 0) as hours
        from staging.stg_air__stations s
        cross join (select unnest(range(1, 13)) as obs_month) m
        left join received r on r.station_code = s.station_code and r.obs_month = m.obs_month
        order by all""")
    if frame is None:
        return None
    expected = pl.DataFrame({
        "obs_month": list(range(1, 13)),
        "expected_hours": [24 * _days_in_month_upto(year, m, as_of) for m in range(1, 13)],
    }, schema={"obs_month": pl.Int64, "expected_hours": pl.Int64})
    return (frame.with_columns(pl.col("obs_month").cast(pl.Int64))
            .join(expected, on="obs_month", how="left")
            .filter(pl.col("expected_hours") > 0)
            .with_columns(completeness=(100 * pl.col("hours") / pl.col("expected_hours")).round(1)))


def _days_in_month_upto(year: int, month: int, as_of: date) -> int:
    if (year, month) > (as_of.year, as_of.month):
        return 0
    last = calendar.monthrange(year, month)[1]
    return as_of.day if (year, month) == (as_of.year, as_of.month) else last
