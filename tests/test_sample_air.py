"""The bundled 钦州市 2024 sample year of hourly station data.

The generator (sample/air.py) must reproduce the committed files byte for
byte, and the year must look like a clean coastal city with the designed features that
later rules are tested on. The daily means here are a rough, plain-polars cross-check; the
AQI is the project's own calculator (the models' macro).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from pipelines.air.calculator import calculate
from sample.air import write_air_sample

RAW = Path(__file__).resolve().parents[1] / "data" / "raw"
POLLUTANTS = ["pm2_5", "pm10", "so2", "no2", "co", "o3"]
CENTRAL = ["3101A", "3102A", "3103A"]

# ---------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def feed() -> pl.DataFrame:
    """All hourly rows, with the natural day of each hour-ending label."""
    frames = [
        pl.read_csv(
            path,
            null_values=["-;", ""],
            schema_overrides={p: pl.Float64 for p in POLLUTANTS},
        )
        for path in sorted((RAW / "air").glob("station_hourly_2024-*.csv"))
    ]
    return (
        pl.concat(frames)
        .with_columns(pl.col("timepoint").str.to_datetime("%Y-%m-%dT%H:%M:%S"))
        .with_columns(
            day=(pl.col("timepoint") - pl.duration(hours=1)).dt.date(),
            label_hour=pl.col("timepoint").dt.hour(),
        )
        .sort("stationcode", "timepoint")
    )


@pytest.fixture(scope="module")
def units() -> pl.DataFrame:
    return pl.read_csv(RAW / "registry" / "unit_stations.csv")


@pytest.fixture(scope="module")
def station_daily(feed: pl.DataFrame) -> pl.DataFrame:
    """24-hour means (≥ 20 valid hours) and the day's max 8-hour O3 (≥ 14 windows)."""
    with_o3_8h = feed.with_columns(
        o3_8h=pl.col("o3").rolling_mean(8, min_samples=6).over("stationcode"),
        # windows ending 08:00 … 24:00 are positions 7 … 23 of the natural day
        position=(pl.col("label_hour") + 23) % 24,
    )
    means = [
        pl.when(pl.col(p).count() >= 20).then(pl.col(p).mean()).alias(p) for p in ["pm2_5", "pm10"]
    ]
    o3_windows = pl.col("o3_8h").filter(pl.col("position") >= 7)
    return with_o3_8h.group_by("stationcode", "day").agg(
        *means,
        valid_pm2_5=pl.col("pm2_5").count(),
        o3_windows=o3_windows.count(),
        o3_8h=pl.when(o3_windows.count() >= 14).then(o3_windows.max()),
    )


@pytest.fixture(scope="module")
def unit_daily(station_daily: pl.DataFrame, units: pl.DataFrame) -> pl.DataFrame:
    """Unit daily values: mean over the unit's stations, then a daily AQI."""
    daily = (
        units.join(station_daily, on="stationcode")
        .group_by("unit_code", "day")
        .agg(pl.col("pm2_5", "pm10", "o3_8h").mean())
        .filter(pl.col("pm2_5").is_not_null())
    )
    # the daily AQI by the project's own calculator (macros/air/iaqi.sql, HJ 633-2012), not a
    # second implementation: PM2.5, PM10 and O3 8 h are the pollutants the sample designs
    values = daily.select(pl.col("pm2_5", "pm10", "o3_8h").round(3).cast(pl.Utf8))
    aqi = calculate(values, "daily", "HJ633-2012")["aqi"]
    return daily.with_columns(aqi=aqi)


def unit_year(unit_daily: pl.DataFrame, unit: str) -> dict[str, float]:
    days = unit_daily.filter(pl.col("unit_code") == unit)
    return {
        "pm2_5": days["pm2_5"].mean(),
        "pm10": days["pm10"].mean(),
        "good_day_ratio": 100 * (days["aqi"] <= 100).mean(),
    }


# ------------------------------------------------------------------------ reproducible


