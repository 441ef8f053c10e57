"""The Dagster run launcher of this project (dagster.yaml `run_launcher`): each run is still a
process of its own, but it starts warm (issue 21).

Dagster's own launcher asks the code server for a new interpreter per run, which then imports
Dagster, dbt, Great Expectations, pandas, DuckDB and plotly again: ~10 s of every nightly run
(Great Expectations alone ~4 s), before its first step. This launcher starts runs from a
multiprocessing fork server whose one process imported those libraries once (`PRELOAD`) and did
dbt's first-use work (`WARM_UP`): each run is a fork of it, so it has its own memory and exit as
before, and imports only this project's code (the definitions are loaded fresh for every run, so
an edit counts at the next run). The fork server belongs to the process that launches runs (the
daemon, under `dagster dev` too) and lives as long as it.

Falls back to Dagster's own launcher (`DefaultRunLauncher`, a new interpreter from the code
server) when the run's code is not this interpreter's (another Python named in its origin),
when `warm: false` is configured, when the installed packages changed since the fork server
started (it would hold the old versions in memory) or when the fork server failed; the run's
event log says why (restart the daemon to be warm again).

A run whose process dies before the run has ended is marked failed, with its exit code.
Terminating a warm run (UI, `dagster run terminate`) marks it canceling and sends its process
SIGINT, as Dagster's interrupt: the step stops and the run ends canceled. The run's tags say its
process (`ecoscore/run_pid`, `ecoscore/run_host`)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import socket
import sys
import sysconfig
import threading
from typing import Any

from dagster import Bool, Field
from dagster._core.launcher import LaunchRunContext
from dagster._core.launcher.default_run_launcher import DefaultRunLauncher
from dagster._grpc.types import ExecuteRunArgs
from dagster._serdes import ConfigurableClassData, deserialize_value, serialize_value

# What every run imports that does not change between runs (third-party only: this project's
# modules are imported by each run, fresh). Not polars (~0.3 s): importing it starts a thread of
# its own, and its documentation warns against forking a process that has it; numpy's OpenBLAS
# and pyarrow's jemalloc threads (started by pandas, which GX imports) re-initialise in a fork
# (their fork handlers), as in any pre-forking server.
PRELOAD = ("dagster", "dagster._cli.api", "dagster_dbt", "dbt.cli.main", "dbt.adapters.duckdb",
           "great_expectations", "duckdb", "pyarrow", "pandas", "plotly.graph_objects", "kaleido",
           "openpyxl", "docx")
# then dbt's first-use work, done once (pipelines/lib/warm_start.py: of this project, the fork
# server then holds only that module and the docstring-only packages pipelines, pipelines.lib)
WARM_UP = "pipelines.lib.warm_start"
PID_TAG = "ecoscore/run_pid"
HOST_TAG = "ecoscore/run_host"

_fork_server: dict[str, Any] = {}  # the process's fork server context and the packages' stamp


def installed_packages_stamp() -> int:
    """Changes when a package is installed, upgraded or removed (site-packages' entries)."""
    return os.stat(sysconfig.get_paths()["purelib"]).st_mtime_ns


def fork_server() -> tuple[multiprocessing.context.BaseContext | None, str]:
    """The process's fork-server context, preloading PRELOAD and WARM_UP when it starts (at the
    first run), or None and why not: the installed packages differ from those it preloaded, or
    it failed to start or fork."""
    if not _fork_server:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([*PRELOAD, WARM_UP])
        _fork_server.update(context=context, stamp=installed_packages_stamp(), failed="")
    if _fork_server["failed"]:
        return None, f"The warm start failed earlier ({_fork_server['failed']})"
    if _fork_server["stamp"] != installed_packages_stamp():
        return None, "Installed packages changed since the daemon started"
    return _fork_server["context"], ""


def execute_run(args_json: str, environment: dict[str, str], tagged: Any) -> None:
    """In the run's process (a fork of the fork server): what `dagster api execute_run` does
    (Dagster's private `_execute_run_command_body`: re-check it on a Dagster upgrade;
    tests/test_run_launcher.py runs it), in the environment of the process that launched the run
    (as a new interpreter would have; the fork server's dates from its start)."""
    from dagster import DagsterInstance
    from dagster._cli.api import _execute_run_command_body
    from dagster._utils.interrupts import capture_interrupts, setup_interrupt_handlers

    # the launcher tags the run with this process first: the run's own status writes would
    # otherwise race with its tags (Dagster rewrites the stored run on each status change)
    if tagged.poll(60):
        tagged.recv()
    os.environ.clear()
    os.environ.update(environment)
    setup_interrupt_handlers()  # SIGTERM as SIGINT: Dagster's interrupt, the run ends canceled
    args = deserialize_value(args_json, ExecuteRunArgs)
    with capture_interrupts(), DagsterInstance.from_ref(args.instance_ref) as instance:
        _execute_run_command_body(args.run_id, instance, lambda event: None,
                                  set_exit_code_on_failure=False)


class WarmRunLauncher(DefaultRunLauncher):
    """DefaultRunLauncher, its runs forked from a warm fork server (module docstring)."""

    def __init__(self, inst_data: ConfigurableClassData | None = None, warm: bool = True):
        super().__init__(inst_data=inst_data)
        self._warm = warm

    @classmethod
    def config_type(cls) -> dict[str, Field]:
        return {"warm": Field(Bool, is_required=False, default_value=True,
                              description="false: Dagster's own launcher (a new interpreter a run)")}

    @classmethod
    def from_config_value(cls, inst_data: ConfigurableClassData | None,
                          config_value: dict[str, Any]) -> WarmRunLauncher:
        return cls(inst_data=inst_data, **config_value)

    def launch_run(self, context: LaunchRunContext) -> None:
        run = context.dagster_run
        origin = run.job_code_origin
        same_python = origin is not None and os.path.realpath(
            origin.executable_path or "") == os.path.realpath(sys.executable)
        if not (self._warm and same_python):
            super().launch_run(context)
            return
        forks, why_not = fork_server()
        if forks is not None:
            args = ExecuteRunArgs(job_origin=origin, run_id=run.run_id,
                                  instance_ref=self._instance.get_ref(),
                                  set_exit_code_on_failure=False)
            tagged, tagging = forks.Pipe(duplex=False)
            process = forks.Process(target=execute_run, name=f"dagster-run-{run.run_id}",
                                    args=(serialize_value(args), dict(os.environ), tagged))
            try:
                process.start()
            except Exception as err:  # the fork server died (e.g. a preload crashed it)
                _fork_server["failed"] = why_not = f"{type(err).__name__}: {err}"
                forks = None
        if forks is None:
            self._instance.report_engine_event(
                f"{why_not}: this run starts cold (a new interpreter). Restart the daemon to "
                "start runs warm again.", run, cls=self.__class__)
            super().launch_run(context)
            return
        tagged.close()  # the run's process has its own end
        try:
            self._instance.add_run_tags(run.run_id, {PID_TAG: str(process.pid),
                                                     HOST_TAG: socket.gethostname()})
        except BaseException:
            process.kill()  # never a run nobody can find or stop
            raise
        tagging.send(True)
        tagging.close()
        self._run_ids.add(run.run_id)  # join() waits for it
        threading.Thread(target=self._fail_if_it_dies, args=(run.run_id, process),
                         name=f"watch-run-{run.run_id}", daemon=True).start()

    def _fail_if_it_dies(self, run_id: str, process: multiprocessing.process.BaseProcess) -> None:
        """A run whose process exits before the run has ended (killed, out of memory, a crash
        before Dagster could say so) is marked failed, with the exit code, never left started."""
        process.join()
        run = self._instance.get_run_by_id(run_id)
        if run is not None and not run.is_finished:
            self._instance.report_run_failed(
                run, f"The run's process (pid {process.pid}) exited with code {process.exitcode} "
                     "before the run ended.")

    def terminate(self, run_id: str) -> bool:
        run = self._instance.get_run_by_id(run_id) if self.has_instance else None
        if run is None or PID_TAG not in run.tags:
            return super().terminate(run_id)
        if run.is_finished:
            return False
        if run.tags.get(HOST_TAG) != socket.gethostname():
            self._instance.report_engine_event(
                f"The run's process is on {run.tags.get(HOST_TAG)}: terminate it there.", run,
                cls=self.__class__)
            return False
        self._instance.report_run_canceling(run)
        try:
            os.kill(int(run.tags[PID_TAG]), signal.SIGINT)
        except ProcessLookupError:
            self._instance.report_run_canceled(run, message="The run's process had already exited.")
        return True
