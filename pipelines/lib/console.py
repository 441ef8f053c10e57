"""What a person sees while ecoscore works (`run`, `backfill`, `whatif`, `dashboard`): one line
per stage with its elapsed time, a progress bar for the long ones on a terminal, warnings
counted at the end, an error as one block. Everything else — Dagster's events, dbt's log, Python
warnings — goes to a per-run log file whose path is printed; `-v` streams it as well.

Three parts, each testable alone:
- `ConsoleRenderer` draws `StageEvent`s (plain lines when not a terminal: no control codes);
- `RunWatcher` turns Dagster event-log entries and dbt's log lines into `StageEvent`s;
- `session()` opens the log file, routes the process's stdout/stderr into it and makes the
  renderer the active one, so `run_pipeline` (and `stage()` blocks) report to it.
Presentation only: nothing here changes what runs or how dbt is launched."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from pipelines.lib import wording

# The stages a person follows, in the order they usually finish.
STAGES: dict[str, str] = {
    "scenario": "情景 scenario",
    "ingest": "读取数据 ingest",
    "quality": "质量检查 quality",
    "models": "dbt 模型 models",
    "tests": "dbt 测试 tests",
    "months": "月末得分 month ends",
    "publish": "发布 publish",
    "dashboard": "驾驶舱 dashboard",
}
# stages that get a progress bar on a terminal
BARRED = {"ingest", "quality", "models", "tests"}
LOGS_KEPT = 30


@dataclass(frozen=True)
class StageEvent:
    """One thing that happened to a stage. kind: start (total known or None), advance (count
    items done; warned/failed among them), time (seconds of work added), done, fail, skip."""

    stage: str
    kind: str
    count: int = 1
    total: int | None = None
    seconds: float = 0.0
    warned: int = 0
    failed: int = 0
    note: str = ""
    timed: bool = True  # start: run the stage's clock (tests are timed by dbt's own figures)


@dataclass
class StageState:
    key: str
    total: int | None = None
    done: int = 0
    warned: int = 0
    failed: int = 0
    seconds: float = 0.0
    active_since: float | None = None
    outcome: str = ""  # "", done, fail, skip
    note: str = ""

    def elapsed(self, now: float) -> float:
        return self.seconds + (now - self.active_since if self.active_since is not None else 0.0)

    def summary(self) -> str:
        """'87/94 · 2 warn' — what the stage did, in counts."""
        parts = []
        if self.total is not None and self.key in BARRED:
            parts.append(f"{self.done}/{self.total}")
        elif self.done and self.key in BARRED:
            parts.append(str(self.done))
        if self.warned:
            parts.append(f"{self.warned} 警告 warn")
        if self.failed:
            parts.append(f"{self.failed} 失败 failed")
        if self.note:
            parts.append(self.note)
        return " · ".join(parts)


MARKS = {"done": "✓", "fail": "✗", "skip": "–", "": "…"}


def pad(text: str, width: int) -> str:
    """`text` padded to `width` terminal columns (a Chinese character takes two)."""
    return wording.ljust(text, width)


def table(headers: list[str], rows: list[list], align: str = "") -> list[str]:
    """A table for the terminal, columns aligned by display width (a Chinese character takes two
    columns: str.ljust would misalign every long Chinese name). align: one of l/r per column."""
    cells = [[str(h) for h in headers]] + [["—" if v is None else str(v) for v in row] for row in rows]
    widths = [max(wording.width(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for row in cells:
        parts = [(wording.rjust if align[i:i + 1] == "r" else wording.ljust)(text, widths[i])
                 for i, text in enumerate(row)]
        lines.append("  ".join(parts).rstrip())
    return lines


def stage_line(state: StageState, now: float) -> str:
    """The one line of a stage: mark, label, counts, elapsed seconds (plain text)."""
    seconds = "" if state.outcome == "skip" else f"{state.elapsed(now):6.1f} s"
    what = "未运行 skipped" if state.outcome == "skip" else state.summary()
    return (f"  {MARKS[state.outcome]} {pad(STAGES.get(state.key, state.key), 22)} {pad(what, 30)} "
            f"{seconds}").rstrip()


class ConsoleRenderer:
    """Draws stages: on a terminal a live rich progress (a bar per long stage), otherwise one
    plain line per stage when it ends. Collects warnings (counted) and error blocks, printed by
    close()."""

    def __init__(self, out: TextIO, live: bool | None = None, clock: Callable[[], float] = time.monotonic):
        self.out = out
        self.clock = clock
        self.live = out.isatty() if live is None else live
        self.stages: dict[str, StageState] = {}
        self.warnings: Counter[tuple[str, str]] = Counter()
        self.errors: list[list[str]] = []
        self.notes: list[str] = []  # printed after the warnings (where a report is)
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}

    # drawing -----------------------------------------------------------------------------
    def line(self, text: str = "") -> None:
        """A plain line above the live stages (a run's title, a result)."""
        if self._progress is not None:
            self._progress.console.print(text, markup=False, highlight=False)
        else:
            print(text, file=self.out, flush=True)

    def begin(self, title: str) -> None:
        """A new block of stages (one pipeline run) under a title."""
        self._stop_live()
        self.stages = {}
        self.line(title)
        if self.live:
            self._start_live()

    def _start_live(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn

        renderer = self

        class Elapsed(TextColumn):
            def render(self, task):  # noqa: ANN001 - rich's Task
                state = renderer.stages.get(task.fields.get("stage", ""))
                from rich.text import Text

                return Text(f"{state.elapsed(renderer.clock()):6.1f} s" if state else "")

        self._progress = Progress(
            TextColumn("  {task.fields[mark]} {task.fields[label]}"), BarColumn(bar_width=24),
            TextColumn("{task.fields[what]:<30}"), Elapsed(""),
            console=Console(file=self.out), redirect_stdout=False, redirect_stderr=False,
            transient=False, refresh_per_second=4)
        self._progress.start()
        self._tasks = {}

    def _stop_live(self) -> None:
        if self._progress is not None:
            self._progress.refresh()
            self._progress.stop()
            self._progress = None

    def _draw(self, state: StageState) -> None:
        if self._progress is None:
            if state.outcome:
                print(stage_line(state, self.clock()), file=self.out, flush=True)
            return
        task = self._tasks.get(state.key)
        mark = MARKS[state.outcome] if state.outcome else "…"
        what = "未运行 skipped" if state.outcome == "skip" else " · ".join(
            p for p in state.summary().split(" · ") if "/" not in p)
        total, completed = state.total, state.done
        if state.outcome and total is None:  # a finished stage of unknown size: a full bar
            total = completed = max(state.done, 1)
        count = f"{state.done}/{state.total}" if state.total is not None and state.key in BARRED else ""
        if task is None:
            self._tasks[state.key] = self._progress.add_task(
                STAGES.get(state.key, state.key), total=total, completed=completed,
                stage=state.key, mark=mark, what=f"{count} {what}".strip(), visible=True,
                label=pad(STAGES.get(state.key, state.key), 22))
        else:
            self._progress.update(task, total=total, completed=completed, mark=mark,
                                  what=f"{count} {what}".strip())

    # events ------------------------------------------------------------------------------
    def handle(self, event: StageEvent) -> None:
        state = self.stages.setdefault(event.stage, StageState(event.stage))
        if event.kind == "start" and state.outcome:  # the same stage again: a line of its own
            state = self.stages[event.stage] = StageState(event.stage)
            self._tasks.pop(event.stage, None)
        now = self.clock()
        if event.kind == "start":
            state.total = event.total if event.total is not None else state.total
            if state.active_since is None and event.timed:
                state.active_since = now
        elif event.kind == "advance":
            state.done += event.count
            state.warned += event.warned
            state.failed += event.failed
        elif event.kind == "time":
            state.seconds += event.seconds
        elif event.kind == "pause" and state.active_since is not None:
            state.seconds += now - state.active_since
            state.active_since = None
        elif event.kind in ("done", "fail", "skip"):
            if state.active_since is not None:
                state.seconds += now - state.active_since
                state.active_since = None
            state.outcome = event.kind
            if event.kind == "done" and state.total is not None and state.done < state.total:
                state.total = state.done  # the estimate was high: what ran is the total
            if event.note:
                state.note = event.note
        self._draw(state)

    def warn(self, source: str, message: str, count: int = 1) -> None:
        self.warnings[(source, message)] += count

    def error(self, lines: list[str]) -> None:
        self.errors.append(lines)

    def close(self, log_path: Path | None = None) -> None:
        """Stop the live display; print the warnings with counts, the error blocks, the log."""
        self._stop_live()
        for text in [*warning_summary(self.warnings), *self.notes]:
            self.line(text)
        for block in self.errors:
            for text in block:
                print(text, file=sys.stderr if self.out is sys.stdout else self.out, flush=True)
        if log_path is not None:
            self.line(f"日志 log: {log_path}  (ecoscore … -v 可在终端同时显示 to stream it)")


def warning_summary(warnings: Counter[tuple[str, str]], limit: int = 8) -> list[str]:
    """'警告 warnings: 5' then one line per distinct warning with its count, most frequent first."""
    if not warnings:
        return []
    lines = [f"警告 warnings: {sum(warnings.values())}"]
    ranked = warnings.most_common()
    for (source, message), count in ranked[:limit]:
        lines.append(f"  {count:>4} × {source}: {message}"[:160])
    if len(ranked) > limit:
        lines.append(f"  … 另有 {len(ranked) - limit} 种 (more kinds in the log)")
    return lines


def error_block(title: str, causes: list[str], todo: str, log_path: Path | None) -> list[str]:
    """An error as one block: what failed, each cause (file, row, column), what to do."""
    rule = "─" * 60
    lines = [rule, f"✗ {title}", *causes, f"  怎么办 what to do: {todo}"]
    if log_path is not None:
        lines.append(f"  完整日志 full log: {log_path}")
    return [*lines, rule]


# --- Dagster and dbt → stage events ---------------------------------------------------------

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
DBT_NODE = re.compile(r"^(?:\d\d:\d\d:\d\d\s+)?(?P<i>\d+) of (?P<n>\d+) (?P<status>START|OK|PASS|WARN|FAIL|"
                      r"ERROR|SKIP|NO-OP)\b(?P<rest>.*)$")
DBT_SECONDS = re.compile(r" in (\d+(?:\.\d+)?)s\]\s*$")
TEST_KINDS = ("test", "unit_test")
SKIP_NOTICE = "Dependencies for step"
DBT_ERROR_HEADS = ("Database Error in", "Compilation Error in", "Runtime Error in", "Failure in test",
                   "Failure in unit_test")


def step_stage(step_key: str, checks_only: bool) -> str:
    """The stage a Dagster step belongs to: a step that only evaluates asset checks is quality,
    the dbt steps are models (and tests), publish, dashboard and the month-end history by name,
    the rest ingest."""
    if checks_only:
        return "quality"
    if step_key.startswith("ecoscore_dbt"):
        return "models"
    if step_key == "dashboard":
        return "dashboard"
    if step_key in ("release_candidate", "office_files", "published_release"):
        return "publish"
    if step_key in ("ops__unit_score_month_ends", "month_end_history"):
        return "months"  # the month ends re-scored and their mart (publish/history.py)
    return "ingest"


@dataclass
class RunWatcher:
    """Turns one run's Dagster event-log entries (instance event listener) and dbt's log lines
    into StageEvents for a renderer. plan: step key → stage; model_total / test_total: how many
    dbt models (with seeds) and tests the run is expected to build."""

    emit: Callable[[StageEvent], None]
    plan: dict[str, str]
    model_total: int | None = None
    test_total: int | None = None
    warn: Callable[[str, str], None] = lambda source, message: None
    started: dict[str, float] = field(default_factory=dict)
    ended: set[str] = field(default_factory=set)
    failed_steps: list[str] = field(default_factory=list)
    dbt_errors: list[str] = field(default_factory=list)
    _kinds: dict[int, str] = field(default_factory=dict)
    _tests_failed: int = 0
    _error_tail: int = 0

    def steps_of(self, stage: str) -> list[str]:
        return [k for k, s in self.plan.items() if s == stage]

    def total_for(self, stage: str) -> int | None:
        return {"models": self.model_total, "tests": self.test_total}.get(
            stage, len(self.steps_of(stage)))

    # Dagster ------------------------------------------------------------------------------
    def on_entry(self, entry: Any) -> None:
        """An EventLogEntry: step starts and ends, check results, warnings logged by the code."""
        event = entry.dagster_event
        if event is None:
            message = (entry.user_message or "").strip()
            # logging.WARNING; Dagster's "not executing" notices are the skipped stages' lines
            if entry.level >= 30 and message and not message.startswith(SKIP_NOTICE):
                self.warn(entry.step_key or "dagster", message.splitlines()[0])
            return
        kind, step = event.event_type_value, event.step_key
        if kind == "STEP_START" and step:
            self.step_started(step, entry.timestamp)
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED") and step:
            self.step_ended(step, entry.timestamp, kind)
        elif kind == "ASSET_CHECK_EVALUATION" and step and self.plan.get(step) == "quality":
            data = event.event_specific_data
            passed = bool(getattr(data, "passed", True))
            severity = str(getattr(getattr(data, "severity", None), "value", ""))
            if not passed and severity == "WARN":
                self.emit(StageEvent("quality", "advance", count=0, warned=1))
        elif kind in ("RUN_SUCCESS", "RUN_FAILURE", "RUN_CANCELED"):
            self.run_ended(kind == "RUN_SUCCESS")

    def step_started(self, step: str, at: float) -> None:
        stage = self.plan.get(step, step_stage(step, False))
        self.started[step] = at
        self.emit(StageEvent(stage, "start", total=self.total_for(stage)))
        if stage == "models":
            self.emit(StageEvent("tests", "start", total=self.test_total, timed=False))

    def step_ended(self, step: str, at: float, kind: str) -> None:
        stage = self.plan.get(step, step_stage(step, False))
        self.ended.add(step)
        if kind == "STEP_FAILURE":
            self.failed_steps.append(step)
        if stage != "models":
            self.emit(StageEvent(stage, "advance", count=1 if kind != "STEP_SKIPPED" else 0,
                                 failed=int(kind == "STEP_FAILURE")))
        if step in self.started:
            self.emit(StageEvent(stage, "pause"))
        remaining = [s for s in self.steps_of(stage) if s not in self.ended]
        if not remaining:
            self.finish(stage)

    def finish(self, stage: str) -> None:
        ran = [s for s in self.steps_of(stage) if s in self.started]
        outcome = "skip" if not ran else ("fail" if any(s in self.failed_steps for s in ran) else "done")
        self.emit(StageEvent(stage, outcome))
        if stage == "models":
            self.emit(StageEvent("tests", "skip" if not ran else
                                 ("fail" if self._tests_failed else "done")))

    def run_ended(self, success: bool) -> None:
        """Stages with steps that never ended (stopped runs) or never started are closed."""
        for stage in dict.fromkeys(self.plan.values()):
            steps = self.steps_of(stage)
            if steps and not all(s in self.ended for s in steps):
                self.ended.update(steps)
                self.finish(stage)

    # dbt ------------------------------------------------------------------------------------
    def on_dbt_line(self, text: str) -> None:
        """One line of dbt's log ('12 of 93 OK created sql view model …'): model and test
        progress, test warnings, errors kept for the error block."""
        line = ANSI.sub("", text).strip()
        match = DBT_NODE.match(line)
        if not match:
            if line.startswith(DBT_ERROR_HEADS):
                self.dbt_errors.append(line)
                self._error_tail = 2  # the error's own words follow on the next lines
            elif self._error_tail and line:
                self.dbt_errors.append(f"    {line}")
                self._error_tail -= 1
            return
        index, status, rest = int(match["i"]), match["status"], match["rest"].strip()
        if self.started and not any(self.plan.get(s, step_stage(s, False)) == "models"
                                    for s in self.started if s not in self.ended):
            # dbt of another stage (the month-end history's mart and re-scoring): its errors
            # are kept above, its nodes are not the run's models and tests
            if status in ("FAIL", "ERROR"):
                self.dbt_errors.append(f"{status} {rest.split(' ..', 1)[0].strip()}")
            return
        if status == "START":
            self._kinds[index] = "test" if rest.split(" ", 1)[0] in TEST_KINDS else "model"
            return
        kind = self._kinds.pop(index, "test" if status in ("PASS", "WARN", "FAIL") else "model")
        name = re.sub(r"^\d+ ", "", rest.split(" ..", 1)[0].strip())
        if kind == "test":
            seconds = DBT_SECONDS.search(line)
            if seconds:  # a test's seconds count for tests, not for the models around them
                self.emit(StageEvent("tests", "time", seconds=float(seconds[1])))
                self.emit(StageEvent("models", "time", seconds=-float(seconds[1])))
            self._tests_failed += int(status in ("FAIL", "ERROR"))
            self.emit(StageEvent("tests", "advance", warned=int(status == "WARN"),
                                 failed=int(status in ("FAIL", "ERROR"))))
            if status == "WARN":
                self.warn("dbt 测试 test", name)
        else:
            self.emit(StageEvent("models", "advance", failed=int(status == "ERROR")))
        if status in ("FAIL", "ERROR"):
            self.dbt_errors.append(f"{status} {name}")


def executable_assets(defs: Any) -> list[Any]:
    """The Definitions' asset and asset-check definitions that run as steps (each one step in
    this project: the in-process executor runs a node as one step)."""
    from dagster import AssetsDefinition

    return [a for a in [*(defs.assets or []), *(defs.asset_checks or [])]
            if isinstance(a, AssetsDefinition) and a.is_executable]


def plan_of(defs: Any) -> dict[str, str]:
    """Step key → stage for the project's Definitions."""
    return {a.op.name: step_stage(a.op.name, not a.keys and bool(a.check_keys))
            for a in executable_assets(defs)}


def dbt_model_total(defs: Any, plan: dict[str, str]) -> int:
    """How many dbt models and seeds a whole run materialises (the assets of its dbt steps)."""
    return sum(len(a.keys) for a in executable_assets(defs) if plan.get(a.op.name) == "models")


# --- the session: log file, captured output, the active renderer ------------------------------

class _Tap:
    """Stands in for sys.stdout / sys.stderr during a session: every write goes to the log
    file (and, with -v, to the terminal too); complete lines are offered to `on_line`."""

    def __init__(self, real: TextIO, log: TextIO, verbose: bool, on_line: Callable[[str], None]):
        self.real, self.log, self.verbose, self.on_line = real, log, verbose, on_line
        self._partial = ""
        self.encoding = getattr(real, "encoding", "utf-8")

    def write(self, text: str) -> int:
        self.log.write(text)
        if self.verbose:
            self.real.write(text)
        self._partial += text
        *lines, self._partial = self._partial.split("\n")
        for line in lines:
            with contextlib.suppress(Exception):  # a display problem never stops a run
                self.on_line(line)
        return len(text)

    def flush(self) -> None:
        self.log.flush()
        if self.verbose:
            self.real.flush()

    def isatty(self) -> bool:
        return self.verbose and self.real.isatty()

    def fileno(self) -> int:
        return self.real.fileno()


@dataclass
class Session:
    renderer: ConsoleRenderer
    log_path: Path
    verbose: bool
    command: str = ""
    watcher: RunWatcher | None = None
    last_watcher: RunWatcher | None = None

    def on_line(self, line: str) -> None:
        if self.watcher is not None:
            self.watcher.on_dbt_line(line)


_ACTIVE: list[Session] = []


def active() -> Session | None:
    """The session of the running command, if any (tests calling run_pipeline have none)."""
    return _ACTIVE[-1] if _ACTIVE else None


def log_file_for(logs_dir: Path, command: str) -> Path:
    """<data>/logs/<UTC time>-<command>.log; the oldest beyond LOGS_KEPT are removed."""
    logs_dir.mkdir(parents=True, exist_ok=True)
    old = sorted(logs_dir.glob("*.log"))
    for stale in old[: max(0, len(old) - LOGS_KEPT + 1)]:
        stale.unlink(missing_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    path = logs_dir / f"{stamp}-{command}.log"
    n = 1
    while path.exists():
        n += 1
        path = logs_dir / f"{stamp}-{command}-{n}.log"
    return path


@contextlib.contextmanager
def session(logs_dir: Path, command: str, verbose: bool = False,
            out: TextIO | None = None) -> Iterator[Session]:
    """The console of one command: its log file (path printed first), stdout/stderr routed into
    it (and to the terminal with -v), stages drawn by a renderer; warnings and errors printed on
    leaving, then the log's path again."""
    real_out, real_err = sys.stdout, sys.stderr
    out = out or real_out
    path = log_file_for(logs_dir, command)
    renderer = ConsoleRenderer(out, live=False if verbose else None)
    with path.open("w", encoding="utf-8", buffering=1) as log:
        current = Session(renderer, path, verbose, command)
        renderer.line(f"日志 log: {path}")
        sys.stdout = _Tap(real_out, log, verbose, current.on_line)  # type: ignore[assignment]
        sys.stderr = _Tap(real_err, log, verbose, current.on_line)  # type: ignore[assignment]
        _ACTIVE.append(current)
        try:
            yield current
        finally:
            _ACTIVE.pop()
            sys.stdout, sys.stderr = real_out, real_err
            renderer.close(path)


@contextlib.contextmanager
def watching(title: str, plan: dict[str, str], model_total: int | None,
             test_total: int | None) -> Iterator[RunWatcher | None]:
    """Inside a session: a watcher for one Dagster run under `title` (None outside a session)."""
    current = active()
    if current is None:
        yield None
        return
    current.renderer.begin(f"ecoscore {current.command} · {title}" if current.command else title)
    watcher = RunWatcher(current.renderer.handle, plan, model_total, test_total,
                         warn=current.renderer.warn)
    current.watcher = current.last_watcher = watcher
    try:
        yield watcher
    finally:
        current.watcher = None
        watcher.run_ended(success=not watcher.failed_steps)


@dataclass
class StageNote:
    """What a `stage()` block may say about itself when it ends ('12 个模型 models')."""

    note: str = ""


@contextlib.contextmanager
def stage(key: str, note: str = "") -> Iterator[StageNote]:
    """A stage done outside Dagster (whatif's re-score, an as-of dashboard drawn by the CLI): its
    line with elapsed time; marked failed if the block raises. A no-op outside a session."""
    said = StageNote(note)
    current = active()
    if current is None:
        yield said
        return
    current.renderer.handle(StageEvent(key, "start"))
    try:
        yield said
    except BaseException:
        current.renderer.handle(StageEvent(key, "fail"))
        raise
    current.renderer.handle(StageEvent(key, "done", note=said.note))
