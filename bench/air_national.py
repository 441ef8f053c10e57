"""Benchmark: a national-scale year of hourly air data (1,700 stations × 8,784 hours of 2024,
national feed layout, `-;` for missing) through the same ingest and dbt air models as the
pipeline, from raw files to annual statistics, against a hand-written DuckDB query over the
same files measured in the same run (before and after). Prints both timings, their ratio, rows
and peak memory.

    .venv/bin/python bench/air_national.py [--stations 1700]

Everything is written under a temp folder (its own data folder; dbt's target folder target-bench-air).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import polars as pl  # noqa: E402

from pipelines.air import ingest  # noqa: E402
from pipelines.lib import dbt_launcher  # noqa: E402
from pipelines.lib.settings import DBT_PROJECT_DIR, Settings  # noqa: E402
from pipelines.lib.warehouse import connect, replace_table  # noqa: E402

STATIONS_PER_CITY = 5


def generate(raw: Path, n_stations: int, years: tuple[int, ...] = (2024,)) -> None:
    """Feed files per month, a station registry and one unit (city) per 5 stations."""
    (raw / "air").mkdir(parents=True)
    (raw / "registry").mkdir(parents=True)
    con = duckdb.connect()
    for year in years:
        con.execute(f"""
            create or replace table hours as
            select s.i as station, h.t as timepoint
            from range({n_stations}) s(i),
                 (select unnest(generate_series(timestamp '{year}-01-01 01:00',
                                                timestamp '{year + 1}-01-01 00:00',
                                                interval 1 hour)) as t) h
        """)
        for month in range(1, 13):
            con.execute(f"""
                copy (
                    select
                        strftime(timepoint, '%Y-%m-%dT%H:%M:%S') as timepoint,
                        printf('%04dA', station) as stationcode,
                        'city' || (station // {STATIONS_PER_CITY}) as area,
                        'station ' || station as positionname,
                        case when hash(station, timepoint, 1) % 50 = 0 then '-;'
                             else (10 + hash(station, timepoint, 2) % 90)::varchar end as pm2_5,
                        (20 + hash(station, timepoint, 3) % 150)::varchar as pm10,
                        (2 + hash(station, timepoint, 4) % 30)::varchar as so2,
                        (5 + hash(station, timepoint, 5) % 60)::varchar as no2,
                        round(0.2 + (hash(station, timepoint, 6) % 20) / 10.0, 1)::varchar as co,
                        case when hash(station, timepoint, 7) % 40 = 0 then '-;'
                             else (10 + hash(station, timepoint, 8) % 200)::varchar end as o3
                    from hours
                    where month(timepoint - interval 1 hour) = {month}
                ) to '{raw}/air/station_hourly_{year}-{month:02d}.csv' (header)
            """)
        con.execute("drop table hours")
    con.execute(f"""copy (select printf('%04dA', i) as stationcode, 'station ' || i as positionname,
        'city' || (i // {STATIONS_PER_CITY}) as area, '国控' as level, 100.0 as longitude, 30.0 as latitude,
        'end' as feed_hour_label from range({n_stations}) t(i)) to '{raw}/registry/stations.csv' (header)""")
    con.execute(f"""copy (select 'city' || (i // {STATIONS_PER_CITY}) as unit_code,
        'city' || (i // {STATIONS_PER_CITY}) as unit_name, printf('%04dA', i) as stationcode
        from range({n_stations}) t(i)) to '{raw}/registry/unit_stations.csv' (header)""")
    con.close()


def load_raw(settings: Settings) -> int:
    """The pipeline's own ingest functions (polars, strings, file and row kept, a Parquet file
    per month)."""
    stations = ingest.read_registry(settings.raw_dir, "stations.csv", ingest.STATION_COLUMNS)
    units = ingest.read_registry(settings.raw_dir, "unit_stations.csv", ingest.UNIT_STATION_COLUMNS)
    with connect(settings) as con:
        rows = ingest.store_months(con, settings.raw_dir, settings.air_hourly_store, None).rows
        replace_table(con, "raw", "air_stations", stations)
        replace_table(con, "raw", "air_unit_stations", units)
        # no districts besides the units: the wrong-unit check's neighbours are the unit's stations
        replace_table(con, "raw", "air_station_districts", pl.DataFrame(
            schema={c: pl.String for c in ingest.STATION_DISTRICT_COLUMNS}))
    return rows


HAND_WRITTEN = """
with hourly as (
    select
        upper(trim(stationcode)) as station,
        try_cast(timepoint as timestamp) - interval 1 hour as period_start,
        {values}
    from read_csv('{raw}/air/*.csv', all_varchar = true, header = true)
),
o3_8h as (
    select station, period_start::date as day, hour(period_start) as h,
        case when count(o3) over w >= 6 then avg(o3) over w end as o3_8h
    from hourly
    window w as (partition by station order by period_start
                 range between interval 7 hours preceding and current row)
),
o3_daily as (
    select station, day, case when count(o3_8h) >= 14 then max(o3_8h) end as o3_8h_max
    from o3_8h where h >= 7 group by all
),
station_daily as (
    select station, period_start::date as day, {daily}
    from hourly group by all
),
unit_daily as (
    select u.unit_code, d.day, {unit}
    from station_daily as d
    join read_csv('{raw}/registry/unit_stations.csv', all_varchar = true) as u
        on u.stationcode = d.station
    left join o3_daily as o using (station, day)
    group by all
),
long as (
    unpivot unit_daily on {pollutants} into name pollutant value conc
),
iaqi as (
    select l.unit_code, l.day, l.pollutant,
        b.iaqi_lo + ((b.iaqi_hi - b.iaqi_lo) * (round(l.conc * 1000)::bigint - b.bp_lo * 1000)
                     + (b.bp_hi - b.bp_lo) * 1000 - 1) // ((b.bp_hi - b.bp_lo) * 1000) as iaqi
    from long as l
    join read_csv('{seeds}/std_aqi_breakpoints.csv') as b
        on b.standard_code = 'HJ633-2012' and b.pollutant = l.pollutant
        and (l.conc > b.bp_lo or (l.conc = 0 and b.bp_lo = 0)) and l.conc <= b.bp_hi
),
daily_aqi as (
    select unit_code, day, max(iaqi) as aqi, count(*) as n from iaqi group by all
)
select u.unit_code,
    count(*) filter (where a.n = 7) as valid_days,
    count(*) filter (where a.n = 7 and a.aqi <= 100) as good_days,
    {annual}
from unit_daily as u join daily_aqi as a using (unit_code, day)
group by all
"""
POLLUTANTS = ["pm2_5", "pm10", "so2", "no2", "co"]


def hand_written_sql(raw: Path) -> str:
    """Raw CSV → station daily (20-hour rule, O3 8-hour windows) → unit daily (rounded half to
    even) → IAQI/AQI → annual means and good days, in one DuckDB statement: the yardstick."""
    maxima = {"pm2_5": 3000, "pm10": 10000, "so2": 5000, "no2": 3000, "co": 150, "o3": 2000}
    values = ", ".join(f"case when try_cast(trim({c}) as decimal(18, 3)) between 0 and {m} "
                       f"then try_cast(trim({c}) as decimal(18, 3)) end as {c}"
                       for c, m in maxima.items())
    daily = ", ".join(f"case when count({c}) >= 20 then avg({c}) end as {c}_24h"
                      for c in POLLUTANTS) + ", case when count(o3) >= 20 then max(o3) end as o3_1h"
    unit = ", ".join(f"round_even(avg(d.{c}_24h)::decimal(18, 6), {1 if c == 'co' else 0}) as {c}_24h"
                     for c in POLLUTANTS) + (", round_even(avg(d.o3_1h)::decimal(18, 6), 0) as o3_1h"
                                             ", round_even(avg(o.o3_8h_max)::decimal(18, 6), 0) as o3_8h")
    pollutants = ", ".join([f"{c}_24h" for c in POLLUTANTS] + ["o3_1h", "o3_8h"])
    annual = ", ".join(f"avg(u.{c}_24h) as {c}_annual" for c in POLLUTANTS)
    seeds = DBT_PROJECT_DIR / "seeds" / "standards"
    return HAND_WRITTEN.format(values=values, daily=daily, unit=unit, pollutants=pollutants,
                               annual=annual, raw=raw, seeds=seeds)


def hand_written(raw: Path) -> tuple[float, int]:
    """Seconds and unit-years of the hand-written query (in-memory DuckDB, default threads)."""
    start = time.perf_counter()
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")  # a child's bar would fill the bench's output
    rows = len(con.execute(hand_written_sql(raw)).fetchall())
    con.close()
    return time.perf_counter() - start, rows


def hand_written_apart(raw: Path) -> tuple[float, int]:
    """The yardstick in a process of its own (timed inside it): this process's peak memory is
    then the pipeline's alone (ingest and in-process dbt), the yardstick's is its child's."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(hand_written, raw).result()


DBT_VARS = {"year": 2024}
DBT_TARGET = "target-bench-air"


def dbt_air(settings: Settings) -> dbt_launcher.DbtRun:
    """Seeds and models from raw to fct_air_unit_annual in one in-process dbt invocation."""
    return dbt_launcher.invoke(["build", "--select", "+fct_air_unit_annual", "--exclude",
                            "resource_type:test", "resource_type:unit_test", "--full-refresh"],
                           warehouse=settings.warehouse_path, target_path=DBT_TARGET, vars=DBT_VARS)


def load_avg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=1700)
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the generated feed in")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecoscore-air-bench-") as tmp:
        settings = Settings(data_dir=(args.keep or Path(tmp)) / "data")
        t0 = time.perf_counter()
        if not (settings.raw_dir / "air").exists():
            generate(settings.raw_dir, args.stations)
        generated = time.perf_counter() - t0
        parse = dbt_launcher.parse(warehouse=settings.warehouse_path, target_path=DBT_TARGET,
                               vars=DBT_VARS)
        print(f"load average before: {load_avg()} (1, 5, 15 min; {os.cpu_count()} cores)")
        baseline, baseline_rows = hand_written_apart(settings.raw_dir)
        t1 = time.perf_counter()
        rows = load_raw(settings)
        t2 = time.perf_counter()
        run = dbt_air(settings)
        t3 = time.perf_counter()
        again, _ = hand_written_apart(settings.raw_dir)
        with connect(settings, read_only=True) as con:
            daily = con.execute("select count(*) from marts.fct_air_unit_daily").fetchone()[0]
            station_daily = con.execute(
                "select count(*) from intermediate.int_air__station_daily").fetchone()[0]
            annual = con.execute("select count(*) from marts.fct_air_unit_annual").fetchone()[0]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    yardstick_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    models = sum(r.seconds for r in run.results)
    slowest = sorted(run.results, key=lambda r: -r.seconds)[:4]
    pipeline = t3 - t1
    yardstick = (baseline + again) / 2
    print(f"stations {args.stations}, hourly rows {rows:,}, station-days {station_daily:,}, "
          f"unit-days {daily:,}, unit-years {annual} (hand-written: {baseline_rows})")
    print(f"generate {generated:.1f} s | ingest (raw → Parquet) {t2 - t1:.1f} s | dbt seeds + air "
          f"models raw → annual {t3 - t2:.1f} s (in the models {models:.1f} s)")
    print(f"dbt parse before the run (once per process and project version, not per run): "
          f"{parse:.1f} s")
    print("slowest models: " + ", ".join(f"{r.name} {r.seconds:.1f} s" for r in slowest))
    print(f"hand-written query raw → annual: {baseline:.1f} s before, {again:.1f} s after")
    print(f"pipeline raw → annual {pipeline:.1f} s vs hand-written {yardstick:.1f} s: "
          f"ratio {pipeline / yardstick:.2f}× (target ≤ 2×)")
    print(f"peak memory: pipeline {own:,.0f} MB (this process: ingest, dbt, DuckDB; target "
          f"≤ 2 GB at 1×), hand-written query {yardstick_peak:,.0f} MB (its own process); "
          f"load average after: {load_avg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
