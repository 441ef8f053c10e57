"""Issue 33 on real national data (folder cnemc_national, its README, found as below): CNEMC's own
station files of 2023-01-21..23 and city files of January and December 2023, through the real
pipeline (the 钦州 sample plus the national folder), against the official city values and the
Ministry's monthly figures. Targets: city hourly AQI ≥ 99.9 % exact; city daily concentrations
≥ 99 % exact for each pollutant; a month's 339-city averages equal to the published figures at
their precision. Match rates are printed, the tuned day/month and the held-out ones apart.

The real files are not in the repository: the steering repository places them under
shared/data/real/cnemc_national (public repositories' snapshots are never committed by
developers). The first folder holding them wins: $ECOSCORE_REAL_NATIONAL, tests/data/real/
cnemc_national (a local copy, ignored by git), ../shared and ../../shared/data/real/cnemc_national
beside the checkout (/work/main, a worktree under /work/wt); with none, these tests skip, naming
the folders they looked in."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.air import national
from pipelines.lib.files import InputFileError
from pipelines.lib.settings import PROJECT_ROOT, Settings
from tests.conftest import REAL_DATA, SAMPLE_RAW, run_once

OVERRIDE = os.environ.get("ECOSCORE_REAL_NATIONAL")
CANDIDATES = [Path(OVERRIDE)] if OVERRIDE else []
CANDIDATES += [REAL_DATA / "cnemc_national",
               PROJECT_ROOT.parent / "shared" / "data" / "real" / "cnemc_national",
               PROJECT_ROOT.parents[1] / "shared" / "data" / "real" / "cnemc_national"]
REAL = next((p for p in CANDIDATES if (p / "README.md").exists()), None)
pytestmark = pytest.mark.skipif(
    REAL is None,
    reason="real national files (cnemc_national) not placed: looked in " + ", ".join(map(str, CANDIDATES)))
DEMO_REGISTRY = PROJECT_ROOT / "data" / "samples" / "cnemc_2023_01" / "raw" / "registry"
TUNED, HELD_OUT = "2023-01-21", "2023-01-22"


def test_the_files_found_are_the_ones_their_readme_lists_unchanged():
    """Wherever the real folder was found (the shared copy included, which
    tests/test_real_data_files.py does not walk), every file is listed in its README with its
    SHA-256 and unchanged, and the README lists no file that is missing."""
    listed = dict((name, digest) for digest, name in
                  re.findall(r"^([0-9a-f]{64})  (\S+)$", (REAL / "README.md").read_text("utf-8"), re.M))
    present = sorted(str(p.relative_to(REAL)) for p in REAL.rglob("*")
                     if p.is_file() and p.name != "README.md")
    assert sorted(listed) == present
    for name, digest in listed.items():
        assert hashlib.sha256((REAL / name).read_bytes()).hexdigest() == digest, name


def test_the_truncated_station_day_is_refused_naming_its_last_line():
    """The source's 2023-01-20 station file stops in its last line (hour 23, CO_24h: 1,738 of
    2,029 fields, no newline): a whole-file fault, refused with file and line."""
    path = REAL / "stations_2023-01-20_23" / "china_sites_20230120.csv.gz"
    cut = r"第 361 行不完整，文件被截断（末行没有换行，只有 1738 个字段，表头有 2029 个）"
    with pytest.raises(InputFileError, match=cut):
        national.sites_as_feed(path, path.name)


@pytest.fixture(scope="module")
def national_run(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """One pipeline run of 2023: the sample and the national folder (station days 2023-01-21..23
    — 2023-01-20 is cut off —, city files of January and December, the station list), with the
    339-city list and the Ministry's figures of the demo sample's registry."""
    root = tmp_path_factory.mktemp("national") / "data"
    shutil.copytree(SAMPLE_RAW, root / "raw")
    folder = root / "raw" / "air" / "national"
    folder.mkdir(parents=True)
    for path in sorted(REAL.rglob("*.csv*")):
        if path.name != "china_sites_20230120.csv.gz":
            shutil.copy2(path, folder / path.name)
    for name in ("national_cities.csv", "national_published.csv"):
        shutil.copy2(DEMO_REGISTRY / name, root / "raw" / "registry" / name)
    return run_once(Settings(data_dir=root), 2023)


@pytest.fixture(scope="module")
def warehouse(national_run: Settings) -> duckdb.DuckDBPyConnection:
    """The run's published release (its marts)."""
    con = duckdb.connect(str(national_run.year_release(2023) / "ecoscore.duckdb"), read_only=True)
    yield con
    con.close()