def test_regenerating_gives_byte_identical_files(tmp_path: Path) -> None:
    written = write_air_sample(tmp_path, 2024)
    assert len(written) == 14
    for path in written:
        committed = RAW / path.relative_to(tmp_path)
        assert path.read_bytes() == committed.read_bytes(), path.name


# ------------------------------------------------------------------------ registry


def test_central_city_stations_assess_qinnan_qinbei_and_the_city(units: pl.DataFrame) -> None:
    # seed 004 annex note: 钦南区、钦北区以中心城区 3 个空气自动监测站平均数据为考核标准
    members = units.group_by("unit_code").agg(pl.col("stationcode").sort())
    stations = dict(zip(members["unit_code"], members["stationcode"].to_list(), strict=True))
    assert stations["qinnan"] == stations["qinbei"] == stations["qinzhou"] == CENTRAL
    assert stations["lingshan"] == ["3104A", "3105A"]
    assert stations["pubei"] == ["3106A", "3107A"]
    assert stations["zhongma"] == ["3108A"]


def test_station_registry_marks_the_feed_as_hour_ending() -> None:
    stations = pl.read_csv(RAW / "registry" / "stations.csv")
    assert stations.height == 8
    assert set(stations["feed_hour_label"]) == {"end"}
    assert stations.filter(pl.col("level") == "国控")["stationcode"].to_list() == CENTRAL


# ------------------------------------------------------------------------ layout


def test_every_station_reports_every_hour_of_the_leap_year(feed: pl.DataFrame) -> None:
    counts = feed.group_by("stationcode").len()
    assert counts.height == 8
    assert set(counts["len"]) == {366 * 24}


def test_hour_ending_labels_put_the_midnight_label_in_the_day_before() -> None:
    january = (RAW / "air" / "station_hourly_2024-01.csv").read_text("utf-8").splitlines()
    december = (RAW / "air" / "station_hourly_2024-12.csv").read_text("utf-8").splitlines()
    assert january[0] == "timepoint,stationcode,area,positionname,pm2_5,pm10,so2,no2,co,o3"
    assert january[1].startswith("2024-01-01T01:00:00,")
    assert december[-1].startswith("2025-01-01T00:00:00,")


def test_co_has_one_decimal_and_the_others_are_integers() -> None:
    rows = pl.read_csv(RAW / "air" / "station_hourly_2024-03.csv", infer_schema=False)
    values = rows.filter(pl.col("co") != "-;", pl.col("co").is_not_null())
    assert values["co"].str.contains(r"^\d+\.\d$").all()
    o3 = rows.filter(pl.col("o3") != "-;", pl.col("o3").is_not_null())
    assert o3["o3"].str.contains(r"^\d+$").all()


def test_missing_values_are_mostly_the_feed_marker_and_a_few_empty_cells() -> None:
    text = "".join(p.read_text("utf-8") for p in sorted((RAW / "air").glob("station_hourly_*.csv")))
    markers = text.count("-;")
    empty = text.count(",,") + text.count(",\n")
    assert markers > 5_000
    assert 0 < empty < markers / 5


def test_about_one_to_two_percent_of_hours_are_missing(feed: pl.DataFrame) -> None:
    share = feed["pm2_5"].null_count() / feed.height
    assert 0.01 <= share <= 0.02


# ------------------------------------------------------------------------ realism


def test_pm25_never_exceeds_pm10(feed: pl.DataFrame) -> None:
    both = feed.drop_nulls(["pm2_5", "pm10"])
    assert (both["pm2_5"] <= both["pm10"]).all()


def test_pm25_to_pm10_ratio_stays_between_half_and_three_quarters(
    feed: pl.DataFrame,
) -> None:
    # daily ratio over the hours both analysers reported
    ratio = (
        feed.drop_nulls(["pm2_5", "pm10"])
        .group_by("stationcode", "day")
        .agg((pl.col("pm2_5").sum() / pl.col("pm10").sum()).alias("r"))
    )["r"]
    assert ratio.min() >= 0.48 and ratio.max() <= 0.77
    assert 0.55 <= ratio.mean() <= 0.68


