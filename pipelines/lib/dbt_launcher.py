"""The one place that starts dbt (issue 20 item 5).

Two ways in, one module (in `pipelines/lib` so every domain may use it):
- `invoke(args, …)`: dbt's programmatic runner (`dbtRunner`) inside this process, for the
  commands that build in a scratch warehouse (`ecoscore ledger-check`, `whatif`, the notebooks'
  as-of rescoring, `ecoscore docs`) and the benchmarks. No interpreter start and no dbt import
  per call; the parsed project is kept per (target folder, warehouse), so a second invocation
  with other `--vars` (the as-of dates of a year) skips parsing altogether.
- `stream(args, context, target_path, warehouse)`: the Dagster assets' invocation, in this process too
  (issue 21): a dbt subprocess per step paid dbt's import and start (~5 s) and reloading its
  parse (~2 s) three times a run; in the run's process dbt is imported once and the project
  parsed once per (target folder, warehouse, dbt sources). dagster-dbt still chooses the step's
  selection and turns each node's result into Dagster events.

Both report each finished node to the listeners registered with `add_listener` as a
`Progress(index, total, name, resource_type, status)`: what a presenter needs for
"dbt models i/N". `invoke` prints nothing; `stream` writes dbt's log lines to stdout, as
dagster-dbt's subprocess did (the console counts the models there).
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.lib.settings import DBT_PROJECT_DIR

# the dbt sources whose change makes the project's manifest stale
WATCHED = ("models", "macros", "seeds", "tests", "dbt_project.yml")


def project_target() -> str:
    """The project's own target folder (DBT_TARGET_PATH lets two checkouts' workers or tests
    parse without sharing target/)."""
    return os.environ.get("DBT_TARGET_PATH", "target")


def manifest_is_stale(manifest: Path) -> bool:
    """True when `manifest` is missing or older than a dbt source file: then it is parsed again
    (pipelines/dbt/project.py). Cheap, and imports nothing of dbt or Dagster."""
    return not manifest.exists() or sources_stamp()[1] > manifest.stat().st_mtime_ns


def sources_stamp() -> tuple[int, int]:
    """How many dbt source files there are and the newest one's mtime (ns): a parse made before
    a file was added, removed or edited is stale."""
    files = source_files()
    return len(files), max((p.stat().st_mtime_ns for p in files), default=0)


def source_files() -> list[Path]:
    """The dbt project's source files (what a parse reads), sorted."""
    return sorted(p for name in WATCHED for p in ([DBT_PROJECT_DIR / name]
                  if (DBT_PROJECT_DIR / name).is_file() else (DBT_PROJECT_DIR / name).rglob("*"))
                  if p.is_file())


class DbtError(RuntimeError):
    """A dbt invocation failed; the message lists the failed nodes (or dbt's own error)."""


@dataclass(frozen=True)
class Progress:
    """One node finished: `index` of `total` selected nodes in this invocation."""

    index: int
    total: int
    name: str
    resource_type: str
    status: str


@dataclass(frozen=True)
class NodeResult:
    name: str
    resource_type: str
    status: str
    seconds: float
    message: str | None


@dataclass
class DbtRun:
    """What one invocation did: success, each node's result and dbt's own wall time."""

    args: list[str]
    success: bool
    results: list[NodeResult] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""

    def failures(self) -> list[NodeResult]:
        return [r for r in self.results if r.status in ("error", "fail", "runtime error")]


Listener = Callable[[Progress], None]
_listeners: list[Listener] = []
_manifests: dict[tuple[str, str, tuple[int, int]], Any] = {}  # (target, warehouse, sources) → Manifest
_lock = threading.RLock()  # dbt's runner keeps global state: one invocation at a time


