"""Benchmark: the whole pipeline (`ecoscore run --year 2024`) on the bundled sample, in a private
data folder, then two nights as the schedule runs them (the month's partition, 2024-12), each
bringing one more day of hourly air data: the full run sees December up to the 29th, the first
night adds the 30th (and rebuilds the dbt models that do not read the air path: the ledger
files' change flags go from new to unchanged), the second adds the 31st with nothing else new
(those models are reused, pipelines/dbt/reuse.py; the dashboard draws only the figures that
changed).

Every run uses the Dagster instance on disk (the project's dagster.yaml, its storage in the
private folder). The full run is `ecoscore run`: a fresh Python process. The nights run as a
deployment runs them, through public interfaces only: a real `dagster-daemon run` (its own code
server for pipelines.definitions, the project's run queue and Dagster's DefaultRunLauncher: a new
Python process per run), each night's run submitted with `dagster job launch` carrying the
schedule's own run request (config and tags of `year_run_requests` at the 2024-12-31 02:00
tick). The wall time counts from the run's creation to its end: the queue, the run process's
start (imports, the code location's definitions), the event log writes and the steps; the queue
wait (the daemon polls the queue) is printed apart. `--fresh-nights` runs the nights as fresh
`ecoscore run`-like processes instead.
Prints input rows, the wall seconds of each run and the seconds inside its steps, its 12 slowest
steps, the peak memory of the largest run process and the load average.

    .venv/bin/python bench/pipeline_sample.py [--no-nightly] [--fresh-nights] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipelines.lib.settings import Settings  # noqa: E402

YEAR = 2024
MONTH = "2024-12"
BIN = Path(sys.executable).parent

LAUNCHED_PEAK_KB = [0]  # launched runs are the daemon's grandchildren, not this process's


def peak_mb() -> float:
    """Peak resident memory (MB) of the largest run process (fresh or launched)."""
    return max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, LAUNCHED_PEAK_KB[0]) / 1024


def run_process_high_water_kb(run_id: str) -> int:
    """VmHWM of the process executing `run_id` (`dagster api execute_run …` names the run)."""
    peak = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if run_id.encode() not in (proc / "cmdline").read_bytes():
                continue
            status = (proc / "status").read_text()
        except OSError:
            continue
        peak = max([peak, *(int(line.split()[1]) for line in status.splitlines()
                            if line.startswith("VmHWM:"))])
    return peak


def step_seconds(instance, run_id: str) -> dict[str, float]:
    """Wall seconds of each Dagster step of the run (from the instance's step statistics)."""
    return {stat.step_key: (stat.end_time or stat.start_time or 0) - (stat.start_time or 0)
            for stat in instance.get_run_step_stats(run_id)}


def report(label: str, instance, run_id: str, ok: bool, wall: float, note: str = "") -> None:
    steps = step_seconds(instance, run_id)
    print(f"{label}: {'ok' if ok else 'FAILED'} in {wall:.1f} s wall{note}, "
          f"{sum(steps.values()):.1f} s in steps (load average {load_avg()})")
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


def run_in_fresh_process(env: dict[str, str], data_dir: Path, months: str) -> tuple[str, float]:
    """`run_one` in a new interpreter; returns (run id, wall seconds from its start to its exit)."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--run-one", str(data_dir), months],
                          env=env, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1) or not done.stdout.strip():
        sys.exit(f"run process failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return done.stdout.split()[-1], wall


def start_daemon(env: dict[str, str], workspace: Path, log: Path) -> subprocess.Popen:
    """`dagster-daemon run` on the bench's instance and workspace (its output to `log`)."""
    with open(log, "ab") as out:
        return subprocess.Popen([str(BIN / "dagster-daemon"), "run", "-w", str(workspace)],
                                env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    """End the daemon and the code server it started (its process group, which it leads)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def launch_as_scheduled(instance, env: dict[str, str], workspace: Path, log: Path) -> tuple[str, float]:
    """Submit the nightly run of the schedule's 02:00 tick of 2024-12-31 Beijing time
    (pipelines/ops/schedules.py `year_run_requests`: job ecoscore_all, year 2024 in its config,
    month 2024-12 in its tags) with `dagster job launch`; the daemon's queue launches it. Waits
    for its end; returns the run id and the seconds it waited in the queue."""
    from pipelines.lib.calendar import BEIJING
    from pipelines.ops.schedules import year_run_requests

    [request] = year_run_requests(dt.datetime(2024, 12, 31, 2, tzinfo=BEIJING), "bench", "bench")
    run_id = str(uuid.uuid4())
    with open(log, "ab") as out:
        subprocess.run([str(BIN / "dagster"), "job", "launch", "-w", str(workspace),
                        "-j", "ecoscore_all", "--run-id", run_id,
                        "--config-json", json.dumps(request.run_config),
                        "--tags", json.dumps(request.tags)],
                       env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT, check=True)
    launched = None
    while True:
        run = instance.get_run_by_id(run_id)
        if launched is None and run.status.value not in ("QUEUED", "NOT_STARTED"):
            launched = time.time()
        LAUNCHED_PEAK_KB[0] = max(LAUNCHED_PEAK_KB[0], run_process_high_water_kb(run_id))
        if run.is_finished:
            break
        time.sleep(0.05)
    record = instance.get_run_record_by_id(run_id)
    queued = (launched or time.time()) - record.create_timestamp.timestamp()
    return run_id, queued


@contextlib.contextmanager
def kept_folder(folder: Path):
    """`folder`, emptied, as the bench's working folder (not removed at the end)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    yield str(folder.resolve())


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
    parser.add_argument("--fresh-nights", action="store_true",
                        help="the nights as fresh processes, not launched by the daemon")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="work in DIR (made empty first) and leave it there, to look at the runs")
    parser.add_argument("--run-one", nargs=2, metavar=("DATA_DIR", "MONTHS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run_one:
        return run_one(*args.run_one)
    import dagster as dg

    print(f"load average at start: {load_avg()} (1, 5, 15 min; {os.cpu_count()} cores)")
    # the daemon's code server may still be closing its files when the folder is removed
    with kept_folder(args.keep) if args.keep else \
            tempfile.TemporaryDirectory(ignore_cleanup_errors=True) as tmp:
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
        # every process of the bench (the full run, the daemon and its runs) reads this data
        # folder and this Dagster storage from its environment, as a deployment's do
        env = {**os.environ, "ECOSCORE_DATA_DIR": str(settings.data_dir),
               "ECOSCORE_DAGSTER_STORAGE": str(storage), "DAGSTER_HOME": str(ROOT)}
        env.pop("ECOSCORE_WAREHOUSE", None)
        workspace = Path(tmp) / "workspace.yaml"
        workspace.write_text(f"load_from:\n  - python_module:\n      module_name: pipelines.definitions\n"
                             f"      working_directory: {ROOT}\n", encoding="utf-8")
        log = Path(tmp) / "daemon.log"
        daemon = None
        ok = True
        with dg.DagsterInstance.local_temp(str(storage)) as instance:
            try:
                if not (args.no_nightly or args.fresh_nights):  # started early: up by the nights
                    daemon = start_daemon(env, workspace, log)
                for index, (last_hour, months, label) in enumerate(runs):
                    arrived = until(december, feed, last_hour)
                    note = ""
                    if index == 0 or args.fresh_nights:
                        run_id, wall = run_in_fresh_process(env, settings.data_dir, months)
                        how = "a fresh process"
                    else:
                        run_id, queued = launch_as_scheduled(instance, env, workspace, log)
                        record = instance.get_run_record_by_id(run_id)
                        wall = record.end_time - record.create_timestamp.timestamp()
                        note = f" ({queued:.1f} s of it queued, {wall - queued:.1f} s launched)"
                        how = "submitted to the daemon's queue, launched by Dagster's DefaultRunLauncher"
                    result = instance.get_run_by_id(run_id)
                    ok = result is not None and result.is_success
                    report(f"{label}, {arrived:,} rows; {how})", instance, run_id, ok, wall, note)
                    if not ok:
                        for entry in instance.all_logs(run_id):
                            if entry.is_dagster_event and entry.dagster_event.event_type_value in (
                                    "ENGINE_EVENT", "STEP_FAILURE", "RUN_FAILURE", "RUN_CANCELED",
                                    "RUN_CANCELING", "RESOURCE_INIT_FAILURE"):
                                print(f"  {entry.dagster_event.event_type_value}: "
                                      f"{(entry.message or '')[:500]}")
                        break
            finally:
                if daemon is not None:
                    stop(daemon)
        if not ok and log.exists():
            kept = ROOT / "bench" / "out" / "daemon.log"  # /bench/out/ is not committed
            kept.parent.mkdir(exist_ok=True)
            shutil.copy(log, kept)
            print(f"the daemon's log: {kept}")
        print(f"peak memory: {peak_mb():.0f} MB (the largest run process, dbt included)")
        print(f"load average at end: {load_avg()}")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