def test_central_city_annual_means_are_those_of_a_clean_coastal_city(
    feed: pl.DataFrame, unit_daily: pl.DataFrame
) -> None:
    year = unit_year(unit_daily, "qinzhou")
    assert 24 <= year["pm2_5"] <= 27
    assert 40 <= year["pm10"] <= 45
    central = feed.filter(pl.col("stationcode").is_in(CENTRAL))
    assert 5 <= central["so2"].mean() <= 15
    assert 10 <= central["no2"].mean() <= 35
    assert 0.4 <= central["co"].mean() <= 1.2


def test_winter_pm25_is_higher_than_summer(feed: pl.DataFrame) -> None:
    by_month = feed.group_by(pl.col("day").dt.month().alias("m")).agg(pl.col("pm2_5").mean())
    monthly = dict(zip(by_month["m"], by_month["pm2_5"], strict=True))
    winter = [monthly[m] for m in (12, 1, 2)]
    summer = [monthly[m] for m in (6, 7, 8)]
    assert min(winter) > 1.8 * max(summer)


def test_weekends_have_less_no2_than_weekdays(feed: pl.DataFrame) -> None:
    weekend = feed.filter(pl.col("day").dt.weekday() >= 6)["no2"].mean()
    weekday = feed.filter(pl.col("day").dt.weekday() <= 5)["no2"].mean()
    assert weekend < 0.92 * weekday


def test_no2_peaks_at_the_rush_hours(feed: pl.DataFrame) -> None:
    by_hour = feed.group_by("label_hour").agg(pl.col("no2").mean()).sort("label_hour")
    no2 = by_hour["no2"].to_list()
    morning = max(range(6, 12), key=lambda h: no2[h])
    evening = max(range(17, 24), key=lambda h: no2[h])
    assert 8 <= morning <= 10 and 19 <= evening <= 21
    assert no2[14] < 0.8 * min(no2[morning], no2[evening])


def test_o3_peaks_in_the_afternoon(feed: pl.DataFrame) -> None:
    peak_hour = (
        feed.drop_nulls("o3")
        .sort("o3", descending=True)
        .group_by("stationcode", "day")
        .agg(pl.col("label_hour").first())
    )["label_hour"]
    assert 14 <= peak_hour.median() <= 16
    assert peak_hour.is_between(13, 17).mean() > 0.8


def test_spring_and_autumn_o3_days_often_reach_100_to_180(feed: pl.DataFrame) -> None:
    daily_max = (
        feed.filter(pl.col("day").dt.month().is_in([4, 5, 9, 10]))
        .group_by("stationcode", "day")
        .agg(pl.col("o3").max())
    )["o3"]
    assert daily_max.is_between(100, 180).mean() > 0.6
    assert (daily_max > 200).sum() >= 3


def test_o3_8h_over_160_is_rare_but_happens_in_every_unit(unit_daily: pl.DataFrame) -> None:
    over = unit_daily.group_by("unit_code").agg((pl.col("o3_8h") > 160).sum().alias("n"))
    assert over["n"].min() >= 1 and over["n"].max() <= 3


def test_stations_of_a_unit_move_together(feed: pl.DataFrame) -> None:
    wide = feed.pivot("stationcode", index="timepoint", values="pm2_5").drop_nulls()
    assert wide.select(pl.corr("3104A", "3105A")).item() > 0.8
    assert wide.select(pl.corr("3101A", "3103A")).item() > 0.8


# ------------------------------------------------------------------------ designed days


def test_fireworks_on_spring_festival_eve_spike_pm25_at_every_station(
    feed: pl.DataFrame,
) -> None:
    # 除夕 2024-02-09 (lunar 2023-12-30): 19:00 on the eve to 06:00 on 初一
    night = feed.filter(
        pl.col("timepoint").is_between(dt.datetime(2024, 2, 9, 19), dt.datetime(2024, 2, 10, 6))
    )
    peaks = night.group_by("stationcode").agg(
        pl.col("pm2_5").max().alias("peak"),
        pl.col("label_hour").sort_by("pm2_5").last().alias("hour"),
    )
    assert peaks.height == 8
    assert peaks["peak"].is_between(150, 300).all()
    assert peaks["hour"].is_in([0, 1, 2]).all()
    peak = dict(zip(peaks["stationcode"], peaks["peak"], strict=True))
    counties = min(peak[s] for s in ["3104A", "3105A", "3106A", "3107A"])
    assert counties > max(peak[s] for s in CENTRAL)


