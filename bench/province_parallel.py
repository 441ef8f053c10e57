"""Benchmark: the bundled sample's two shards (data/shards.yaml) one after another, then side by
side, each in a fresh private copy (air feed cut to `--months` months to keep it short). Prints
the wall seconds of the shards' runs and the speed-up.

    .venv/bin/python bench/province_parallel.py [--months 1]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def sample_copy(root: Path, months: int) -> Path:
    keep = {f"station_hourly_2024-{m:02d}.csv" for m in range(1, months + 1)}
    data = root / "data"
    shutil.copytree(ROOT / "data" / "raw", data / "raw", ignore=lambda _, names: [
        n for n in names if n.startswith("station_hourly_") and n not in keep])
    shutil.copytree(ROOT / "data" / "shards", data / "shards", symlinks=True)
    shutil.copy(ROOT / "data" / "shards.yaml", data / "shards.yaml")
    return data / "shards.yaml"


def province_run(months: int, parallel: int) -> float:
    """Wall seconds of the shards' runs (as `ecoscore province run` reports them)."""
    with tempfile.TemporaryDirectory(prefix="ecoscore-bench-") as tmp:
        registry = sample_copy(Path(tmp), months)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ECOSCORE_")}
        env |= {"ECOSCORE_SHARDS": str(registry), "DAGSTER_HOME": str(ROOT),
                "ECOSCORE_DAGSTER_STORAGE": str(Path(tmp) / "dagster")}
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "pipelines.cli", "province", "run",
                               "--year", "2024", "--parallel", str(parallel)],
                              env=env, capture_output=True, text=True, cwd=ROOT)
        total = time.monotonic() - started
        if done.returncode != 0:
            raise SystemExit(done.stdout[-2000:] + done.stderr[-2000:])
        found = re.search(r"分片运行共 ([0-9.]+) s", done.stdout)
        print(done.stdout.split("\n全省名次")[0])
        print(f"parallel={parallel}: whole command {total:.1f} s")
        return float(found.group(1)) if found else total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--months", type=int, default=1)
    args = parser.parse_args()
    one_by_one = province_run(args.months, parallel=1)
    side_by_side = province_run(args.months, parallel=2)
    print(f"\nshards one after another: {one_by_one:.1f} s; side by side: {side_by_side:.1f} s; "
          f"speed-up {one_by_one / side_by_side:.2f}x (nproc {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
