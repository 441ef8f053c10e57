"""The one place that starts dbt (issue 20 item 5), through dbt's public programmatic runner
(`dbt.cli.main.dbtRunner`, issue 37): in this process, no interpreter start and no dbt import per
call, the parsed project kept per (target folder, warehouse, dbt files) so a later invocation
skips parsing.

Two ways in:
- `invoke(command, …)`: runs dbt and returns when it is done (`ecoscore ledger-check`, `whatif`,
  the notebooks' as-of rescoring, `ecoscore docs`, the benchmarks, `prepare_manifest`).
- `stream(command, …)`: the Dagster dbt asset's call. dbt runs in a worker thread and every node
  result (`NodeResult`: model, seed or test, its status and dbt's message) is handed over the
  moment dbt reports it finished, so the asset reports each model and test to Dagster as it
  finishes — also when a later node fails the build.

Everything an invocation needs is an argument: the warehouse travels as the dbt var `warehouse`
(profiles.yml reads it), the target folder as `--target-path`; nothing is written to the
environment. dbt-duckdb closes the warehouse when an invocation ends (profiles.yml `keep_open:
false`): the file is free for the next reader or writer.

Both report each finished node to the listeners registered with `add_listener` as a
`Progress(index, total, name, resource_type, status)`: what a presenter needs for
"dbt models i/N". `stream` also writes dbt's log lines to stdout (the console counts them)."""

from __future__ import annotations

import json
import os
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipelines.lib.settings import DBT_PROJECT_DIR

# where the project's manifest.json (what Dagster's dbt assets are defined from) lives: dbt's own
# variable lets two checkouts or test workers keep their own
MANIFEST_DIR = DBT_PROJECT_DIR / os.environ.get("DBT_TARGET_PATH", "target")

# the dbt sources whose change makes a parsed project stale
WATCHED = ("models", "macros", "seeds", "tests", "dbt_project.yml", "profiles.yml")


def manifest_is_stale(manifest: Path) -> bool:
    """True when `manifest` is missing or older than a dbt source file. Cheap, and imports
    nothing of dbt or Dagster."""
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


# dbt's statuses of a node that did not do its job: a model that failed, a test that failed at
# severity error or could not run
FAILED = frozenset({"error", "fail", "runtime error"})


@dataclass(frozen=True)
class NodeResult:
    """One finished node as dbt reported it (its NodeFinished event)."""

    unique_id: str
    name: str
    resource_type: str
    status: str  # success, error, skipped, pass, fail, warn, …
    seconds: float
    message: str | None
    failures: int | None = None  # a test's failing rows

    @property
    def failed(self) -> bool:
        return self.status in FAILED


@dataclass
class DbtRun:
    """What one invocation did: success, each node's result and dbt's own wall time."""

    args: list[str]
    success: bool
    results: list[NodeResult] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""

    def failures(self) -> list[NodeResult]:
        return [r for r in self.results if r.failed]


Listener = Callable[[Progress], None]
_listeners: list[Listener] = []
_manifests: dict[tuple[str, str, tuple[int, int], str], Any] = {}  # → dbt's parsed Manifest
_lock = threading.RLock()  # dbt's runner keeps global state: one invocation at a time


def add_listener(listener: Listener) -> Callable[[], None]:
    """Call `listener` with every finished node of every invocation; returns its remover."""
    _listeners.append(listener)
    return lambda: _listeners.remove(listener) if listener in _listeners else None


def _notify(progress: Progress) -> None:
    for listener in list(_listeners):
        listener(progress)


def common_args(warehouse: Path, target_path: Path | str | None = None,
                vars: dict[str, Any] | None = None, quiet: bool = True) -> list[str]:
    """The arguments every invocation carries: this project, its profile, the warehouse (the
    var profiles.yml reads), where to write."""
    args = ["--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR),
            "--vars", json.dumps({**(vars or {}), "warehouse": str(warehouse)})]
    if target_path is not None:
        args += ["--target-path", str(target_path)]
    return [*args, "--quiet"] if quiet else args