def test_3102A_reads_six_to_eight_percent_higher_on_some_pollution_days(
    station_daily: pl.DataFrame,
) -> None:
    # seed 001 item 5(1)⑤: the station-outlier rule needs such days
    central = station_daily.filter(pl.col("stationcode").is_in(CENTRAL)).pivot(
        "stationcode", index="day", values="pm2_5"
    )
    ratio = central.select(
        "day",
        (pl.col("3102A") / ((pl.col("3101A") + pl.col("3103A")) / 2)).alias("r"),
        ((pl.col("3101A") + pl.col("3103A")) / 2).alias("others"),
    )
    outlier_days = ratio.filter(pl.col("r").is_between(1.06, 1.08), pl.col("others") > 75)
    assert outlier_days.height >= 3


def test_outages_leave_station_days_below_the_20_hour_rule(
    station_daily: pl.DataFrame,
) -> None:
    # GB 3095-2012 (2018 amendment): a 24-hour mean needs at least 20 valid hours
    short = station_daily.filter(pl.col("valid_pm2_5") < 20)
    assert short.height >= 3


def test_one_day_has_a_station_on_exactly_20_hours_and_one_on_19(
    station_daily: pl.DataFrame,
) -> None:
    on_20 = set(station_daily.filter(pl.col("valid_pm2_5") == 20)["day"])
    on_19 = set(station_daily.filter(pl.col("valid_pm2_5") == 19)["day"])
    assert on_20 & on_19


def test_an_o3_fault_leaves_a_day_with_fewer_than_14_valid_8h_windows(
    station_daily: pl.DataFrame,
) -> None:
    # HJ 663-2013: a day's max 8-hour O3 needs at least 14 valid 8-hour means
    faulty = station_daily.filter(pl.col("o3_windows") < 14, pl.col("valid_pm2_5") >= 20)
    assert faulty.height >= 1


def test_winter_episodes_push_every_unit_over_aqi_100(unit_daily: pl.DataFrame) -> None:
    polluted = unit_daily.filter(pl.col("aqi") > 100, pl.col("pm2_5").is_between(80, 140))
    months = polluted.group_by("unit_code").agg(pl.col("day").dt.month().unique())
    for unit_months in months["day"].to_list():
        assert {1, 2, 12} <= set(unit_months)
    assert months.height == 6


def test_only_lingshan_has_a_heavy_pollution_day(unit_daily: pl.DataFrame) -> None:
    heavy = unit_daily.filter(pl.col("pm2_5") > 150)
    assert set(heavy["unit_code"]) == {"lingshan"}
    assert heavy["aqi"].min() > 200


# ------------------------------------------------------------------------ targets


@pytest.mark.parametrize(
    ("unit", "pm25_range", "good_day_range"),
    [
        # seed 001 targets: central city and 中马 PM2.5 27.2, counties 29.2; good days
        # 钦南/钦北 and the counties 96.4 %; 灵山县 is the unit that misses both.
        ("qinnan", (25.0, 26.5), (97.0, 100.0)),
        ("qinbei", (25.0, 26.5), (97.0, 100.0)),
        ("pubei", (27.0, 28.5), (96.5, 100.0)),
        ("zhongma", (25.0, 26.5), (96.5, 100.0)),
        ("lingshan", (31.0, 33.0), (93.0, 95.0)),
    ],
)
def test_units_meet_or_miss_their_targets_as_designed(
    unit_daily: pl.DataFrame,
    unit: str,
    pm25_range: tuple[float, float],
    good_day_range: tuple[float, float],
) -> None:
    year = unit_year(unit_daily, unit)
    assert pm25_range[0] <= year["pm2_5"] <= pm25_range[1]
    assert good_day_range[0] <= year["good_day_ratio"] <= good_day_range[1]