@pytest.fixture(scope="module")
def writer(national_run: Settings) -> duckdb.DuckDBPyConnection:
    """The run's writer warehouse: every model, staging included (the release holds marts only)."""
    con = duckdb.connect(str(national_run.warehouse_path), read_only=True)
    yield con
    con.close()


def rates(con, grain: str, day: str) -> dict[str, tuple[int, int]]:
    rows = con.execute("""select published_type, count(*), count(*) filter (where is_match)
        from marts.fct_air_unit_official_check where grain = ? and obs_date = ?::date
        group by all""", [grain, day]).fetchall()
    return {t: (n, ok) for t, n, ok in rows}


def share(pair: tuple[int, int]) -> float:
    return pair[1] / pair[0]


def show(kind: str, day: str, found: dict[str, tuple[int, int]]) -> None:
    role = "tuned" if day == TUNED else "held out"
    print(f"{kind} {day} ({role}):",
          {t: f"{p[1]}/{p[0]} {100 * share(p):.2f} %" for t, p in sorted(found.items())})


@pytest.mark.slow
@pytest.mark.parametrize("day", [TUNED, HELD_OUT])
def test_city_hourly_aqi_and_concentrations_match_the_official_city_files(warehouse, day):
    """Seed std_air_unit_conventions cnemc_published (hourly_mean_rounding half_up,
    iaqi_rounding half_up, co_unit_mean binary64_station_order; 对照点 not counted): city hourly
    AQI ≥ 99.9 %, the five whole-number concentrations 100 %; CO (to 0.01) ≥ 99 % — measured
    100 % on the tuned day and on the held-out one (the exact mean rounded half up: ~95 %, every
    miss an exact .xx5 tie that CNEMC's binary64 mean put on the other side)."""
    found = rates(warehouse, "hour", day)
    show("hourly", day, found)
    assert found["AQI"][0] > 7000
    assert share(found["AQI"]) >= 0.999
    for pollutant in ("PM2.5", "PM10", "SO2", "NO2", "O3"):
        assert share(found[pollutant]) == 1.0, pollutant
    assert share(found["CO"]) >= 0.99


@pytest.mark.slow
@pytest.mark.parametrize("day", [TUNED, HELD_OUT])
def test_city_daily_values_match_the_real_time_release(warehouse, day):
    """cnemc_published (station_daily_basis published_24h, daily_mean_rounding half_up,
    co_unit_mean binary64_station_order): the city's 24-hour values at the next day's 00:00 —
    ≥ 99 % for each: PM2.5, PM10, SO2, NO2, O3 1 h max, O3 8 h max and CO_24h (0.01; the
    binary64 mean of the stations' published CO_24h in station-code order; a station that left
    CO_24h blank that day does not count). Measured: every type 338/338 on both days."""
    found = rates(warehouse, "day", day)
    show("daily", day, found)
    for published in ("PM2.5_24h", "PM10_24h", "SO2_24h", "NO2_24h", "O3_24h", "O3_8h_24h",
                      "CO_24h"):
        assert found[published][0] > 300
        assert share(found[published]) >= 0.99, published


@pytest.mark.slow
@pytest.mark.parametrize("day", [TUNED, HELD_OUT])
def test_the_exact_co_mean_would_miss_the_ties_the_binary64_mean_reproduces(writer, day):
    """Seed std_air_unit_conventions, rules co_unit_mean (cnemc_published: binary64 in station
    code order; standard: exact): on the same city-days, the stations' published CO_24h averaged
    exactly and rounded half up misses the published value on every exact .xx5 tie CNEMC's
    binary64 mean put below it (淮北 2023-01-21 0.475 → published 0.47): ≤ 97 %, where the
    convention reaches ≥ 99 % (test above)."""
    total, exact = writer.execute("""
        with stations as (
            select u.unit_code, p.obs_date, p.co_24h
            from staging.stg_air__station_published_daily as p
            inner join staging.stg_air__unit_stations as u using (station_code)
            where u.membership_source = 'national_station_list' and u.is_counted
                and p.obs_date = ?::date and p.co_24h is not null
        ),
        means as (
            select unit_code, obs_date, round(avg(co_24h::decimal(18, 3))::decimal(18, 6), 2) as co
            from stations group by all
        )
        select count(*), count(*) filter (where m.co = o.official_value)
        from means as m
        inner join staging.stg_air__unit_official as o
            on o.unit_code = m.unit_code and o.obs_date = m.obs_date and o.published_type = 'CO_24h'
            and hour(o.timepoint) = 0
    """, [day]).fetchone()
    print(f"CO_24h {day}, exact mean half up: {exact}/{total} {100 * exact / total:.2f} %")
    assert total > 300
    assert exact / total <= 0.97


