"""Sample years of hourly air-quality station data for 钦州市 (deterministic).

Writes, under a raw-data directory:

- ``registry/stations.csv``: the 8 assessment stations (3 国控 central-city, 5 区控).
- ``registry/unit_stations.csv``: which stations assess which unit (seed 004 annex note:
  钦南区、钦北区以中心城区 3 个空气自动监测站平均数据为考核标准).
- ``air/station_hourly_YYYY-MM.csv``: one file per month in the layout of the national
  CNEMC station feed (missing values written ``-;``, a few left empty).

The feed labels each hour by its END (CNEMC convention), so natural day D is made of the
timepoints D 01:00 … D+1 00:00, and the December file ends with next year's 01-01T00:00.

The numbers are synthetic but shaped like a clean coastal city: a winter PM peak, weekly
and daily cycles, an afternoon O3 peak, correlated stations, outages, winter pollution
episodes, the Spring Festival eve fireworks night, and one unit (灵山县) that misses its
PM2.5 and good-day targets. Exceedance days are designed (a table below), not left to
chance, so later tests and scores see a stable year. Every random draw comes from a named
``numpy`` stream, so the output is byte-identical on every run.

Two years: 2024, the assessment year, and 2023, the prior year of the 钦州 units, with its own
weather and annual PM2.5 levels (``PM25_ANNUAL_BY_YEAR``), so year-on-year (同比) rules read
data. Run ``python -m sample.air [RAW_DIR]`` (default ``data/raw``) to regenerate
both.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from lunardate import LunarDate

BASE_SEED = 20240209
BASE_YEAR = 2024  # the assessment year of the sample; the prior year feeds 同比 rules
YEARS = (2023, 2024)
AREA = "钦州市"
HOURS_PER_DAY = 24
POLLUTANTS = ("pm2_5", "pm10", "so2", "no2", "co", "o3")
FEED_COLUMNS = ("timepoint", "stationcode", "area", "positionname", *POLLUTANTS)
MISSING = "-;"  # how the national feed writes a missing value


# ---------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class Station:
    code: str
    name: str
    level: str
    region: str  # which regional air mass the station samples
    longitude: float
    latitude: float
    pm_scale: float  # long-run ratio of this station's PM to its region's


STATIONS: tuple[Station, ...] = (
    Station("3101A", "市环境监测站", "国控", "central", 108.6241, 21.9597, 0.99),
    Station("3102A", "北部湾大学", "国控", "central", 108.6395, 21.9130, 1.00),
    Station("3103A", "市生态环境局", "国控", "central", 108.6510, 21.9780, 1.01),
    Station("3104A", "灵山县城", "区控", "lingshan", 109.2921, 22.4207, 1.03),
    Station("3105A", "灵山县环保局", "区控", "lingshan", 109.3015, 22.4290, 0.97),
    Station("3106A", "浦北县城", "区控", "pubei", 109.5570, 22.2713, 1.02),
    Station("3107A", "浦北县环保局", "区控", "pubei", 109.5480, 22.2630, 0.98),
    Station("3108A", "中马园区", "区控", "zhongma", 108.7322, 22.0145, 1.00),
)
CENTRAL = ("3101A", "3102A", "3103A")

# (unit_code, unit_name, assessment stations); seed 004 annex note for 钦南区/钦北区.
UNITS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("qinnan", "钦南区", CENTRAL),
    ("qinbei", "钦北区", CENTRAL),
    ("lingshan", "灵山县", ("3104A", "3105A")),
    ("pubei", "浦北县", ("3106A", "3107A")),
    ("zhongma", "中马钦州产业园区", ("3108A",)),
    ("qinzhou", "钦州市", CENTRAL),
)


@dataclass(frozen=True)
class Region:
    pm25_annual: float  # annual mean of the unit's daily PM2.5 we calibrate to (μg/m³)
    fireworks_peak: float  # PM2.5 added at the fireworks peak hour (μg/m³)
    so2: float  # typical daily SO2 (μg/m³)
    no2: float  # typical daily NO2 (μg/m³)
    co: float  # typical daily CO (mg/m³)
    o3_scale: float  # suburbs and the coast titrate less O3 than the city centre
    o3_night: float  # night O3 as a share of the day's peak (lower where traffic NO is)


# Targets (seed 001): central city and 中马 27.2, counties 29.2; 灵山县 is the one that misses.
REGIONS: dict[str, Region] = {
    "central": Region(25.7, 130.0, 9.0, 22.0, 0.70, 0.97, 0.15),
    "lingshan": Region(32.0, 215.0, 10.0, 17.0, 0.80, 1.03, 0.22),
    "pubei": Region(27.8, 200.0, 8.0, 15.0, 0.75, 1.03, 0.22),
    "zhongma": Region(25.8, 120.0, 12.0, 20.0, 0.70, 1.05, 0.20),
}
REGION_NAMES = tuple(REGIONS)
# The prior year (2023) calibrated to other annual PM2.5 means, so year-on-year (同比) rules see
# a change: the central city and 中马 improve by more than 3 % in 2024, 浦北县 by less, 灵山县
# gets worse. Every other feature of the year (designed days, outages) is the same.
PM25_ANNUAL_BY_YEAR: dict[int, dict[str, float]] = {
    2023: {"central": 27.3, "lingshan": 31.2, "pubei": 28.4, "zhongma": 27.2},
}


def pm25_annual(year: int, region: str) -> float:
    """The annual mean of the region's daily PM2.5 the year is calibrated to (μg/m³)."""
    return PM25_ANNUAL_BY_YEAR.get(year, {}).get(region, REGIONS[region].pm25_annual)

