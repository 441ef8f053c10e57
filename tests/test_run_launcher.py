"""Issue 21: the project's run launcher (pipelines/lib/run_launcher.py, dagster.yaml) starts each
run as a process of its own, forked from a fork server that imported the heavy libraries once
and did dbt's first-use work; a terminated run ends canceled, a run whose process dies is
failed; changed packages or a failed fork server fall back to Dagster's own launcher."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from pathlib import Path

import dagster as dg
import pytest
from dagster._core.definitions.reconstruct import ReconstructableJob
from dagster._core.launcher import LaunchRunContext
from dagster._core.launcher.default_run_launcher import DefaultRunLauncher

from pipelines.lib import run_launcher
from pipelines.lib.run_launcher import HOST_TAG, PID_TAG, WarmRunLauncher


@dg.op(config_schema={"report": str, "seconds": float})
def report_process(context) -> None:
    """Writes its pid, whether Great Expectations was imported before the run's code ran and
    whether the fork server's dbt warm-up ran and forgot the project modules it used."""
    Path(context.op_config["report"]).write_text(
        f"{os.getpid()} {'great_expectations' in sys.modules} "
        f"{'pipelines.lib.warm_start' in sys.modules and 'pipelines.lib.settings' not in sys.modules}",
        encoding="utf-8")
    deadline = time.monotonic() + context.op_config["seconds"]
    while time.monotonic() < deadline:  # long enough to be terminated
        time.sleep(0.1)


@dg.job(executor_def=dg.in_process_executor)
def process_job() -> None:
    report_process()


# loaded by the run's process from this file (pytest's own module name may not import there)
ORIGIN = ReconstructableJob.for_file(__file__, "process_job").get_python_origin()


@pytest.fixture
def instance(project_instance: dg.DagsterInstance) -> dg.DagsterInstance:
    return project_instance


def config(report: Path, seconds: float) -> dict:
    return {"ops": {"report_process": {"config": {"report": str(report), "seconds": seconds}}}}


def launch(instance: dg.DagsterInstance, report: Path, seconds: float) -> dg.DagsterRun:
    run = instance.create_run_for_job(process_job, run_config=config(report, seconds),
                                      job_code_origin=ORIGIN)
    instance.launch_run(run.run_id, workspace=None)  # what the daemon's run queue does
    return run


def wait(instance: dg.DagsterInstance, run_id: str, until, seconds: float = 120) -> dg.DagsterRun:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        run = instance.get_run_by_id(run_id)
        if until(run):
            return run
        time.sleep(0.2)
    raise AssertionError(f"run {run_id}: still {instance.get_run_by_id(run_id).status}")


def failures(instance: dg.DagsterInstance, run_id: str) -> list[str]:
    """What the run's failure events say (for an assertion's message)."""
    return [f"{e.message} {getattr(e.dagster_event.event_specific_data, 'error', '') or ''}"
            for e in instance.all_logs(run_id) if e.is_dagster_event]


def launched_cold(instance: dg.DagsterInstance, tmp_path: Path, monkeypatch) -> dg.DagsterRun:
    """Launch a run; assert it went to Dagster's own launcher (a new interpreter: recorded here,
    not started)."""
    cold = []
    monkeypatch.setattr(DefaultRunLauncher, "launch_run",
                        lambda self, context: cold.append(context.dagster_run.run_id))
    run = instance.create_run_for_job(process_job, job_code_origin=ORIGIN,
                                      run_config=config(tmp_path / "report.txt", 0))
    instance.run_launcher.launch_run(LaunchRunContext(dagster_run=run, workspace=None))
    assert cold == [run.run_id]
    return run


def test_run_is_a_warm_process_of_its_own(instance: dg.DagsterInstance, tmp_path: Path):
    assert isinstance(instance.run_launcher, WarmRunLauncher)
    report = tmp_path / "report.txt"
    run = wait(instance, launch(instance, report, 0).run_id, lambda r: r.is_finished)
    assert run.status == dg.DagsterRunStatus.SUCCESS, failures(instance, run.run_id)
    pid, preloaded, warmed = report.read_text(encoding="utf-8").split()
    assert int(pid) != os.getpid() and run.tags[PID_TAG] == pid
    assert run.tags[HOST_TAG]
    assert preloaded == "True"  # the job's module imports no GX: the fork server had it
    assert warmed == "True"
    # a second run: another process, from the same fork server
    second = wait(instance, launch(instance, report, 0).run_id, lambda r: r.is_finished)
    assert second.status == dg.DagsterRunStatus.SUCCESS
    assert report.read_text(encoding="utf-8").split()[0] not in (pid, str(os.getpid()))


def test_terminated_run_ends_canceled(instance: dg.DagsterInstance, tmp_path: Path):
    report = tmp_path / "report.txt"
    run = launch(instance, report, 60)
    wait(instance, run.run_id, lambda r: report.exists())
    assert instance.run_launcher.terminate(run.run_id)
    ended = wait(instance, run.run_id, lambda r: r.is_finished, seconds=60)
    assert ended.status == dg.DagsterRunStatus.CANCELED
    assert not instance.run_launcher.terminate(run.run_id)  # finished: nothing to terminate


def test_run_whose_process_dies_is_failed(instance: dg.DagsterInstance, tmp_path: Path):
    report = tmp_path / "report.txt"
    run = launch(instance, report, 60)
    wait(instance, run.run_id, lambda r: report.exists())
    os.kill(int(instance.get_run_by_id(run.run_id).tags[PID_TAG]), signal.SIGKILL)  # e.g. OOM
    ended = wait(instance, run.run_id, lambda r: r.is_finished, seconds=60)
    assert ended.status == dg.DagsterRunStatus.FAILURE
    assert any("exited with code -9 before the run ended" in message
               for message in failures(instance, run.run_id))


def test_changed_packages_start_the_run_cold(instance: dg.DagsterInstance, tmp_path: Path,
                                             monkeypatch):
    assert run_launcher.fork_server()[0] is not None  # started with today's packages
    monkeypatch.setattr(run_launcher, "installed_packages_stamp", lambda: -1)  # then upgraded
    run = launched_cold(instance, tmp_path, monkeypatch)
    assert PID_TAG not in instance.get_run_by_id(run.run_id).tags
    assert any("Restart the daemon" in (e.message or "") for e in instance.all_logs(run.run_id))


def test_fork_server_failure_starts_the_run_cold(instance: dg.DagsterInstance, tmp_path: Path,
                                                 monkeypatch):
    class BrokenForkServer:  # as when a preloaded module crashed the fork server
        def Pipe(self, duplex: bool):
            return multiprocessing.Pipe(duplex)

        def Process(self, **kwargs):
            return self

        def start(self):
            raise EOFError("unexpected EOF")

    monkeypatch.setattr(run_launcher, "fork_server", lambda: (BrokenForkServer(), ""))
    monkeypatch.setitem(run_launcher._fork_server, "failed", "")
    run = launched_cold(instance, tmp_path, monkeypatch)
    assert "EOFError" in run_launcher._fork_server["failed"]  # later runs go cold at once
    assert any("EOFError" in (e.message or "") and "starts cold" in (e.message or "")
               for e in instance.all_logs(run.run_id))
