"""The dbt step of a run (issues 21, 37): one `dbt build` a run through dbt's public programmatic
runner, in the run's process, the project parsed once per target folder, warehouse and state of
the dbt files; the air path's days are a var rendered at compile time, never the environment."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path

import pytest

from pipelines.dbt.assets import (
    AIR_HOURLY_PATH,
    air_path_and_after,
    air_window,
    build_args,
    dbt_vars,
    ecoscore_dbt,
    load_manifest,
    month_end_history,
    spec_ids,
    window_var,
)
from pipelines.dbt.project import dbt_project
from pipelines.lib import dbt_launcher
from pipelines.lib.partitions import range_tags
from pipelines.lib.resources import RunParameters, WarehouseResource
from pipelines.lib.settings import PROJECT_ROOT, Settings


def test_the_dbt_step_does_not_start_a_dbt_process():
    """dagster-dbt's CLI resource (a dbt subprocess: ~5 s of import and start and ~2 s of
    reloading the parse) is not used: dbt's own runner in the run's process."""
    source = (PROJECT_ROOT / "pipelines" / "dbt" / "assets.py").read_text(encoding="utf-8")
    assert "DbtCliResource" not in source and "dbt_launcher.stream(" in source


def test_one_dbt_step_holds_every_model_seed_and_test():
    """Issue 37 item 2: one dbt invocation a run. Every model and seed is an asset of the one
    step, every dbt test one of its checks (the month-end history's mart and tests aside, built
    after the month-end snapshots, issue 35); the step selects nodes by name, so names are
    unique."""
    from pipelines.definitions import defs
    from pipelines.lib.console import executable_assets, plan_of

    manifest = load_manifest()
    assets, checks = spec_ids(ecoscore_dbt)
    kinds = {uid: node["resource_type"] for uid, node in manifest["nodes"].items()}
    # but the month-end history (issue 35): its mart reads the snapshots recorded after the run's
    # scoring marts and checks, so it is built by a step of its own, after them
    later_assets, later_checks = spec_ids(month_end_history)
    assert [manifest["nodes"][u]["name"] for u in later_assets] == ["fct_unit_score_monthly"]
    assert not set(assets) & set(later_assets) and not set(checks) & set(later_checks)
    assert set(assets) | set(later_assets) == {u for u, k in kinds.items() if k in ("model", "seed")}
    assert set(checks) | set(later_checks) == {u for u, k in kinds.items() if k == "test"}
    names = [manifest["nodes"][u]["name"] for u in [*assets, *checks]]
    assert len(names) == len(set(names))
    dbt_steps = [a.op.name for a in executable_assets(defs) if plan_of(defs)[a.op.name] == "models"]
    assert dbt_steps == ["ecoscore_dbt"]


def test_the_step_builds_what_it_names_and_nothing_else():
    """`--indirect-selection empty`: dbt adds no test of its own accord; unit tests never run in
    a pipeline run (tests/test_dbt_unit_tests.py runs them)."""
    args = build_args(["stg_a", "not_null_stg_a_x"], full_refresh=False)
    assert args[:6] == ["build", "--exclude-resource-type", "unit_test", "--indirect-selection",
                        "empty", "--no-write-json"]
    assert args[args.index("--select") + 1:] == ["stg_a", "not_null_stg_a_x"]
    assert build_args(["x"], full_refresh=True)[-1] == "--full-refresh"


def test_the_air_window_is_the_runs_months_plus_a_day_each_side():
    """The incremental air path rebuilds the days of the run's month partitions, with a day on
    each side (an hour filed under the neighbouring month: a 24:00 reading)."""
    assert air_window(range_tags("2024-12", "2024-12")) == (dt.date(2024, 11, 30), dt.date(2025, 1, 1))
    assert air_window(range_tags("2024-02", "2024-03")) == (dt.date(2024, 1, 31), dt.date(2024, 4, 1))
    assert air_window({"dagster/partition": "2024-02"}) == (dt.date(2024, 1, 31), dt.date(2024, 3, 1))
    assert air_window({}) is None  # a run of no month partition: nothing of the path to redo
    assert window_var(None) == "none"
    assert window_var((dt.date(2024, 1, 31), dt.date(2024, 3, 1))) == ["2024-01-31", "2024-03-01"]


def test_the_window_is_a_var_rendered_at_compile_time_not_the_environment():
    """Issue 37 item 3: the window travels as the dbt var `air_window`, read only when executing
    (the project is parsed with the run's year and as-of date alone, so a new window re-parses
    nothing); no macro reads an environment variable."""
    run = RunParameters(warehouse=WarehouseResource(data_dir="/x"), year=2024, as_of="")
    assert dbt_vars(run) == {"year": 2024, "as_of": ""}
    macro = (Path(dbt_project.project_dir) / "macros" / "ops" / "incremental_window.sql").read_text()
    assert "var('air_window', 'all') if execute" in macro
    for path in (Path(dbt_project.project_dir) / "macros").rglob("*.sql"):
        assert "env_var(" not in path.read_text(encoding="utf-8"), path
    profile = (Path(dbt_project.project_dir) / "profiles.yml").read_text(encoding="utf-8")
    assert "var('warehouse'" in profile and "keep_open: false" in profile


def test_the_air_path_and_what_reads_it_are_not_reused():
    """The reusable group (pipelines/dbt/reuse.py) is what does not read the air path."""
    manifest = load_manifest()
    after = air_path_and_after(manifest)
    tagged = {u for u, n in manifest["nodes"].items() if AIR_HOURLY_PATH in n.get("tags", [])}
    assert tagged < after
    assert "model.ecoscore.fct_unit_scores" in after
    assert "model.ecoscore.stg_scheme__items" not in after


def test_a_kept_parse_is_dropped_when_a_dbt_source_file_changes(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch):
    """The parsed project is kept per (target folder, warehouse, sources stamp, vars): editing,
    adding or removing a model gives another stamp, so a long-lived process parses again."""
    project = tmp_path / "dbt_project"
    shutil.copytree(Path(dbt_project.project_dir) / "models", project / "models")
    (project / "dbt_project.yml").write_text("name: x\n")
    monkeypatch.setattr(dbt_launcher, "DBT_PROJECT_DIR", project)
    first = dbt_launcher.sources_stamp()
    model = next((project / "models").rglob("*.sql"))
    os.utime(model, ns=(first[1] + 10**9, first[1] + 10**9))
    edited = dbt_launcher.sources_stamp()
    assert edited[0] == first[0] and edited[1] > first[1]
    (project / "models" / "new_model.sql").write_text("select 1 as x")
    added = dbt_launcher.sources_stamp()
    assert added[0] == first[0] + 1
    model.unlink()
    removed = dbt_launcher.sources_stamp()
    assert removed[0] == first[0]
    manifest = tmp_path / "manifest.json"  # the project's manifest: stale by the same stamp
    manifest.write_text("{}")
    os.utime(manifest, ns=(removed[1] - 1, removed[1] - 1))
    assert dbt_launcher.manifest_is_stale(manifest)
    os.utime(manifest, ns=(removed[1], removed[1]))
    assert not dbt_launcher.manifest_is_stale(manifest)


def test_every_invocation_names_its_warehouse_as_a_var(tmp_path: Path):
    """The warehouse reaches profiles.yml as the var `warehouse`, with the run's other vars."""
    args = dbt_launcher.common_args(tmp_path / "w.duckdb", tmp_path / "t", {"year": 2024})
    assert json.loads(args[args.index("--vars") + 1]) == {"year": 2024,
                                                          "warehouse": str(tmp_path / "w.duckdb")}
    assert args[args.index("--target-path") + 1] == str(tmp_path / "t")


@pytest.mark.parametrize("warehouse", [None, "/elsewhere/scratch.duckdb"])
def test_each_warehouse_keeps_its_own_dbt_target_folder(tmp_path: Path, warehouse: str | None):
    settings = Settings(data_dir=tmp_path, warehouse_override=Path(warehouse) if warehouse else None)
    assert settings.dbt_target.parent == settings.warehouse_path.parent
    assert settings.dbt_target.name == f"{settings.warehouse_path.stem}.dbt_target"