class _Counter:
    """Turns dbt's structured events into Progress and NodeResults: the total from the
    selection's size, the index from each node's NodeFinished."""

    def __init__(self, on_result: Callable[[NodeResult], None] | None = None,
                 echo: bool = False) -> None:
        self.total = 0
        self.done = 0
        self.on_result = on_result
        self.echo = echo
        self.error: BaseException | None = None  # the first error of this callback

    def __call__(self, event: Any) -> None:
        # an exception raised here would fail the node dbt is running (or hang dbt's thread
        # pool): it is kept and reported with the invocation instead
        try:
            self.handle(event)
        except Exception as err:  # noqa: BLE001
            self.error = self.error or err

    def handle(self, event: Any) -> None:
        name = event.info.name
        if self.echo and event.info.level in ("info", "warn", "error") and event.info.msg:
            print(event.info.msg, flush=True)
        if name == "ConcurrencyLine":
            self.total = int(event.data.node_count)
        elif name == "NodeFinished":
            self.done += 1
            node = event.data.node_info
            _notify(Progress(self.done, max(self.total, self.done), node.node_name,
                             node.resource_type, node.node_status))
            if self.on_result is not None:
                self.on_result(node_result(event))


def node_result(event: Any) -> NodeResult:
    """A NodeFinished event as a NodeResult."""
    node, result = event.data.node_info, event.data.run_result
    failures = int(result.num_failures) if node.resource_type == "test" else None
    return NodeResult(unique_id=node.unique_id, name=node.node_name,
                      resource_type=node.resource_type, status=result.status,
                      seconds=float(result.execution_time or 0.0), message=result.message or None,
                      failures=failures)


def invoke(command: list[str], *, warehouse: Path, target_path: Path | str | None = None,
           vars: dict[str, Any] | None = None, check: bool = True, reuse_parse: bool = True,
           callback: Callable[[Any], None] | None = None) -> DbtRun:
    """Run `dbt <command>` in this process (e.g. ["build", "--select", "x+"]) on `warehouse`; the
    target folder defaults to dbt's own. With `reuse_parse`, the project parsed by an earlier
    call for the same target folder and warehouse is reused (dbt then renders the new vars at
    compile time; no model reads a var in its config). `callback` receives every dbt event
    instead of the progress counter. Raises DbtError when dbt fails, unless `check` is false."""
    from dbt.cli.main import dbtRunner

    args = [*command, *common_args(warehouse, target_path, vars)]
    started = time.perf_counter()
    collected: list[NodeResult] = []
    counter = _Counter(collected.append)
    with _lock:
        manifest = _parsed(warehouse, target_path, vars) \
            if reuse_parse and command[0] != "parse" else None
        result = dbtRunner(manifest=manifest, callbacks=[callback or counter]).invoke(args)
    error = result.exception or counter.error
    run = DbtRun(args=args, success=bool(result.success) and counter.error is None,
                 seconds=time.perf_counter() - started, results=collected,
                 error=repr(error) if error else "")
    if check and not run.success:
        raise DbtError(describe_failure(run))
    return run


def parse(*, warehouse: Path, target_path: Path | str | None = None,
          vars: dict[str, Any] | None = None) -> float:
    """Parse the project for later invocations with this target folder and warehouse (what a
    long-lived process does once); returns the seconds it took."""
    started = time.perf_counter()
    with _lock:
        _parsed(warehouse, target_path, vars)
    return time.perf_counter() - started


def _parsed(warehouse: Path, target_path: Path | str | None, vars: dict[str, Any] | None) -> Any:
    """The parsed project (dbt's Manifest) for this target folder, warehouse and vars, parsed on
    first use (None when parsing fails: the invocation then reports why). dbt's partial parsing
    (the target folder's partial_parse.msgpack) makes a parse of unchanged files quick; vars or
    a warehouse other than those of the last parse in that folder parse the whole project."""
    from dbt.cli.main import dbtRunner

    key = (str(target_path), str(warehouse), sources_stamp(), json.dumps(vars, sort_keys=True))
    if key not in _manifests:
        # no manifest.json: nothing reads the parse's (docs generate and prepare_manifest
        # write their own), and serialising it took ~1 s of every run's first dbt step
        parsed = dbtRunner().invoke(["parse", "--no-write-json",
                                     *common_args(warehouse, target_path, vars)])
        if not parsed.success:
            return None
        _manifests[key] = parsed.result
    return _manifests[key]


