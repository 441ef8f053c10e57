"""Benchmark: the whole pipeline (`ecoscore run --year 2024`) on the bundled sample, in a private
data folder, then two nights as the schedule runs them (the month's partition, 2024-12), each
bringing one more day of hourly air data: the full run sees December up to the 29th, the first
night adds the 30th (and rebuilds the dbt step before the air path: the ledger files' change
flags go from new to unchanged), the second adds the 31st with nothing else new (that step is
reused, pipelines/dbt/reuse.py; the dashboard draws only the figures that changed). Prints input
rows, wall seconds per Dagster step, peak memory and the load average.

    .venv/bin/python bench/pipeline_sample.py [--no-nightly]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import dagster as dg  # noqa: E402

from pipelines.cli import run_pipeline  # noqa: E402
from pipelines.lib.settings import Settings  # noqa: E402


def peak_mb() -> tuple[float, float]:
    """Peak resident memory (MB) of this process and of its largest child (dbt)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def step_seconds(instance, result) -> dict[str, float]:
    """Wall seconds of each Dagster step of the run (from the instance's step statistics)."""
    return {stat.step_key: (stat.end_time or stat.start_time or 0) - (stat.start_time or 0)
            for stat in instance.get_run_step_stats(result.run_id)}


def report(label: str, instance, result, wall: float) -> None:
    print(f"{label}: {'ok' if result.success else 'FAILED'} in {wall:.1f} s wall "
          f"(load average {load_avg()})")
    for step, seconds in sorted(step_seconds(instance, result).items(), key=lambda kv: -kv[1]):
        print(f"  {step:<40} {seconds:6.1f} s")


def until(path: Path, feed: list[str], last_hour: str) -> int:
    """Write the feed's header and its rows up to `last_hour` (ISO, as the feed's timepoint is
    written: a day's hours end at the next day's 00:00); returns the rows written."""
    rows = [line for line in feed[1:] if line[:19] <= last_hour]
    path.write_text(feed[0] + "".join(rows), encoding="utf-8")
    return len(rows)


def load_avg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-nightly", action="store_true", help="the full run only")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        shutil.copytree(ROOT / "data" / "raw", settings.raw_dir)
        rows = sum(sum(1 for _ in open(p, encoding="utf-8")) - 1
                   for p in (settings.raw_dir / "air").glob("*.csv"))
        print(f"input: {rows:,} hourly station rows")
        december = settings.raw_dir / "air" / "station_hourly_2024-12.csv"
        feed = december.read_text(encoding="utf-8").splitlines(keepends=True)
        instance = dg.DagsterInstance.ephemeral()
        start = time.perf_counter()
        arrived = until(december, feed, "2024-12-30T00:00:00")  # hours of 12-01 … 12-29
        result = run_pipeline(settings, 2024, instance=instance)
        report(f"full run (every month; December's feed to 12-29, {arrived:,} rows)",
               instance, result, time.perf_counter() - start)
        nights = (("2024-12-31T00:00:00", "first night after the full run: 12-30 arrives"),
                  ("9999", "steady state: 12-31 arrives, nothing else new"))
        for last_hour, label in nights if not args.no_nightly else ():
            if not result.success:
                break
            arrived = until(december, feed, last_hour)
            start = time.perf_counter()
            result = run_pipeline(settings, 2024, instance=instance, months=("2024-12", "2024-12"))
            report(f"nightly run (month 2024-12; {label}; {arrived:,} rows)", instance, result,
                   time.perf_counter() - start)
        own, children = peak_mb()
        print(f"peak memory: {own:.0f} MB (this process, dbt included), "
              f"{children:.0f} MB (largest child process)")
        return 0 if result.success else 1

if __name__ == "__main__":
    sys.exit(main())