def add_listener(listener: Listener) -> Callable[[], None]:
    """Call `listener` with every finished node of every invocation; returns its remover."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def _notify(progress: Progress) -> None:
    for listener in list(_listeners):
        listener(progress)


def common_args(target_path: Path | str | None = None, vars: dict[str, Any] | None = None,
                quiet: bool = True) -> list[str]:
    """The arguments every invocation carries: this project, its profile, where to write."""
    args = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)]
    if target_path is not None:
        args += ["--target-path", str(target_path)]
    if vars is not None:
        args += ["--vars", json.dumps(vars)]
    return [*args, "--quiet"] if quiet else args


@contextlib.contextmanager
def environment(**values: str | None) -> Iterator[None]:
    """These environment variables set (None: left as they are) during the call, restored after:
    what dbt reads through env_var() (the warehouse in profiles.yml, the air path's window)."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update({name: value for name, value in values.items() if value is not None})
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _environment(warehouse: Path | None) -> contextlib.AbstractContextManager[None]:
    """ECOSCORE_WAREHOUSE (read by profiles.yml) pointed at `warehouse` during the call."""
    return environment(ECOSCORE_WAREHOUSE=None if warehouse is None else str(warehouse))


class _Counter:
    """Turns dbt's structured events into Progress: the total from the selection's size,
    the index from each node's NodeFinished."""

    def __init__(self) -> None:
        self.total = 0
        self.done = 0

    def __call__(self, event: Any) -> None:
        name = event.info.name
        if name == "ConcurrencyLine":
            self.total = int(event.data.node_count)
        elif name == "NodeFinished":
            self.done += 1
            node = event.data.node_info
            _notify(Progress(self.done, max(self.total, self.done), node.node_name,
                             node.resource_type, node.node_status))


def invoke(command: list[str], *, warehouse: Path | None = None,
           target_path: Path | str | None = None, vars: dict[str, Any] | None = None,
           check: bool = True, reuse_parse: bool = True,
           callback: Callable[[Any], None] | None = None,
           env: dict[str, str | None] | None = None) -> DbtRun:
    """Run `dbt <command>` in this process (e.g. ["build", "--select", "x+"]). The warehouse
    defaults to ECOSCORE_WAREHOUSE, the target folder to dbt's own. With `reuse_parse`, the
    project parsed by an earlier call for the same target folder and warehouse is reused (dbt
    then renders the new vars at compile time; no model reads a var in its config; vars given
    inside `command` count too). `callback` receives every dbt event instead of the progress
    counter; `env`: more environment variables during the call. Raises DbtError when dbt fails,
    unless `check` is false."""
    from dbt.cli.main import dbtRunner

    args = [*command, *common_args(target_path, vars)]
    started = time.perf_counter()
    with _lock, _environment(warehouse), environment(**(env or {})):
        manifest = _parsed(target_path, vars or _vars_of(command)) \
            if reuse_parse and command[0] != "parse" else None
        try:
            result = dbtRunner(manifest=manifest,
                               callbacks=[callback or _Counter()]).invoke(args)
        finally:
            release_warehouse()
    run = DbtRun(args=args, success=bool(result.success), seconds=time.perf_counter() - started,
                 results=_node_results(result.result),
                 error=str(result.exception) if result.exception else "")
    if check and not run.success:
        raise DbtError(describe_failure(run))
    return run


def parse(*, warehouse: Path | None = None, target_path: Path | str | None = None,
          vars: dict[str, Any] | None = None) -> float:
    """Parse the project for later invocations with this target folder and warehouse (what a
    long-lived process does once); returns the seconds it took."""
    started = time.perf_counter()
    with _lock, _environment(warehouse):
        _parsed(target_path, vars)
    return time.perf_counter() - started


def _parsed(target_path: Path | str | None, vars: dict[str, Any] | None) -> Any:
    """The parsed project (dbt's Manifest) for this target folder and the warehouse now in the
    environment, parsed on first use (None when parsing fails: the invocation reports why)."""
    from dbt.cli.main import dbtRunner

    key = (str(target_path), os.environ.get("ECOSCORE_WAREHOUSE", ""), sources_stamp())
    if key not in _manifests:
        # no manifest.json: nothing reads the parse's (docs generate writes its own), and
        # serialising it took ~1 s of every run's first dbt step
        parsed = dbtRunner().invoke(["parse", "--no-write-json", *common_args(target_path, vars)])
        if not parsed.success:
            return None
        _manifests[key] = parsed.result
    return _manifests[key]


def release_warehouse() -> None:
    """Close the DuckDB database dbt-duckdb keeps open between invocations of a process: the
    file is free for the next reader or writer (a DuckDB file has one writer) once dbt is done."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        environment = DuckDBConnectionManager._ENV
        DuckDBConnectionManager._ENV = None
    if environment is not None:
        environment.close()


def _node_results(result: Any) -> list[NodeResult]:
    nodes = getattr(result, "results", None) or []
    found = []
    for r in nodes:
        node = getattr(r, "node", None)
        if node is None:
            continue
        found.append(NodeResult(node.name, str(node.resource_type), str(r.status),
                                float(r.execution_time or 0.0), r.message))
    return found


def describe_failure(run: DbtRun) -> str:
    """The failed nodes and their messages (or dbt's own error), for an error a person reads."""
    lines = [f"{r.resource_type} {r.name}: {r.status} — {r.message}" for r in run.failures()]
    if run.error:
        lines.append(run.error)
    return "\n".join(lines[-20:]) or "dbt 失败 (dbt failed without a node result)"


def stream(args: list[str], context: Any, target_path: Path, warehouse: Path) -> list[Any]:
    """A Dagster dbt asset's `dbt <args>` in this process (see the module's docstring), in the
    warehouse's own target folder: dagster-dbt chooses the step's selection (the assets and
    checks Dagster asks for) and turns each node's result into Dagster events (materialisations,
    check results), returned as a list; dbt's log lines go to stdout. No run_results.json or
    manifest.json is written (nothing reads them; dbt serialised the whole manifest twice a
    step). Raises DbtError, naming the failed nodes, when dbt fails."""
    from dagster_dbt.core.dbt_cli_event import DbtCoreCliEventMessage
    from dbt_common.events.functions import msg_to_dict

    manifest, translator, project, selection, indirect = _step_selection(context)
    total = _selected_count(context)
    results: list[Any] = []

    def on_event(event: Any) -> None:
        if event.info.level in ("info", "warn", "error") and event.info.msg:
            print(event.info.msg, flush=True)
        if event.info.name in RESULT_EVENTS:
            results.append(DbtCoreCliEventMessage(raw_event=msg_to_dict(event),
                                                  event_history_metadata={}))
            node = event.data.node_info
            _notify(Progress(len(results), max(total, len(results)), node.node_name,
                             node.resource_type, node.node_status))

    context.log.info(f"Running dbt command: `dbt {' '.join([*args, *selection])}` (in-process)")
    # dbt itself prints nothing (on_event prints each line once, errors included) and keeps its
    # log file in the warehouse's target folder, not in dbt_project/logs/
    invoke([*args, *selection, "--no-write-json", "--log-level", "none", "--log-level-file",
            "info", "--log-path", str(target_path)], warehouse=warehouse,
           target_path=target_path, callback=on_event, env={"DBT_INDIRECT_SELECTION": indirect})
    return [event for message in results for event in message.to_default_asset_events(
        manifest=manifest, dagster_dbt_translator=translator, context=context,
        target_path=Path(target_path), project=project)]


def _vars_of(args: list[str]) -> dict[str, Any] | None:
    """The --vars of a command line (the project is parsed with them: a var without a default
    must have a value)."""
    return json.loads(args[args.index("--vars") + 1]) if "--vars" in args else None


# dbt's events that carry a node's result (dagster-dbt's DbtCoreCliEventMessage.is_result_event)
RESULT_EVENTS = frozenset({"LogSeedResult", "LogModelResult", "LogSnapshotResult", "LogTestResult"})


def _step_selection(context: Any) -> tuple[Any, Any, Any, list[str], str | None]:
    """The manifest, translator and project of the step's dbt assets, dbt's selection arguments
    for the assets and checks the step runs, and the DBT_INDIRECT_SELECTION they need (what
    dagster-dbt's `DbtCliResource.cli` computes; passed as a list, so a long subset needs no
    selector file)."""
    from dagster_dbt.asset_utils import (
        DAGSTER_DBT_EXCLUDE_METADATA_KEY,
        DAGSTER_DBT_SELECT_METADATA_KEY,
        DAGSTER_DBT_SELECTOR_METADATA_KEY,
        get_manifest_and_translator_from_dbt_assets,
        get_subset_selection_for_context,
    )

    manifest, translator, project = get_manifest_and_translator_from_dbt_assets(
        [context.assets_def])
    tags = context.op_execution_context.op.tags
    selection, indirect = get_subset_selection_for_context(
        context=context, manifest=manifest, select=tags.get(DAGSTER_DBT_SELECT_METADATA_KEY),
        exclude=tags.get(DAGSTER_DBT_EXCLUDE_METADATA_KEY),
        selector=tags.get(DAGSTER_DBT_SELECTOR_METADATA_KEY), dagster_dbt_translator=translator,
        current_dbt_indirect_selection_env=os.getenv("DBT_INDIRECT_SELECTION"))
    return manifest, translator, project, list(selection), indirect


def _selected_count(context: Any) -> int:
    """Selected assets and checks of the step (what dagster-dbt will report)."""
    try:
        return len(context.selected_asset_keys) + len(context.selected_asset_check_keys)
    except Exception:  # noqa: BLE001 - a context without a selection reports no total
        return 0