def prepare_manifest(warehouse: Path, target_path: Path = MANIFEST_DIR) -> bool:
    """Write the project's manifest.json (what Dagster's dbt assets are defined from) into
    `target_path` when a dbt file is newer than it; True when it parsed. Called by the entry
    points (`ecoscore`, `make setup`, `make ui`, the test session), never at import. The
    warehouse only names the DuckDB catalogue in the manifest (a parse opens no database)."""
    manifest = target_path / "manifest.json"
    if not manifest_is_stale(manifest):
        return False
    invoke(["parse"], warehouse=warehouse, target_path=target_path, reuse_parse=False,
           vars={"year": 0})
    return True


def describe_failure(run: DbtRun) -> str:
    """The failed nodes and their messages (or dbt's own error), for an error a person reads."""
    lines = [f"{r.resource_type} {r.name}: {r.status} — {r.message}" for r in run.failures()]
    if run.error:
        lines.append(run.error)
    return "\n".join(lines[-20:]) or "dbt 失败 (dbt failed without a node result)"


_DONE = object()


class DbtStream:
    """`dbt <command>` in a worker thread, its node results handed over as dbt reports them:
    iterate to receive each `NodeResult` the moment its node finished; `run` is the whole
    invocation's outcome once the iteration ended. dbt's runner offers no way to stop a build
    half-way, so an interrupted iteration waits for dbt to finish before it re-raises (the
    build is never cut off mid-write; nothing after it runs)."""

    def __init__(self, command: list[str], *, warehouse: Path, target_path: Path,
                 vars: dict[str, Any], parse_vars: dict[str, Any] | None = None,
                 echo: bool = True) -> None:
        self.command, self.warehouse, self.target_path = command, warehouse, target_path
        self.vars, self.parse_vars, self.echo = vars, parse_vars, echo
        self.run: DbtRun | None = None
        self._results: queue.Queue[Any] = queue.Queue()

    def _work(self) -> None:
        from dbt.cli.main import dbtRunner

        # dbt itself prints nothing: with `echo`, each line is printed once by the callback; its
        # log file stays in the warehouse's target folder, not in dbt_project/logs/
        quiet = ["--log-level", "none", "--log-level-file", "info",
                 "--log-path", str(self.target_path)] if self.echo else []
        args = [*self.command, *quiet, *common_args(self.warehouse, self.target_path, self.vars)]
        started = time.perf_counter()
        collected: list[NodeResult] = []

        def hand_over(result: NodeResult) -> None:
            collected.append(result)
            self._results.put(result)

        counter = _Counter(hand_over, self.echo)
        try:
            with _lock:
                manifest = _parsed(self.warehouse, self.target_path, self.parse_vars or self.vars)
                outcome = dbtRunner(manifest=manifest, callbacks=[counter]).invoke(args)
            error = outcome.exception or counter.error
            self.run = DbtRun(args=args, success=bool(outcome.success) and counter.error is None,
                              results=collected, seconds=time.perf_counter() - started,
                              error=repr(error) if error else "")
        except BaseException as err:  # noqa: BLE001 - reported as the invocation's error
            self.run = DbtRun(args=args, success=False, results=collected,
                              seconds=time.perf_counter() - started, error=repr(err))
        finally:
            self._results.put(_DONE)

    def __iter__(self) -> Iterator[NodeResult]:
        worker = threading.Thread(target=self._work, name="dbt")
        worker.start()
        try:
            while (item := self._results.get()) is not _DONE:
                yield item
        finally:
            worker.join()


def stream(command: list[str], *, warehouse: Path, target_path: Path, vars: dict[str, Any],
           parse_vars: dict[str, Any] | None = None, echo: bool = True) -> DbtStream:
    """`dbt <command>` on `warehouse` in the warehouse's own target folder, each node's result
    handed over as it finishes (DbtStream). The project is parsed (or its parse reused) with
    `parse_vars` — the vars every invocation of a run shares — and `vars` (a superset: the air
    path's window too) are rendered at compile time, so a new window never re-parses. dbt's log
    lines go to stdout (`echo`); no JSON artifact is written (`--no-write-json` is the caller's)."""
    return DbtStream(command, warehouse=warehouse, target_path=target_path, vars=vars,
                     parse_vars=parse_vars, echo=echo)


if __name__ == "__main__":  # `make setup` / `make ui`: python -m pipelines.lib.dbt_launcher
    from pipelines.lib.settings import get_settings

    parsed = prepare_manifest(get_settings().warehouse_path)
    print(f"dbt manifest {'parsed' if parsed else 'up to date'}: {MANIFEST_DIR / 'manifest.json'}")