@pytest.mark.slow
def test_background_stations_or_half_even_rounding_would_not_reproduce_the_city_hours(writer):
    """Counting 对照点 (the station list's flag Y) drops the city hourly PM2.5 match far below
    100 %; so does rounding the plain mean half to even (GB/T 8170) instead of half up."""
    counts = writer.execute("""
        with hours as (
            select u.unit_code, h.timepoint, u.is_counted, h.pm2_5
            from staging.stg_air__station_hourly as h
            inner join staging.stg_air__unit_stations as u using (station_code)
            where u.membership_source = 'national_station_list' and h.pm2_5 is not null
        ),
        means as (
            select unit_code, timepoint,
                avg(pm2_5) filter (where is_counted)::decimal(18, 6) as counted,
                avg(pm2_5)::decimal(18, 6) as with_background
            from hours group by all
        )
        select count(*),
            count(*) filter (where round(m.with_background, 0) = o.official_value),
            count(*) filter (where round_even(m.counted, 0) = o.official_value)
        from means as m
        inner join staging.stg_air__unit_official as o
            on o.unit_code = m.unit_code and o.timepoint = m.timepoint and o.published_type = 'PM2.5'
        where m.counted is not null
    """).fetchone()
    total, with_background, half_even = counts
    print(f"with 对照点: {with_background}/{total}; half even: {half_even}/{total}")
    assert total > 20000
    assert with_background / total < 0.9
    assert half_even / total < 0.95


def national_figures(con, month: str) -> dict[str, tuple]:
    rows = con.execute("""select measure, computed_value, published_value, is_equal, n_cities
        from marts.fct_air_national_monthly where month = ?""", [month]).fetchall()
    return {m: (c, p, e, n) for m, c, p, e, n in rows}


@pytest.mark.slow
def test_january_national_figures_equal_the_published_ones_but_dust_affected_pm(warehouse):
    """The tuned month (2023-01): 338 of the 339 cities have a valid month (三沙 publishes
    nothing); 优良天数比例 74.3 %, 重度及以上 5.4 %, O3 90, SO2 11, NO2 27 μg/m³, CO 1.3 mg/m³ equal
    the Ministry's figures; PM2.5 and PM10 come out higher (56 vs 55, 94 vs 87) because the
    Ministry leaves out the sand-and-dust days (环办监测〔2016〕120号), which the real-time files
    do not mark."""
    found = national_figures(warehouse, "2023-01")
    print("2023-01", found)
    assert {m for m, (_, _, equal, _) in found.items() if equal} == {
        "good_day_ratio", "heavy_pollution_ratio", "o3_8h_p90", "so2", "no2", "co_p95"}
    assert found["pm2_5"][0] > found["pm2_5"][1] and found["pm10"][0] > found["pm10"][1]
    assert found["so2"][3] == 338


@pytest.mark.slow
def test_december_held_out_national_figures(warehouse):
    """The held-out month (2023-12), never used to tune: O3, SO2, NO2, CO and the
    heavy-pollution ratio equal the published figures; PM2.5 and PM10 again higher (dust);
    the good-day ratio within 0.1 percentage point."""
    found = national_figures(warehouse, "2023-12")
    print("2023-12", found)
    for measure in ("o3_8h_p90", "so2", "no2", "co_p95", "heavy_pollution_ratio"):
        assert found[measure][2], measure
    assert abs(found["good_day_ratio"][0] - found["good_day_ratio"][1]) <= 0.1
    assert found["pm2_5"][0] >= found["pm2_5"][1] and found["pm10"][0] > found["pm10"][1]