# ---------------------------------------------------------------------- designed days
# Daily PM2.5 (μg/m³) of each region on the days that shape the good-day ratio; every
# other day is background, kept below AQI 100 by a soft cap. Values are before the
# fireworks are added. Order: central, lingshan, pubei, zhongma.
#   Jan and Dec: stagnant winter episodes (central city over 75 on 2 days each).
EPISODES_BY_DATE: dict[tuple[int, int], tuple[float, float, float, float]] = {
    (1, 15): (52, 66, 56, 52),
    (1, 16): (70, 88, 82, 68),
    (1, 17): (98, 128, 106, 96),
    (1, 18): (86, 112, 94, 84),
    (1, 19): (55, 84, 60, 54),
    (12, 17): (56, 82, 62, 55),
    (12, 18): (66, 92, 68, 64),
    (12, 19): (104, 132, 112, 100),
    (12, 20): (118, 140, 124, 112),
    (12, 21): (60, 86, 64, 58),
}
# Around the Spring Festival, by days after 除夕: the eve and 初一 carry the fireworks
# on top of these; 初二 and 初三 stay smoky in still air.
EPISODES_BY_FESTIVAL: dict[int, tuple[float, float, float, float]] = {
    0: (36, 44, 40, 36),
    1: (40, 54, 54, 40),
    2: (84, 102, 90, 82),
    3: (92, 116, 100, 90),
    4: (50, 64, 55, 48),
}
# 灵山县 alone: spring and autumn straw burning and one heavy-pollution day (AQI > 200).
LINGSHAN_DAYS: dict[tuple[int, int], float] = {
    (3, 12): 84,
    (3, 13): 90,
    (10, 22): 82,
    (11, 19): 96,
    (11, 20): 172,
    (11, 21): 90,
    (12, 5): 86,
}
# Sunny, still days whose O3 peak tops 200 so the 8-hour maximum passes 160.
O3_EPISODES: dict[tuple[int, int], float] = {(4, 28): 210, (9, 24): 215, (10, 15): 212}
# Pollution days on which 北部湾大学 (3102A) reads higher than the other two central
# stations: the station-outlier rule (seed 001 item 5(1)⑤) needs such days to exist.
OUTLIER_STATION = "3102A"
OUTLIER_EXCESS = 1.07
OUTLIER_DATES = ((1, 17), (12, 19), (12, 20))
OUTLIER_FESTIVAL_OFFSETS = (3,)


