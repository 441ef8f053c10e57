"""What the dashboard reads, and the few figures it derives from the published marts.

Everything comes from one release folder's published Parquet marts (issue 35: the dashboard
reads published marts only; the standards and the station days are marts too). A mart that is
not published yet reads as None, so its panel says so instead of failing the page."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import polars as pl

# Air measures where a higher value is better (优良天数比率); concentrations are better lower.
HIGHER_IS_BETTER = {"air.good_day_ratio"}


def read_mart(release_dir: Path, stem: str) -> pl.DataFrame | None:
    """A published mart, or None when this release does not have it (yet)."""
    path = release_dir / f"{stem}.parquet"
    return pl.read_parquet(path) if path.exists() else None


def aqi_levels(release_dir: Path) -> pl.DataFrame | None:
    """HJ 633-2012 表2 levels with their official colours (mart dim_aqi_levels)."""
    frame = read_mart(release_dir, "dim_aqi_levels")
    return None if frame is None else frame.select("level", "level_name", "category", "colour").sort("level")


def water_classes(release_dir: Path) -> pl.DataFrame | None:
    """GB 3838-2002 classes with their display colours (mart dim_water_classes)."""
    frame = read_mart(release_dir, "dim_water_classes")
    return None if frame is None else frame.select("class", "label_zh", "status_zh", "colour").sort("class")


def month_end_before(as_of: date) -> date:
    """The last day of the month before the one holding as_of (the previous meeting's date)."""
    return as_of.replace(day=1) - timedelta(days=1)


def data_as_of(release_dir: Path, year: int, as_of: str = "") -> date:
    """The date a release's data reach ("数据截至"), as the mart fct_data_as_of says for the year
    (the rule lives there: the run's as-of date, else the last day within the year any scoring
    input reaches). A release published before that mart existed says the as-of date it was
    made for, else 31 December."""
    frame = read_mart(release_dir, "fct_data_as_of")
    found = (None if frame is None
             else frame.filter(pl.col("assessment_year") == year)["data_as_of"].to_list())
    if found:
        return found[0]
    return date.fromisoformat(as_of) if as_of else date(year, 12, 31)


def ranking(scores: pl.DataFrame, previous: pl.DataFrame | None) -> pl.DataFrame:
    """Scores ordered by scheme and rank, with rank and total changes against a previous
    scoring (null when there is none). rank_change > 0 means the unit moved up."""
    ordered = (scores.sort("scheme_code", "score_rank", "unit_code", nulls_last=True)
               .with_columns(pl.col("total_score").cast(pl.Float64)))
    if previous is None:
        return ordered.with_columns(previous_rank=pl.lit(None, pl.Int64),
                                    previous_total=pl.lit(None, pl.Float64),
                                    rank_change=pl.lit(None, pl.Int64),
                                    total_change=pl.lit(None, pl.Float64))
    before = previous.select("scheme_code", "unit_code", previous_rank=pl.col("score_rank"),
                             previous_total=pl.col("total_score").cast(pl.Float64))
    return ordered.join(before, on=["scheme_code", "unit_code"], how="left").with_columns(
        rank_change=pl.col("previous_rank") - pl.col("score_rank"),
        total_change=(pl.col("total_score") - pl.col("previous_total")).round(4),
    )


def scheme_names(release_dir: Path) -> dict[str, str]:
    """scheme_code → the scheme's Chinese name (mart dim_schemes)."""
    frame = read_mart(release_dir, "dim_schemes")
    return {} if frame is None else dict(frame.select("scheme_code", "scheme_name").iter_rows())


def scheme_reports(release_dir: Path) -> dict[str, dict]:
    """scheme_code → the scheme's `report` block (issuer, document_prefix, addressees, decimals;
    scheme_schema.yaml), {} where the scheme has none or the release predates it."""
    import json

    frame = read_mart(release_dir, "dim_schemes")
    if frame is None:
        return {}
    if "report" not in frame.columns:  # a release from before schemes had a report block
        return {code: {} for code in frame["scheme_code"]}
    return {code: json.loads(report) if report else {}
            for code, report in frame.select("scheme_code", "report").iter_rows()}


def scheme_decimals(release_dir: Path) -> dict[str, int]:
    """scheme_code → the decimals its scores are shown with (report.decimals, default 2)."""
    from pipelines.lib.wording import DEFAULT_DECIMALS

    return {code: int(report.get("decimals", DEFAULT_DECIMALS))
            for code, report in scheme_reports(release_dir).items()}


GATE_LEVELS = {"block": "阻断发布", "warn": "警告", "quarantined": "已隔离问题行", "pass": "通过"}


def quality_gates(release_dir: Path) -> pl.DataFrame | None:
    """One row per quality suite of the release's data-quality report (quality/*.json, written
    by pipelines/quality): its title, worst level and how many expectations reached each level."""
    import json

    files = sorted((release_dir / "quality").glob("*.json"))
    if not files:
        return None
    order = list(GATE_LEVELS)
    rows = []
    for path in files:
        suite = json.loads(path.read_text(encoding="utf-8"))
        levels = [f.get("level", "pass") for f in suite.get("findings", [])]
        worst = min(levels, key=lambda lv: order.index(lv) if lv in order else 0) if levels else "pass"
        # rows quarantined by class (the expectation's reason), as the console and report count
        quarantined: dict[str, int] = {}
        for f in suite.get("findings", []):
            if f.get("level") == "quarantined" and f.get("unexpected"):
                why = str(f.get("why", "")).split("：")[0]
                quarantined[why] = quarantined.get(why, 0) + int(f["unexpected"])
        rows.append({"suite": suite.get("suite", path.stem), "title": suite.get("title", path.stem),
                     "status": GATE_LEVELS.get(worst, worst), "expectations": len(levels),
                     "failing": sum(lv != "pass" for lv in levels),
                     "quarantined": "；".join(f"{k} {v} 行" for k, v in quarantined.items()) or "—"})
    return pl.DataFrame(rows)


def unit_names(*frames: pl.DataFrame | None) -> dict[str, str]:
    """unit_code → unit_name from whichever marts carry both."""
    names: dict[str, str] = {}
    for frame in frames:
        if frame is not None and {"unit_code", "unit_name"} <= set(frame.columns):
            names |= dict(frame.select("unit_code", "unit_name").unique().iter_rows())
    return names


def air_targets(gaps: pl.DataFrame | None, names: dict[str, str]) -> pl.DataFrame:
    """Per unit and air measure: the scheme's target (from the air domain's target-gap mart)."""
    schema = {"unit_code": pl.String, "unit_name": pl.String, "measure_code": pl.String,
              "target": pl.Float64}
    if gaps is None:
        return pl.DataFrame(schema=schema)
    return (gaps.select("unit_code", "measure_code", pl.col("target").cast(pl.Float64)).unique()
            .with_columns(unit_name=pl.col("unit_code").replace_strict(names, default=pl.col("unit_code")))
            .select(list(schema)).sort("unit_code", "measure_code"))


# Verdicts and their colours: only a target met or sure to be met is green; missing data is
# grey, never green (issue 14 part 6).
VERDICT_COLOURS = {"已达标": "#C8E6C9", "已锁定达标": "#C8E6C9", "目前达标，须保持": "#C8E6C9",
                   "目前未达标，须改善": "#FFE0B2", "已无法达标": "#FFCDD2", "未达标": "#FFCDD2",
                   "缺少数据，无法判断": "#D9D9D9", "不能按日推算": "#D9D9D9"}


def gap_verdict(row: dict) -> str:
    """A one-phrase judgement of a fct_air_target_gap row, for the meeting."""
    if row["year_to_date_value"] is None:
        return "缺少数据，无法判断"
    if row["reason"] and "不能" in row["reason"]:
        return "不能按日推算"
    ytd, target = float(row["year_to_date_value"]), float(row["target"])
    met = ytd >= target if row["measure_code"] in HIGHER_IS_BETTER else ytd <= target
    if row["days_left"] == 0:
        return "已达标" if met else "未达标"
    if row["reason"]:
        return "已无法达标"
    if row["measure_code"] in HIGHER_IS_BETTER and row["rest_of_year_good_days_needed"] == 0:
        return "已锁定达标"
    return "目前达标，须保持" if met else "目前未达标，须改善"


def verdict_colour(verdict: str) -> str:
    """Green only for a target met; grey for anything not known."""
    return VERDICT_COLOURS.get(verdict, "#D9D9D9")


def station_completeness(release_dir: Path, year: int, as_of: date) -> pl.DataFrame | None:
    """Per station and month of `year` up to the as-of date: valid days ÷ the days the standard
    asks for (%), as int_air__station_monthly counts them (the mart fct_air_station_monthly) —
    the one home of station completeness (a valid day: ≥ 20 valid PM2.5 hours; 27 valid days a
    month, 25 in February: GB 3095-2012 表4, macros/air/feed.sql), the measure the quality check
    air_station_completeness reads — over every station of the registry (dim_air_stations). A
    month without any PM2.5 hour shows 0; months after the as-of date are not shown."""
    stations = read_mart(release_dir, "dim_air_stations")
    monthly = read_mart(release_dir, "fct_air_station_monthly")
    if stations is None or monthly is None:
        return None
    last_month = as_of.month if as_of.year == year else 12
    months = pl.DataFrame({"obs_month": list(range(1, last_month + 1))}, schema={"obs_month": pl.Int64})
    counted = (monthly.filter(pl.col("obs_year") == year)
               .select("station_code", pl.col("obs_month").cast(pl.Int64), "valid_days", "required_days"))
    frame = (stations.select("station_code", "station_name").join(months, how="cross")
             .join(counted, on=["station_code", "obs_month"], how="left")
             .with_columns(pl.col("valid_days").fill_null(0))
             .sort("station_code", "station_name", "obs_month"))
    # a month without any PM2.5 hour has no row in the model: 0 valid days, 0 %
    return frame.with_columns(
        completeness=pl.when(pl.col("valid_days") == 0).then(0.0)
        .otherwise(100 * pl.col("valid_days").cast(pl.Float64) / pl.col("required_days"))
        .clip(upper_bound=100).round(1))
