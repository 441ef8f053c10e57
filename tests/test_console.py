"""The console of `ecoscore run` / `backfill` / `whatif` / `dashboard` (issue 19 part 1), tested
with fake Dagster entries and dbt lines: no pipeline run."""

from __future__ import annotations

import io
import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import pytest

from pipelines.lib import console
from pipelines.lib.console import ConsoleRenderer, RunWatcher, StageEvent

# steps like those of the real job `ecoscore_all`, by stage (pipelines.lib.console.plan_of),
# with several dbt steps (the watcher counts dbt's lines across them)
PLAN = {
    **{f"raw__{n}": "ingest" for n in ("air_stations", "air_station_hourly", "air_peer_groups",
                                      "water_sections", "water_section_monthly", "scoring_peers")},
    "raw_ledgers": "ingest", "raw_schemes": "ingest",
    **{f"raw__check_{n}": "quality" for n in range(6)},
    "ecoscore_dbt_models": "models", "ecoscore_dbt_air_hourly": "models",
    "ecoscore_dbt_models_2": "models", "ecoscore_dbt_models_3": "models",
    **{f"marts__check_{n}": "quality" for n in range(5)},
    "release_candidate": "publish", "dashboard": "dashboard", "office_files": "publish",
    "published_release": "publish",
}


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class FakeEntry:
    """The fields of a Dagster EventLogEntry the watcher reads."""

    dagster_event: object | None
    step_key: str | None = None
    level: int = logging.DEBUG
    user_message: str = ""
    timestamp: float = 0.0


def step_event(kind: str, step: str, **data) -> FakeEntry:
    event = SimpleNamespace(event_type_value=kind, step_key=step,
                            event_specific_data=SimpleNamespace(**data))
    return FakeEntry(event, step_key=step)


def run_event(kind: str) -> FakeEntry:
    return FakeEntry(SimpleNamespace(event_type_value=kind, step_key=None, event_specific_data=None))


def dbt_lines(models: int, tests: int, warn: str | None = None, error: str | None = None) -> list[str]:
    total, lines, i = models + tests, [], 0
    for m in range(models):
        i += 1
        result = (f"ERROR creating sql table model marts.m{m} ... [\x1b[31mERROR\x1b[0m in 0.20s]"
                  if error and m == 0 else
                  f"OK created sql table model marts.m{m} ..... [\x1b[32mOK\x1b[0m in 0.30s]")
        lines += [f"{i} of {total} START sql table model marts.m{m} ... [RUN]", f"{i} of {total} {result}"]
    if error:
        lines += ["Database Error in model m0 (models/marts/m0.sql)", f"  {error}"]
    for t in range(tests):
        i += 1
        status = "WARN 2" if warn and t == 0 else "PASS"
        lines += [f"{i} of {total} START test not_null_m_t{t} ....... [RUN]",
                  f"{i} of {total} {status} {warn if warn and t == 0 else f'not_null_m_t{t}'} ..... "
                  f"[{status} in 0.10s]"]
    return lines


def drive(renderer: ConsoleRenderer, clock: Clock, fail_step: str | None = None,
          warn: str | None = None, error: str | None = None) -> RunWatcher:
    """Feed a whole run of the real plan's shape (1 s per step) through a watcher."""
    watcher = RunWatcher(renderer.handle, PLAN, model_total=8, test_total=12, warn=renderer.warn)
    renderer.begin("2024 年")
    for step, stage in PLAN.items():
        watcher.on_entry(step_event("STEP_START", step))
        clock.now += 1
        if stage == "models":
            for line in dbt_lines(2, 3, warn=warn if step == "ecoscore_dbt_models" else None,
                                  error=error if step == "ecoscore_dbt_models_2" else None):
                watcher.on_dbt_line(line)
        if step == "raw__check_1":
            watcher.on_entry(step_event("ASSET_CHECK_EVALUATION", step, passed=False,
                                        severity=SimpleNamespace(value="WARN")))
        failed = step == fail_step
        watcher.on_entry(step_event("STEP_FAILURE" if failed else "STEP_SUCCESS", step))
        if failed:
            break
    watcher.on_entry(run_event("RUN_FAILURE" if fail_step else "RUN_SUCCESS"))
    return watcher


def test_plain_output_is_one_line_per_stage_with_counts_and_seconds() -> None:
    out, clock = io.StringIO(), Clock()
    renderer = ConsoleRenderer(out, live=False, clock=clock)
    drive(renderer, clock)
    renderer.close(Path("/data/logs/x-run.log"))
    lines = out.getvalue().splitlines()
    assert lines[0] == "2024 年"
    stages = [line for line in lines if line.startswith("  ✓")]
    assert len(stages) == 6
    models = next(s for s in stages if "dbt 模型" in s)
    tests = next(s for s in stages if "dbt 测试" in s)
    assert "8/8" in models and "12/12" in tests
    # 4 dbt steps of 1 s, of which 12 tests × 0.1 s are the tests' time
    assert models.endswith("2.8 s") and tests.endswith("1.2 s")
    assert next(s for s in stages if "读取数据" in s).endswith("8.0 s")
    assert "11/11" in next(s for s in stages if "质量检查" in s)
    assert "1 警告 warn" in next(s for s in stages if "质量检查" in s)
    assert lines[-1].startswith("日志 log: /data/logs/x-run.log")
    assert "\x1b" not in out.getvalue(), "no control codes when not a terminal"