@dataclass(frozen=True)
class Outage:
    station: str
    start: str  # first missing timepoint (hour-ending label)
    hours: int
    pollutants: tuple[str, ...] = POLLUTANTS


# Station-days that fail the 20-valid-hour rule (GB 3095-2012 with its 2018 amendment),
# one day on which 3104A keeps exactly 20 hours and 3105A exactly 19, and an O3 analyser
# fault that leaves 3101A with only 5 valid 8-hour windows (HJ 663-2013 asks for 14).
OUTAGES: tuple[Outage, ...] = (
    Outage("3103A", "05-14T09", 10),
    Outage("3106A", "07-22T15", 30),
    Outage("3108A", "08-05T10", 8),
    Outage("3104A", "09-10T03", 4),
    Outage("3105A", "09-10T11", 5),
    Outage("3101A", "06-18T06", 9, ("o3",)),
)
SINGLE_ROW_MISSING = 0.008  # whole station-hour lost (logger or link)
SINGLE_VALUE_MISSING = 0.006  # one analyser's hour invalidated
EMPTY_CELL_SHARE = 0.05  # share of missing values written as an empty cell, not "-;"


# ------------------------------------------------------------------------- randomness


def rng_for(name: str, year: int = BASE_YEAR) -> np.random.Generator:
    """A random stream of its own for each named component (and year: the prior year has its
    own weather; the base year keeps the streams it always had).

    Naming the streams keeps the output stable when a component is added or changed:
    the other components still draw the same numbers.
    """
    key = [BASE_SEED, zlib.crc32(name.encode())]
    return np.random.default_rng(key if year == BASE_YEAR else [*key, year])


def ar1(rng: np.random.Generator, shape: tuple[int, ...], phi: float) -> np.ndarray:
    """Standard-normal AR(1) series along the last axis (weather persists for days)."""
    innovations = rng.standard_normal(shape)
    series = np.empty(shape)
    series[..., 0] = innovations[..., 0]
    scale = np.sqrt(1.0 - phi**2)
    for t in range(1, shape[-1]):
        series[..., t] = phi * series[..., t - 1] + scale * innovations[..., t]
    return series


def lognormal_factor(z: np.ndarray, sigma: float) -> np.ndarray:
    """exp(σz) corrected to mean 1, so noise does not shift the calibrated means."""
    return np.exp(sigma * z - 0.5 * sigma**2)


# -------------------------------------------------------------------------- calendar


def days_of(year: int) -> np.ndarray:
    return np.arange(f"{year}-01-01", f"{year + 1}-01-01", dtype="datetime64[D]")


def hour_labels(year: int) -> np.ndarray:
    """Hour-ending timepoints of the year: 01-01T01:00 … next year's 01-01T00:00."""
    start = np.datetime64(f"{year}-01-01T01", "h")
    return start + np.arange(len(days_of(year)) * HOURS_PER_DAY)


# Clock hour of each of a natural day's 24 labels: 1, 2, …, 23, 0 (the 24:00 label).
LABEL_HOURS = (np.arange(HOURS_PER_DAY) + 1) % HOURS_PER_DAY


def spring_festival_eve(year: int) -> dt.date:
    """除夕: the day before lunar new year (2024-02-09)."""
    return LunarDate(year, 1, 1).to_solar_date() - dt.timedelta(days=1)


def day_index(year: int, month: int, day: int) -> int:
    return (dt.date(year, month, day) - dt.date(year, 1, 1)).days


