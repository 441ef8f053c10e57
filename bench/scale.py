"""Benchmark: how the air path's cost grows (issue 21 target 3). 1×, 2× and 4× the stations
(base: the national 1,700) and 1 and 3 years of hourly feed, each case from raw files to annual
statistics through the pipeline's own ingest and dbt models (in-process dbt, one invocation),
beside the hand-written DuckDB query over the same files. Prints a table: rows, seconds (ingest,
dbt, pipeline, hand-written, ratio) and peak memory of the pipeline (ingest and in-process dbt; the
hand-written query runs in a process of its own).

    .venv/bin/python bench/scale.py [--base 1700] [--factors 1 2 4] [--years 1 3] [--keep DIR]

Each case runs in a child process of its own (generation in another), so each peak is its own.
Feeds are generated once into --keep (default: a temp folder) and reused.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))

FIRST_YEAR = 2024


def case_dir(keep: Path, stations: int, years: int) -> Path:
    return keep / f"s{stations}-y{years}"


def generate_case(folder: Path, stations: int, years: int) -> None:
    import air_national

    raw = folder / "data" / "raw"
    if not (raw / "air").exists():
        air_national.generate(raw, stations,
                              tuple(range(FIRST_YEAR - years + 1, FIRST_YEAR + 1)))


def measure_case(folder: Path) -> dict:
    """Pipeline (ingest + parse-free dbt build) and the hand-written query on one case's feed."""
    import air_national

    from pipelines.lib.settings import Settings

    settings = Settings(data_dir=folder / "data")
    parse = air_national.dbt_launcher.parse(warehouse=settings.warehouse_path,
                                            target_path=air_national.DBT_TARGET,
                                            vars=air_national.DBT_VARS)
    hand, _ = air_national.hand_written_apart(settings.raw_dir)  # its memory not counted here
    start = time.perf_counter()
    rows = air_national.load_raw(settings)
    ingested = time.perf_counter()
    air_national.dbt_air(settings)
    done = time.perf_counter()
    return {"rows": rows, "parse": parse, "ingest": ingested - start, "dbt": done - ingested,
            "pipeline": done - start, "hand": hand,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_child(args: list[str]) -> dict:
    """Run this script for one step in a child process; its JSON answer and its peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if done.returncode != 0:
        return {"error": (done.stderr or done.stdout).strip().splitlines()[-1][:200]}
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    answer["child_peak_mb"] = after / 1024 if after > before else None
    return answer


def load_avg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base", type=int, default=1700, help="stations at 1×")
    parser.add_argument("--factors", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--years", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) generated feeds in")
    parser.add_argument("--generate", nargs=3, metavar=("DIR", "STATIONS", "YEARS"),
                        help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=Path, metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        generate_case(Path(args.generate[0]), int(args.generate[1]), int(args.generate[2]))
        print(json.dumps({"ok": True}))
        return 0
    if args.measure:
        print(json.dumps(measure_case(args.measure)))
        return 0
    with tempfile.TemporaryDirectory(prefix="ecoscore-scale-") as tmp:
        keep = args.keep or Path(tmp)
        print(f"{os.cpu_count()} cores; load average at start {load_avg()}")
        print(f"{'stations':>8} {'years':>5} {'rows':>12} {'ingest s':>8} {'dbt s':>7} "
              f"{'pipeline s':>10} {'hand s':>7} {'ratio':>6} {'peak MB':>8}  load")
        for years in args.years:
            for factor in args.factors:
                stations = args.base * factor
                folder = case_dir(keep, stations, years)
                generated = run_child(["--generate", str(folder), str(stations), str(years)])
                if "error" in generated:
                    print(f"{stations:>8} {years:>5}  generation failed: {generated['error']}")
                    continue
                r = run_child(["--measure", str(folder)])
                if "error" in r:
                    print(f"{stations:>8} {years:>5}  failed: {r['error']}")
                    continue
                print(f"{stations:>8} {years:>5} {r['rows']:>12,} {r['ingest']:>8.1f} {r['dbt']:>7.1f} "
                      f"{r['pipeline']:>10.1f} {r['hand']:>7.1f} {r['pipeline'] / r['hand']:>5.2f}× "
                      f"{r['peak_mb']:>8,.0f}  {load_avg()}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