def test_the_whole_default_output_of_a_run_stays_short() -> None:
    """Issue 19 'must show': the default output of a run is readable — here its console part
    (the scores table adds one line per unit and scheme, ≈ 20 on the sample) stays ≤ 20 lines
    and names the log file."""
    out, clock = io.StringIO(), Clock()
    renderer = ConsoleRenderer(out, live=False, clock=clock)
    drive(renderer, clock, warn="accepted_values_x")
    for n in range(40):
        renderer.warn("数据质量 quality", f"finding {n % 3}")
    renderer.close(Path("/data/logs/x-run.log"))
    text = out.getvalue()
    assert len(text.splitlines()) <= 20
    assert "/data/logs/x-run.log" in text


def test_warnings_are_counted_most_frequent_first() -> None:
    out = io.StringIO()
    renderer = ConsoleRenderer(out, live=False)
    for _ in range(3):
        renderer.warn("数据质量 quality", "空气完整性 · pm2_5: 有效天数不足")
    renderer.warn("dbt 测试 test", "accepted_values_x")
    renderer.close()
    lines = out.getvalue().splitlines()
    assert lines[0] == "警告 warnings: 4"
    assert lines[1].split()[:2] == ["3", "×"] and "有效天数不足" in lines[1]
    assert "1 × dbt 测试 test: accepted_values_x" in lines[2]


def test_a_dbt_test_warning_is_counted_in_the_tests_line_and_the_summary() -> None:
    out, clock = io.StringIO(), Clock()
    renderer = ConsoleRenderer(out, live=False, clock=clock)
    drive(renderer, clock, warn="accepted_values_stg_x_kind")
    renderer.close()
    text = out.getvalue()
    assert "1 警告 warn" in next(line for line in text.splitlines() if "dbt 测试" in line)
    assert "1 × dbt 测试 test: accepted_values_stg_x_kind" in text


def test_a_failed_step_marks_its_stage_and_the_rest_as_not_run() -> None:
    out, clock = io.StringIO(), Clock()
    renderer = ConsoleRenderer(out, live=False, clock=clock)
    watcher = drive(renderer, clock, fail_step="raw__check_2")
    renderer.close()
    lines = out.getvalue().splitlines()
    assert any(line.startswith("  ✗ 质量检查") and "1 失败 failed" in line for line in lines)
    assert any(line.startswith("  – 发布") and "未运行 skipped" in line for line in lines)
    assert watcher.failed_steps == ["raw__check_2"]


def test_a_dbt_model_error_is_kept_with_its_file_for_the_error_block() -> None:
    out, clock = io.StringIO(), Clock()
    renderer = ConsoleRenderer(out, live=False, clock=clock)
    watcher = drive(renderer, clock, error="Binder Error: column x not found")
    assert "ERROR created sql table model marts.m0" not in watcher.dbt_errors
    assert any("models/marts/m0.sql" in e for e in watcher.dbt_errors)
    assert any("column x not found" in e for e in watcher.dbt_errors)
    assert any(e.startswith("ERROR creating sql table model marts.m0") for e in watcher.dbt_errors)


def test_the_error_block_names_file_row_column_and_what_to_do() -> None:
    block = console.error_block("运行失败 run failed", [
        "  [阻断发布] 空气站点小时数据 · co: CO 超出物理范围\n      air/station_hourly_2024-03.csv 行 12"],
        "改正上面列出的文件、行、列，再运行", Path("/d/logs/a.log"))
    text = "\n".join(block)
    assert block[0] == block[-1] and set(block[0]) == {"─"}
    assert "air/station_hourly_2024-03.csv 行 12" in text and "co:" in text
    assert "怎么办 what to do: 改正" in text and "/d/logs/a.log" in text


def test_an_unknown_step_stage_comes_from_its_name() -> None:
    assert console.step_stage("ecoscore_dbt_models_4", False) == "models"
    assert console.step_stage("raw__new_feed", False) == "ingest"
    assert console.step_stage("raw__new_feed_some_suite", True) == "quality"
    assert console.step_stage("published_release", False) == "publish"
    assert console.step_stage("ops__unit_score_month_ends", False) == "months"  # issue 35


def test_live_terminal_output_draws_bars_then_leaves_the_lines() -> None:
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    out, clock = Terminal(), Clock()
    renderer = ConsoleRenderer(out, clock=clock)
    assert renderer.live
    drive(renderer, clock)
    renderer.close()
    text = console.ANSI.sub("", out.getvalue())
    assert "8/8" in text and "12/12" in text and "驾驶舱 dashboard" in text