def annual_cycle(n_days: int, amplitude: float, peak_day: int = 10) -> np.ndarray:
    """1 + a·cos, peaking in early January (winter monsoon, low mixing height)."""
    d = np.arange(n_days)
    return 1.0 + amplitude * np.cos(2 * np.pi * (d - peak_day) / n_days)


def weekday_factor(days: np.ndarray, weights: tuple[float, ...]) -> np.ndarray:
    """Monday … Sunday weights, normalised to mean 1 (less traffic at the weekend)."""
    w = np.asarray(weights) / np.mean(weights)
    weekday = (days.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    return w[weekday]


def circular_bump(hours: np.ndarray, centre: float, width: float) -> np.ndarray:
    distance = (hours - centre + 12) % 24 - 12
    return np.exp(-0.5 * (distance / width) ** 2)


def diurnal(bumps: tuple[tuple[float, float, float], ...]) -> np.ndarray:
    """1 + Σ a·bump(centre, width) over the 24 labels of a day, normalised to mean 1."""
    shape = np.ones(HOURS_PER_DAY)
    for amplitude, centre, width in bumps:
        shape += amplitude * circular_bump(LABEL_HOURS, centre, width)
    return shape / shape.mean()


# PM: morning and late-evening peaks under a shallow boundary layer, afternoon low.
PM_DIURNAL = diurnal(((0.12, 9, 2.0), (0.18, 22, 2.5), (-0.15, 15, 3.0)))
# NO2: rush hours at 08–09 and 19–21; photolysis pulls the afternoon down.
NO2_DIURNAL = diurnal(((0.45, 8.5, 1.5), (0.55, 20, 2.0), (-0.35, 14, 3.0)))
# SO2: stack plumes mix down around midday.
SO2_DIURNAL = diurnal(((0.25, 11, 3.0),))
# O3: photochemical peak with the 1-hour maximum at the 15:00 label.
O3_PEAK_SHAPE = circular_bump(LABEL_HOURS, 15, 3.2)
# Monday … Sunday: traffic and work days; NO2 (traffic) drops more than PM at weekends.
PM_WEEK = (1.02, 1.03, 1.03, 1.02, 1.01, 0.96, 0.93)
NO2_WEEK = (1.05, 1.06, 1.06, 1.05, 1.03, 0.90, 0.85)
# Typical daily O3 peak (μg/m³) by month: spring and autumn highs, wet-summer dip.
O3_MONTHLY_PEAK = (80, 90, 105, 120, 118, 95, 88, 100, 128, 132, 112, 88)


# ---------------------------------------------------------------------- designed days


def designed_pm25(year: int, n_days: int) -> np.ndarray:
    """Designed daily PM2.5 per region (region × day), NaN on background days."""
    levels = np.full((len(REGIONS), n_days), np.nan)
    for (month, day), values in EPISODES_BY_DATE.items():
        levels[:, day_index(year, month, day)] = values
    eve = eve_index(year)
    for offset, values in EPISODES_BY_FESTIVAL.items():
        levels[:, eve + offset] = values
    lingshan = REGION_NAMES.index("lingshan")
    for (month, day), value in LINGSHAN_DAYS.items():
        levels[lingshan, day_index(year, month, day)] = value
    return levels


def eve_index(year: int) -> int:
    """Day index of 除夕 in the year."""
    return (spring_festival_eve(year) - dt.date(year, 1, 1)).days


def outlier_days(year: int) -> list[int]:
    eve = eve_index(year)
    return [day_index(year, m, d) for m, d in OUTLIER_DATES] + [
        eve + offset for offset in OUTLIER_FESTIVAL_OFFSETS
    ]


def fireworks_weights(year: int, n_days: int) -> np.ndarray:
    """Share of the fireworks peak present in each hour (day × 24 labels).

    From the 19:00 label on 除夕 to the 06:00 label on 初一, peaking in the hours just
    after midnight (labels 00:00–02:00).
    """
    weights = np.zeros((n_days, HOURS_PER_DAY))
    eve = eve_index(year)
    night = (0.1, 0.2, 0.3, 0.45, 0.6, 0.85, 1.0, 0.9, 0.6, 0.35, 0.2, 0.1)
    first = eve * HOURS_PER_DAY + 18  # label 19:00 of the eve is position 18 of its day
    weights.reshape(-1)[first : first + len(night)] = night
    return weights


# ------------------------------------------------------------------- regional signals


@dataclass(frozen=True)
class RegionalDays:
    """Daily drivers per region (region × day)."""

    pm25: np.ndarray  # daily PM2.5 level before fireworks (μg/m³)
    stagnation: np.ndarray  # PM level / its seasonal norm: drives NO2 and CO too
    o3_peak: np.ndarray  # the day's 1-hour O3 peak (μg/m³)


def soft_cap(x: np.ndarray, knee: float, ceiling: float) -> np.ndarray:
    """Identity below the knee, then bends smoothly towards the ceiling."""
    room = ceiling - knee
    return np.where(x <= knee, x, knee + room * np.tanh((x - knee) / room))


def calibrate_scale(
    mean_of: Callable[[float], float], target: float, low: float = 0.0, high: float = 500.0
) -> float:
    """Bisection for the scale whose year mean hits the target (mean_of is increasing)."""
    for _ in range(60):
        mid = 0.5 * (low + high)
        if mean_of(mid) < target:
            low = mid
        else:
            high = mid
    return 0.5 * (low + high)


def calibrated_pm25(background: np.ndarray, designed: np.ndarray, target: float) -> np.ndarray:
    """Designed days as given, background days scaled so the year averages the target.

    Background days are soft-capped below a daily 75 (AQI 100): a unit's exceedance days
    are the designed ones, so its good-day ratio is what the table above says.
    """
    is_designed = ~np.isnan(designed)

    def levels(scale: float) -> np.ndarray:
        capped = soft_cap(scale * background, knee=48.0, ceiling=64.0)
        return np.where(is_designed, designed, capped)

    return levels(calibrate_scale(lambda scale: float(levels(scale).mean()), target))


def regional_days(year: int) -> RegionalDays:
    days = days_of(year)
    n_days = len(days)
    # A citywide weather signal shared by all regions, plus each region's own.
    city = ar1(rng_for("weather-city", year), (n_days,), phi=0.65)
    own = ar1(rng_for("weather-regions", year), (len(REGIONS), n_days), phi=0.65)
    weather = 0.85 * city + np.sqrt(1 - 0.85**2) * own
    norm = annual_cycle(n_days, 0.5) * weekday_factor(days, PM_WEEK)
    background = norm * lognormal_factor(weather, 0.28)
    designed = designed_pm25(year, n_days)
    fireworks_daily = fireworks_weights(year, n_days).sum(axis=1) / HOURS_PER_DAY

    pm25 = np.empty_like(background)
    for r, (name, region) in enumerate(REGIONS.items()):
        # The fireworks come on top of the daily level, so leave room for them.
        fireworks_mean = region.fireworks_peak * fireworks_daily.mean()
        pm25[r] = calibrated_pm25(background[r], designed[r],
                                  pm25_annual(year, name) - fireworks_mean)
    stagnation = pm25 / (norm * pm25.mean(axis=1, keepdims=True))

    o3_peak = _o3_peaks(year, n_days, city)
    return RegionalDays(pm25=pm25, stagnation=stagnation, o3_peak=o3_peak)


def _o3_peaks(year: int, n_days: int, city_weather: np.ndarray) -> np.ndarray:
    """Daily 1-hour O3 peak per region: monthly climate × sunny-still weather."""
    mid_month = np.array([day_index(year, m, 15) for m in range(1, 13)], dtype=float)
    d = np.arange(n_days)
    # Interpolate over mid-months with a wrap so December joins January smoothly.
    xp = np.concatenate([mid_month[-1:] - n_days, mid_month, mid_month[:1] + n_days])
    fp = np.array(O3_MONTHLY_PEAK[-1:] + O3_MONTHLY_PEAK + O3_MONTHLY_PEAK[:1], dtype=float)
    climate = np.interp(d, xp, fp)
    own = ar1(rng_for("o3-weather", year), (n_days,), phi=0.5)
    # Still, sunny days load both PM and O3; the rest is the day's own sunshine.
    z = 0.4 * city_weather + np.sqrt(1 - 0.4**2) * own
    # Ordinary days stay below an 8-hour maximum of 160 (AQI 100); O3 episodes are designed.
    city_peak = soft_cap(climate * lognormal_factor(z, 0.18), knee=140.0, ceiling=168.0)
    for (month, day), peak in O3_EPISODES.items():
        city_peak[day_index(year, month, day)] = peak
    scales = np.array([region.o3_scale for region in REGIONS.values()])
    return scales[:, None] * city_peak[None, :]


# ------------------------------------------------------------------- station hourly


def hourly_pm_shape(rng: np.random.Generator, n_days: int, sigma: float) -> np.ndarray:
    """Diurnal cycle × hourly noise of a region's air mass, rescaled to mean 1 each day.

    The daily level is set by the daily process; this only shapes the hours, so the
    designed days keep their daily means.
    """
    noise = lognormal_factor(ar1(rng, (n_days * HOURS_PER_DAY,), phi=0.8), sigma)
    shape = PM_DIURNAL * noise.reshape(n_days, HOURS_PER_DAY)
    return shape / shape.mean(axis=1, keepdims=True)


def station_hourly(year: int, drivers: RegionalDays) -> dict[str, np.ndarray]:
    """Float concentrations per pollutant, shaped station × day × 24 labels."""
    n_days = drivers.pm25.shape[1]
    days = days_of(year)
    fireworks = fireworks_weights(year, n_days)
    no2_week = weekday_factor(days, NO2_WEEK)
    n_st = len(STATIONS)
    out = {p: np.empty((n_st, n_days, HOURS_PER_DAY)) for p in POLLUTANTS}
    region_shape = {
        name: hourly_pm_shape(rng_for(f"hourly-{name}", year), n_days, 0.22) for name in REGION_NAMES
    }
    pm_ratio = _pm_ratio(year, n_days)

    for s, station in enumerate(STATIONS):
        r = REGION_NAMES.index(station.region)
        region = REGIONS[station.region]
        rng = rng_for(f"station-{station.code}", year)
        # Station noise: a little per day (siting) and per hour (the analyser). The hourly
        # part averages to 1 within the day so a station's daily mean stays within a few
        # percent of its neighbours' and the 3102A outlier days stand out.
        day_noise = lognormal_factor(rng.standard_normal(n_days), 0.02)[:, None]
        hour_noise = lognormal_factor(rng.standard_normal((n_days, HOURS_PER_DAY)), 0.12)
        hour_noise /= hour_noise.mean(axis=1, keepdims=True)
        level = drivers.pm25[r][:, None] * station.pm_scale * day_noise
        pm25 = level * region_shape[station.region] * hour_noise
        pm25 += region.fireworks_peak * station.pm_scale * fireworks
        out["pm2_5"][s] = pm25

        ratio = pm_ratio + 0.02 * rng.standard_normal((n_days, HOURS_PER_DAY))
        out["pm10"][s] = pm25 / np.clip(ratio, 0.52, 0.74)

        stagnant = drivers.stagnation[r][:, None]
        so2_season = annual_cycle(n_days, 0.2)[:, None]
        so2_noise = lognormal_factor(rng.standard_normal((n_days, HOURS_PER_DAY)), 0.25)
        out["so2"][s] = region.so2 * so2_season * stagnant**0.2 * SO2_DIURNAL * so2_noise

        no2_season = annual_cycle(n_days, 0.3)[:, None] * no2_week[:, None]
        no2_noise = lognormal_factor(rng.standard_normal((n_days, HOURS_PER_DAY)), 0.15)
        out["no2"][s] = region.no2 * no2_season * stagnant**0.4 * NO2_DIURNAL * no2_noise

        co_season = annual_cycle(n_days, 0.25)[:, None]
        co_noise = lognormal_factor(rng.standard_normal((n_days, HOURS_PER_DAY)), 0.10)
        co = region.co * co_season * stagnant**0.45 * PM_DIURNAL * co_noise
        out["co"][s] = co + 0.6 * fireworks

        o3_day = (
            drivers.o3_peak[r][:, None]
            * lognormal_factor(rng.standard_normal(n_days), 0.03)[:, None]
        )
        profile = region.o3_night + (1 - region.o3_night) * O3_PEAK_SHAPE
        o3_noise = lognormal_factor(rng.standard_normal((n_days, HOURS_PER_DAY)), 0.08)
        out["o3"][s] = o3_day * profile * o3_noise
    return out


def _pm_ratio(year: int, n_days: int) -> np.ndarray:
    """Daily PM2.5/PM10 ratio: ~0.67 in the dry winter, ~0.53 with summer sea salt."""
    noise = ar1(rng_for("pm-ratio", year), (n_days,), phi=0.6)
    ratio = 0.60 + 0.07 * (annual_cycle(n_days, 1.0) - 1.0) + 0.03 * noise
    return ratio[:, None]


# -------------------------------------------------------------------------- missing


def missing_masks(year: int, n_days: int) -> dict[str, np.ndarray]:
    """True where a value is missing, per pollutant (station × day × 24 labels)."""
    shape = (len(STATIONS), n_days, HOURS_PER_DAY)
    rng = rng_for("missing", year)
    row_lost = rng.random(shape) < SINGLE_ROW_MISSING
    masks = {p: row_lost | (rng.random(shape) < SINGLE_VALUE_MISSING) for p in POLLUTANTS}
    codes = [station.code for station in STATIONS]
    start_of_year = np.datetime64(f"{year}-01-01T01", "h")
    for outage in OUTAGES:
        s = codes.index(outage.station)
        first = int((np.datetime64(f"{year}-{outage.start}", "h") - start_of_year).astype(int))
        last = first + outage.hours - 1
        # Outage days carry no random gaps, so their valid-hour counts are exact.
        for p in POLLUTANTS:
            masks[p][s, first // HOURS_PER_DAY : last // HOURS_PER_DAY + 1] = False
        for p in outage.pollutants:
            masks[p][s].reshape(-1)[first : last + 1] = True
    return masks


def make_outlier(values: dict[str, np.ndarray], masks: dict[str, np.ndarray], year: int) -> None:
    """On the outlier days, set 3102A's daily PM2.5 to 1.07× the other two stations'."""
    codes = [station.code for station in STATIONS]
    target = codes.index(OUTLIER_STATION)
    others = [codes.index(c) for c in CENTRAL if c != OUTLIER_STATION]
    pm25, lost = values["pm2_5"], masks["pm2_5"]

    def daily_mean(s: int, d: int) -> float:
        return float(pm25[s, d][~lost[s, d]].mean())

    for d in outlier_days(year):
        wanted = OUTLIER_EXCESS * np.mean([daily_mean(s, d) for s in others])
        factor = wanted / daily_mean(target, d)
        pm25[target, d] *= factor
        values["pm10"][target, d] *= factor


# ------------------------------------------------------------------------- rounding


def round_half_up(x: np.ndarray, decimals: int = 0) -> np.ndarray:
    scale = 10.0**decimals
    return np.floor(x * scale + 0.5) / scale


def reported_values(values: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Round as the feed reports: integers in μg/m³, CO in mg/m³ with one decimal."""
    out = {p: round_half_up(values[p]).astype(np.int64) for p in POLLUTANTS if p != "co"}
    out["pm2_5"] = np.maximum(out["pm2_5"], 2)
    out["pm10"] = np.maximum(out["pm10"], out["pm2_5"] + 1)  # PM2.5 is part of PM10
    out["so2"] = np.maximum(out["so2"], 2)
    out["no2"] = np.maximum(out["no2"], 3)
    out["o3"] = np.maximum(out["o3"], 2)
    out["co"] = np.maximum(round_half_up(values["co"], 1), 0.2)
    return out


def as_text(reported: dict[str, np.ndarray], masks: dict[str, np.ndarray],
            year: int = BASE_YEAR) -> dict[str, np.ndarray]:
    """Cell text per pollutant; missing as "-;" and, for a few, an empty cell."""
    rng = rng_for("empty-cells", year)
    text = {}
    for p in POLLUTANTS:
        if p == "co":
            cells = np.char.mod("%.1f", reported[p])
        else:
            cells = reported[p].astype(str)
        empty = rng.random(cells.shape) < EMPTY_CELL_SHARE
        cells = np.where(masks[p], np.where(empty, "", MISSING), cells)
        text[p] = cells
    return text


# -------------------------------------------------------------------------- writing


def write_registry(raw_dir: Path) -> list[Path]:
    registry = raw_dir / "registry"
    registry.mkdir(parents=True, exist_ok=True)
    stations = registry / "stations.csv"
    lines = ["stationcode,positionname,area,level,longitude,latitude,feed_hour_label"]
    for st in STATIONS:
        lines.append(
            f"{st.code},{st.name},{AREA},{st.level},{st.longitude:.4f},{st.latitude:.4f},end"
        )
    _write_lines(stations, lines)
    units = registry / "unit_stations.csv"
    lines = ["unit_code,unit_name,stationcode"]
    for code, name, members in UNITS:
        lines.extend(f"{code},{name},{member}" for member in members)
    _write_lines(units, lines)
    return [stations, units]


def write_month_files(raw_dir: Path, year: int, text: dict[str, np.ndarray]) -> list[Path]:
    air = raw_dir / "air"
    air.mkdir(parents=True, exist_ok=True)
    timepoints = np.datetime_as_string(hour_labels(year).astype("datetime64[s]"), unit="s")
    timepoints = timepoints.reshape(-1, HOURS_PER_DAY)
    day_month = days_of(year).astype("datetime64[M]").astype(int) % 12 + 1
    paths = []
    for month in range(1, 13):
        in_month = np.flatnonzero(day_month == month)
        lines = [",".join(FEED_COLUMNS)]
        for d in in_month:
            for h in range(HOURS_PER_DAY):
                for s, st in enumerate(STATIONS):
                    cells = ",".join(text[p][s, d, h] for p in POLLUTANTS)
                    lines.append(f"{timepoints[d, h]},{st.code},{AREA},{st.name},{cells}")
        path = air / f"station_hourly_{year}-{month:02d}.csv"
        _write_lines(path, lines)
        paths.append(path)
    return paths


def _write_lines(path: Path, lines: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def write_air_sample(raw_dir: Path, year: int = BASE_YEAR) -> list[Path]:
    """Write the station registry and the year's monthly hourly files; return the paths."""
    raw_dir = Path(raw_dir)
    drivers = regional_days(year)
    values = station_hourly(year, drivers)
    masks = missing_masks(year, drivers.pm25.shape[1])
    make_outlier(values, masks, year)
    text = as_text(reported_values(values), masks, year)
    return write_registry(raw_dir) + write_month_files(raw_dir, year, text)


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    raw_dir = Path(args[0]) if args else Path("data/raw")
    started = time.perf_counter()
    paths = [path for year in YEARS for path in write_air_sample(raw_dir, year)]
    print(f"wrote {len(paths)} files under {raw_dir} in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
