"""Benchmark: the whole pipeline (`ecoscore run --year 2024`) on the bundled sample, in a private
data folder, then two nights as the schedule runs them (the month's partition, 2024-12), each
bringing one more day of hourly air data: the full run sees December up to the 29th, the first
night adds the 30th (and rebuilds the dbt step before the air path: the ledger files' change
flags go from new to unchanged), the second adds the 31st with nothing else new (that step is
reused, pipelines/dbt/reuse.py; the dashboard draws only the figures that changed).

Every run uses the Dagster instance on disk (the project's dagster.yaml, its storage in the
private folder). The full run is `ecoscore run`: a fresh Python process. The nights are launched
as the daemon launches the schedule's runs: this process plays the daemon (a code server for
pipelines.definitions, the run created from the job's plan, then `instance.launch_run` through
dagster.yaml's run launcher, pipelines/lib/run_launcher.py), so the first night pays the fork
server's start (the daemon's first run) and the steady night starts warm, as every night after
it does. The wall time counts from the run's creation to its end: the imports, the code
location's definitions and the event log writes, not only the steps. `--fresh-nights` runs the
nights as fresh processes instead (as `ecoscore run` does, the sixth session's way).
Prints input rows, the wall seconds of each run and the seconds inside its steps, its 12 slowest
steps, the peak memory of the largest run process and the load average.

    .venv/bin/python bench/pipeline_sample.py [--no-nightly] [--fresh-nights]
"""

from __future__ import annotations

import argparse
import datetime as dt
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

from pipelines.lib.settings import Settings, export_environment  # noqa: E402

YEAR = 2024
MONTH = "2024-12"


LAUNCHED_PEAK_KB = [0]  # launched runs are the fork server's children, not this process's


def peak_mb() -> float:
    """Peak resident memory (MB) of the largest run process (fresh or launched)."""
    return max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, LAUNCHED_PEAK_KB[0]) / 1024


def high_water_kb(pid: str | None) -> int:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (OSError, ValueError):
        return 0
    return next((int(line.split()[1]) for line in status.splitlines()
                 if line.startswith("VmHWM:")), 0)


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


def start_fork_server(log: Path) -> None:
    """Start the run launcher's fork server with its output, and so its runs', going to `log`
    (the daemon's would go to the daemon's log), not into this report."""
    import multiprocessing.forkserver

    from pipelines.lib import run_launcher

    run_launcher.fork_server()
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log, "ab") as out:
        os.dup2(out.fileno(), 1)
        os.dup2(out.fileno(), 2)
        try:
            multiprocessing.forkserver.ensure_running()
        finally:
            for fd, saved_fd in ((1, saved[0]), (2, saved[1])):
                os.dup2(saved_fd, fd)
                os.close(saved_fd)


def launch_as_daemon(instance, workspace) -> str:
    """Create the nightly run from the schedule's own run request at its 02:00 tick of
    2024-12-31 Beijing time (pipelines/ops/schedules.py `year_run_requests`: job ecoscore_all,
    year 2024 in its config, month 2024-12 in its tags) and launch it through the instance's
    run launcher, as the daemon's run queue does; wait for its end. Returns the run id."""
    from dagster._cli.job import _create_run
    from dagster._cli.workspace.cli_target import (
        get_code_location_from_workspace,
        get_remote_job_from_remote_repo,
        get_remote_repository_from_code_location,
    )
    from pipelines.lib.run_launcher import PID_TAG

    from pipelines.lib.calendar import BEIJING
    from pipelines.ops.schedules import year_run_requests

    [request] = year_run_requests(dt.datetime(2024, 12, 31, 2, tzinfo=BEIJING), "bench", "bench")
    context = workspace.create_request_context()
    location = get_code_location_from_workspace(context, None)
    repo = get_remote_repository_from_code_location(location, None)
    job = get_remote_job_from_remote_repo(repo, "ecoscore_all")
    run = _create_run(instance=instance, code_location=location, remote_repo=repo, remote_job=job,
                      run_config=request.run_config, tags=request.tags,
                      op_selection=None, run_id=None)
    instance.launch_run(run.run_id, context)
    pid = instance.get_run_by_id(run.run_id).tags.get(PID_TAG)
    while not instance.get_run_by_id(run.run_id).is_finished:
        LAUNCHED_PEAK_KB[0] = max(LAUNCHED_PEAK_KB[0], high_water_kb(pid))
        time.sleep(0.05)
    return run.run_id


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
                        help="the nights as fresh processes, not launched as the daemon does")
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
        os.environ["DAGSTER_HOME"] = str(ROOT)
        export_environment(settings)  # the code server and the launched runs read the data here
        from dagster._core.workspace.context import WorkspaceProcessContext
        from dagster._core.workspace.load_target import ModuleTarget

        ok = True
        with dg.DagsterInstance.from_config(str(ROOT)) as instance, WorkspaceProcessContext(
                instance, ModuleTarget(module_name="pipelines.definitions", attribute=None,
                                       working_directory=str(ROOT), location_name=None)) as daemon:
            for index, (last_hour, months, label) in enumerate(runs):
                arrived = until(december, feed, last_hour)
                if index == 0 or args.fresh_nights:
                    run_id, wall = run_in_fresh_process(settings.data_dir, storage, months)
                    how = "a fresh process"
                else:
                    started = time.perf_counter()
                    if index == 1:  # the daemon's first run starts its fork server
                        start_fork_server(Path(tmp) / "runs.log")
                    run_id = launch_as_daemon(instance, daemon)
                    wall = time.perf_counter() - started
                    how = ("launched as the daemon does, its fork server starting" if index == 1
                           else "launched as the daemon does, warm")
                result = instance.get_run_by_id(run_id)
                ok = result is not None and result.is_success
                report(f"{label}, {arrived:,} rows; {how})", instance, run_id, ok, wall)
                if not ok:
                    break
        print(f"peak memory: {peak_mb():.0f} MB (the largest run process, dbt included)")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
