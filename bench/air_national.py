"""Benchmark: a national-scale year of hourly air data (1,700 stations × 8,784 hours of 2024,
national feed layout, `-;` for missing) through the same ingest and dbt air models as the
pipeline, from raw files to annual statistics. Prints rows, seconds and peak memory.

    .venv/bin/python bench/air_national.py [--stations 1700]

Everything is written under a temp folder (ECOSCORE_DATA_DIR, DBT_TARGET_PATH=target-bench-air).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import polars as pl  # noqa: E402

from pipelines.air import ingest  # noqa: E402
from pipelines.lib.settings import DBT_PROJECT_DIR, Settings  # noqa: E402
from pipelines.lib.warehouse import connect, replace_table  # noqa: E402

STATIONS_PER_CITY = 5


def generate(raw: Path, n_stations: int) -> None:
    """Feed files per month, a station registry and one unit (city) per 5 stations."""
    (raw / "air").mkdir(parents=True)
    (raw / "registry").mkdir(parents=True)
    con = duckdb.connect()
    con.execute(f"""
        create table hours as
        select s.i as station, h.t as timepoint
        from range({n_stations}) s(i),
             (select unnest(generate_series(timestamp '2024-01-01 01:00', timestamp '2025-01-01 00:00',
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
                    or (timepoint = timestamp '2025-01-01 00:00' and {month} = 12)
            ) to '{raw}/air/station_hourly_2024-{month:02d}.csv' (header)
        """)
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


def dbt(*args: str) -> None:
    command = [str(ROOT / ".venv" / "bin" / "dbt"), *args, "--project-dir", str(DBT_PROJECT_DIR),
               "--profiles-dir", str(DBT_PROJECT_DIR), "--quiet"]
    subprocess.run(command, check=True)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stations", type=int, default=1700)
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the generated feed in")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ecoscore-air-bench-") as tmp:
        settings = Settings(data_dir=(args.keep or Path(tmp)) / "data")
        os.environ["ECOSCORE_WAREHOUSE"] = str(settings.warehouse_path)
        os.environ["DBT_TARGET_PATH"] = "target-bench-air"
        t0 = time.perf_counter()
        if not (settings.raw_dir / "air").exists():
            generate(settings.raw_dir, args.stations)
        t1 = time.perf_counter()
        rows = load_raw(settings)
        t2 = time.perf_counter()
        # the same vars in both calls: dbt re-parses the whole project when they change
        dbt("seed", "--select", "std_aqi_breakpoints", "std_aqi_levels", "std_pollutants",
            "std_standards", "std_air_physical_bounds", "std_air_unit_checks", "--vars", "{year: 2024}")
        t3 = time.perf_counter()
        dbt("run", "--select", "+fct_air_unit_annual", "--exclude", "resource_type:seed",
            "--vars", "{year: 2024}", "--full-refresh")
        t4 = time.perf_counter()
        results = json.loads((DBT_PROJECT_DIR / "target-bench-air" / "run_results.json").read_text())
        slowest = sorted(results["results"], key=lambda r: -r["execution_time"])[:3]
        with connect(settings, read_only=True) as con:
            daily = con.execute("select count(*) from marts.fct_air_unit_daily").fetchone()[0]
            station_daily = con.execute(
                "select count(*) from intermediate.int_air__station_daily").fetchone()[0]
            annual = con.execute("select count(*) from marts.fct_air_unit_annual").fetchone()[0]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"stations {args.stations}, hourly rows {rows:,}, station-days {station_daily:,}, "
          f"unit-days {daily:,}, unit-years {annual}")
    print(f"generate {t1 - t0:.1f} s | ingest (polars → raw) {t2 - t1:.1f} s | seeds {t3 - t2:.1f} s | "
          f"dbt air models raw → annual {t4 - t3:.1f} s (of which dbt's own start "
          f"{t4 - t3 - results['elapsed_time']:.1f} s)")
    print("slowest models: " + ", ".join(
        f"{r['unique_id'].split('.')[-1]} {r['execution_time']:.1f} s" for r in slowest))
    print(f"peak memory: bench process (ingest) {own:,.0f} MB, largest child (dbt) {child:,.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
