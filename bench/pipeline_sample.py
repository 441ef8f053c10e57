"""Benchmark: the whole pipeline (`ecoscore run --year 2024`) on the bundled sample, in a private
data folder, then two nights as the schedule runs them (the month's partition, 2024-12), each
bringing one more day of hourly air data: the full run sees December up to the 29th, the first
night adds the 30th (and rebuilds the dbt step before the air path: the ledger files' change
flags go from new to unchanged), the second adds the 31st with nothing else new (that step is
reused, pipelines/dbt/reuse.py; the dashboard draws only the figures that changed).

Each run is a fresh Python process with the Dagster instance on disk (the project's dagster.yaml,
its storage in the private folder), as the daemon's run worker is: the wall time counts the
imports, the code location's definitions and the instance's event log writes, not only the
steps. Prints input rows, the wall seconds of each run and the seconds inside its steps, its 12
slowest steps, the peak memory of the largest run process and the load average.

    .venv/bin/python bench/pipeline_sample.py [--no-nightly]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.lib.settings import Settings  # noqa: E402

YEAR = 2024
MONTH = "2024-12"


def peak_mb() -> float:
    """Peak resident memory (MB) of the largest process the runs started (a run process)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


def step_seconds(instance, run_id: str) -> dict[str, float]:
    """Wall seconds of each Dagster step of the run (from the instance's step statistics)."""
    return {stat.step_key: (stat.end_time or stat.start_time or 0) - (stat.start_time or 0)
            for stat in instance.get_run_step_stats(run_id)}


def report(label: str, instance, run_id: str, ok: bool, wall: float) -> None:
    steps = step_seconds(instance, run_id)
    print(f"{label}: {'ok' if ok else 'FAILED'} in {wall:.1f} s wall, {sum(steps.values()):.1f} s "
          f"in steps (load average {load_avg()})")
    for step, seconds in sorted(steps.items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {step:<40} {seconds:6.1f} s")


def until(path: Path, feed: list[str], last_hour: str) -> int:
    """Write the feed's header and its rows up to `last_hour` (ISO, as the feed's timepoint is
    written: a day's hours end at the next day's 00:00); returns the rows written."""
    rows = [line for line in feed[1:] if line[:19] <= last_hour]
    path.write_text(feed[0] + "".join(rows), encoding="utf-8")
    return len(rows)


def load_avg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def run_in_fresh_process(data_dir: Path, storage: Path, months: str) -> tuple[str, float]:
    """`run_one` in a new interpreter; returns (run id, wall seconds from its start to its exit)."""
    env = {**os.environ, "ECOSCORE_DAGSTER_STORAGE": str(storage), "DAGSTER_HOME": str(ROOT)}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--run-one", str(data_dir), months],
                          env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1) or not done.stdout.strip():
        sys.exit(f"run process failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout.split()[-1], wall


def run_one(data_dir: str, months: str) -> int:
    """The child: one pipeline run on the instance of DAGSTER_HOME; prints its run id."""
    from pipelines.run import run_pipeline

    span = None if months == "all" else (months, months)
    result = run_pipeline(Settings(data_dir=Path(data_dir)), YEAR, months=span)
    print(result.run_id)
    return 0 if result.success else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-nightly", action="store_true", help="the full run only")
    parser.add_argument("--run-one", nargs=2, metavar=("DATA_DIR", "MONTHS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_one:
        return run_one(*args.run_one)
    import dagster as dg

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        storage = Path(tmp) / "dagster"
        storage.mkdir()
        shutil.copytree(ROOT / "data" / "raw", settings.raw_dir)
        rows = sum(sum(1 for _ in open(p, encoding="utf-8")) - 1
                   for p in (settings.raw_dir / "air").glob("*.csv"))
        print(f"input: {rows:,} hourly station rows")
        december = settings.raw_dir / "air" / f"station_hourly_{MONTH}.csv"
        feed = december.read_text(encoding="utf-8").splitlines(keepends=True)
        runs = [("2024-12-30T00:00:00", "all", "full run (every month; December's feed to 12-29")]
        if not args.no_nightly:
            runs += [("2024-12-31T00:00:00", MONTH,
                      f"nightly run (month {MONTH}; first night after the full run: 12-30 arrives"),
                     ("9999", MONTH, f"nightly run (month {MONTH}; steady state: 12-31 arrives, "
                                     "nothing else new")]
        os.environ["ECOSCORE_DAGSTER_STORAGE"] = str(storage)
        ok = True
        for last_hour, months, label in runs:
            arrived = until(december, feed, last_hour)
            run_id, wall = run_in_fresh_process(settings.data_dir, storage, months)
            with dg.DagsterInstance.from_config(str(ROOT)) as instance:
                result = instance.get_run_by_id(run_id)
                ok = result is not None and result.is_success
                report(f"{label}, {arrived:,} rows; a fresh process)", instance, run_id, ok, wall)
            if not ok:
                break
        print(f"peak memory: {peak_mb():.0f} MB (the largest run process, dbt included)")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
