"""Benchmark: the whole pipeline (`ecoscore run --year 2024`) on the bundled sample, in a private
data folder. Prints input rows, wall seconds per Dagster step, and peak memory.

    .venv/bin/python bench/pipeline_sample.py
"""

from __future__ import annotations

import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.cli import run_pipeline  # noqa: E402
from pipelines.lib.settings import Settings  # noqa: E402


def peak_mb() -> tuple[float, float]:
    """Peak resident memory (MB) of this process and of its largest child (dbt)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def step_seconds(result) -> dict[str, float]:
    starts: dict[str, float] = {}
    spent: dict[str, float] = {}
    for event in result.all_events:
        if event.step_key is None:
            continue
        if event.event_type_value == "STEP_START":
            starts[event.step_key] = event.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE"):
            spent[event.step_key] = event.timestamp - starts.get(event.step_key, event.timestamp)
    return spent


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp) / "data")
        shutil.copytree(ROOT / "data" / "raw", settings.raw_dir)
        rows = sum(sum(1 for _ in open(p, encoding="utf-8")) - 1
                   for p in (settings.raw_dir / "air").glob("*.csv"))
        start = time.perf_counter()
        result = run_pipeline(settings, 2024, ephemeral=True)
        wall = time.perf_counter() - start
        own, children = peak_mb()
        print(f"input: {rows:,} hourly station rows")
        print(f"pipeline: {'ok' if result.success else 'FAILED'} in {wall:.1f} s wall")
        for step, seconds in sorted(step_seconds(result).items(), key=lambda kv: -kv[1]):
            print(f"  {step:<40} {seconds:6.1f} s")
        print(f"peak memory: {own:.0f} MB (this process), {children:.0f} MB (largest child: dbt)")
        return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main())