def test_session_writes_everything_to_the_log_and_prints_only_stages(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture) -> None:
    with console.session(tmp_path / "logs", "run") as current:
        print("2026-12-01 - dagster - DEBUG - STEP_START - noise")
        print("Running with dbt=1.11.16", file=sys.stderr)
        with console.stage("dashboard", note="html"):
            pass
        log = current.log_path
    out = capsys.readouterr().out
    assert "noise" not in out and "dbt=1.11.16" not in out
    assert "noise" in log.read_text() and "dbt=1.11.16" in log.read_text()
    assert out.splitlines()[0] == f"日志 log: {log}"
    assert "✓ 驾驶舱 dashboard" in out and str(log) in out.splitlines()[-1]
    with console.session(tmp_path / "logs", "run"), console.watching("2024 年", {}, None, None):
        pass
    assert "ecoscore run · 2024 年" in capsys.readouterr().out
    assert log.parent == tmp_path / "logs" and log.name.endswith("-run.log")


def test_verbose_session_streams_the_logs_too(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    with console.session(tmp_path / "logs", "run", verbose=True):
        print("dagster DEBUG noise")
    assert "dagster DEBUG noise" in capsys.readouterr().out


def test_a_failing_stage_block_is_marked_and_the_error_still_raised(tmp_path: Path, capsys) -> None:
    with pytest.raises(RuntimeError), console.session(tmp_path / "logs", "whatif"):
        with console.stage("models"):
            raise RuntimeError("dbt failed")
    assert "✗ dbt 模型 models" in capsys.readouterr().out


def test_old_logs_are_pruned(tmp_path: Path) -> None:
    for n in range(console.LOGS_KEPT + 5):
        (tmp_path / f"2026010{n:03d}-run.log").write_text("")
    console.log_file_for(tmp_path, "run").write_text("")
    assert len(list(tmp_path.glob("*.log"))) == console.LOGS_KEPT


def test_stage_outside_a_session_does_nothing(capsys) -> None:
    with console.stage("models"):
        pass
    assert capsys.readouterr().out == ""


def test_renderer_events_accumulate_time_only_while_active() -> None:
    clock = Clock()
    renderer = ConsoleRenderer(io.StringIO(), live=False, clock=clock)
    renderer.handle(StageEvent("ingest", "start", total=2))
    clock.now = 3
    renderer.handle(StageEvent("ingest", "pause"))
    clock.now = 10
    renderer.handle(StageEvent("ingest", "start"))
    clock.now = 11
    renderer.handle(StageEvent("ingest", "done"))
    assert renderer.stages["ingest"].seconds == 4


def test_the_default_output_of_a_sample_run_is_short_and_names_its_log(
        sample_run, capsys: pytest.CaptureFixture) -> None:
    """Issue 19 'must show': the default console output of `ecoscore run` on the sample (the
    session's sample run, drawn as the command draws it, then the command's summary table) stays
    under 60 lines and names the log file, which holds Dagster's and dbt's logs."""
    from pipelines.cli import print_summary

    shown = (sample_run.logs_dir / "console.txt").read_text(encoding="utf-8")
    print_summary(sample_run, 2024)
    lines = shown.splitlines() + capsys.readouterr().out.splitlines()
    assert len(lines) < 60, "\n".join(lines)
    log = Path(shown.splitlines()[0].removeprefix("日志 log: "))
    assert log.exists() and str(log) in shown.splitlines()[-1]
    text = log.read_text(encoding="utf-8")
    assert "STEP_START" in text and " of " in text and "PASS" in text  # Dagster's and dbt's lines
    stages = [line for line in shown.splitlines() if line.startswith("  ✓")]
    assert len(stages) == 7, shown  # ingest, quality, month ends, models, tests, dashboard, publish
    models = next(line for line in stages if "dbt 模型" in line)
    done, total = models.split()[4].split("/")
    assert done == total and int(total) > 80
    assert "\x1b" not in shown


def test_warnings_logged_by_steps_are_counted_but_not_dagsters_skip_notices() -> None:
    renderer = ConsoleRenderer(io.StringIO(), live=False)
    watcher = RunWatcher(renderer.handle, PLAN, warn=renderer.warn)
    watcher.on_entry(FakeEntry(None, "ecoscore_dbt_models_2", logging.WARNING, "Logging an AssetObservation"))
    watcher.on_entry(FakeEntry(None, "dashboard", logging.WARNING,
                               "Dependencies for step dashboard were not executed: ['x']. Not executing."))
    watcher.on_entry(FakeEntry(None, "raw_ledgers", logging.INFO, "loaded 3 files"))
    assert renderer.warnings == {("ecoscore_dbt_models_2", "Logging an AssetObservation"): 1}
