"""Issue 16 part 4: one writer per warehouse, however a run starts. The lock is taken inside the
run (the warehouse resource), so a run started by the schedule or from the UI and `ecoscore
run` exclude each other: the second fails at once with a clear message."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipelines.lib.settings import PROJECT_ROOT, Settings
from pipelines.lib.warehouse import BUSY_MARKER, WarehouseBusyError, writer_lock

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

STARTUP_SECONDS = 240  # a pipeline process imports Dagster and dbt before its run starts
FAIL_FAST_SECONDS = 60


@pytest.fixture
def instance_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Dagster instance storage in the test's folder (never the project's run history)."""
    storage = tmp_path / "dagster_storage"
    storage.mkdir()
    monkeypatch.setenv("DAGSTER_HOME", str(PROJECT_ROOT))
    monkeypatch.setenv("ECOSCORE_DAGSTER_STORAGE", str(storage))
    return {**os.environ}


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    handle = log.open("w")
    return subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=handle, stderr=handle,
                            start_new_session=True)


def stop(process: subprocess.Popen) -> None:
    """End the pipeline process this test started (and dbt under it), by its own group id."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


def wait_until_held(settings: Settings, process: subprocess.Popen, log: Path) -> str:
    """Wait until `process`'s run holds the warehouse lock, then pause it there (SIGSTOP to its
    group: a stopped process keeps its lock) so that it cannot end while the second run starts,
    however loaded the machine; returns what the lock file says. `stop` ends it."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, f"the first run ended early:\n{log.read_text()[-3000:]}"
        lock = settings.lock_path
        text = lock.read_text() if lock.exists() else ""
        if f"pid {process.pid}" in text:
            os.killpg(process.pid, signal.SIGSTOP)
            with pytest.raises(WarehouseBusyError):  # it is held now, not just written
                with writer_lock(settings):
                    pass
            return text
        time.sleep(0.5)
    raise AssertionError(f"the first run never took the lock:\n{log.read_text()[-3000:]}")


def nightly_request() -> dg.RunRequest:
    from pipelines.ops.schedules import nightly

    context = dg.build_schedule_context(
        scheduled_execution_time=datetime(2024, 12, 31, 2, tzinfo=ZoneInfo("Asia/Shanghai")))
    (request,) = nightly.evaluate_tick(context).run_requests
    return request


def test_a_scheduled_run_fails_fast_while_ecoscore_run_writes(
        data_settings: Settings, instance_env: dict[str, str], tmp_path: Path):
    from pipelines.cli import busy_message
    from pipelines.definitions import build_definitions

    # the code location of this test's data folder: `pipelines.definitions.defs` is bound to the
    # settings of the environment it was first imported in, maybe another test's folder.
    # The job and the schedule's request resolved before the first run starts: once the first
    # run holds the lock only the scheduled run itself remains
    job = build_definitions(data_settings).resolve_job_def("ecoscore_all")
    request = nightly_request()  # exactly what the schedule hands the daemon
    log = tmp_path / "ecoscore_run.log"
    # --force: computed again even when nothing changed (a reused run holds the lock a few
    # seconds only, maybe less than the 0.5 s between two looks at the lock file)
    first = start([str(Path(sys.executable).parent / "ecoscore"), "run", "--year", "2024",
                   "--force"], instance_env, log)
    try:
        holder = wait_until_held(data_settings, first, log)
        assert holder.startswith("run ")
        started = time.monotonic()
        result = job.execute_in_process(
            run_config=request.run_config, tags=request.tags, raise_on_error=False,
            instance=dg.DagsterInstance.ephemeral())
        seconds = time.monotonic() - started
    finally:
        stop(first)
    assert not result.success
    message = busy_message(result)
    assert message and BUSY_MARKER in message and holder.split(",")[0] in message
    assert seconds < FAIL_FAST_SECONDS
    assert not result.get_step_success_events()  # nothing of it ran


def test_ecoscore_run_fails_fast_while_a_run_started_like_the_ui_writes(
        data_settings: Settings, instance_env: dict[str, str], tmp_path: Path,
        capsys: pytest.CaptureFixture):
    """The UI's run worker executes the job of the code location with the launchpad's config;
    `dagster job execute` does the same from a shell."""
    from pipelines.cli import main

    request = nightly_request()
    config = tmp_path / "launchpad.yaml"
    config.write_text(json.dumps(request.run_config), encoding="utf-8")
    log = tmp_path / "ui_run.log"
    first = start([str(Path(sys.executable).parent / "dagster"), "job", "execute",
                   "-m", "pipelines.definitions", "-j", "ecoscore_all", "-c", str(config),
                   "--tags", json.dumps(request.tags)], instance_env, log)
    try:
        holder = wait_until_held(data_settings, first, log)
        started = time.monotonic()
        code = main(["run", "--year", "2024"])
        seconds = time.monotonic() - started
    finally:
        stop(first)
    err = capsys.readouterr().err
    assert code == 3, err
    assert BUSY_MARKER in err and holder.split(",")[0] in err
    assert seconds < FAIL_FAST_SECONDS
