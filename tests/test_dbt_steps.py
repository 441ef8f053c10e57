"""The dbt steps of a run (issue 21): dbt runs in the run's process, imported once and the
project parsed once per target folder, warehouse and state of the dbt sources; each warehouse
keeps its own target folder, and a run's three steps pass the same vars, so a warm parse holds."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from pipelines.dbt.assets import build_args, dbt_vars
from pipelines.dbt.project import dbt_project
from pipelines.lib import dbt_launcher
from pipelines.lib.resources import RunParameters
from pipelines.lib.settings import Settings


def test_the_dbt_steps_do_not_start_a_dbt_process():
    """dagster-dbt's CLI resource (a dbt subprocess per step: ~5 s of import and start and ~2 s
    of reloading the parse, three times a run) is gone from the assets."""
    source = (Path(dbt_project.project_dir).parent / "pipelines" / "dbt" / "assets.py").read_text()
    assert "DbtCliResource" not in source and "dbt_launcher.stream(" in source


def test_a_kept_parse_is_dropped_when_a_dbt_source_file_changes(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch):
    """The parsed project is kept per (target folder, warehouse, sources stamp): editing,
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


def test_the_project_is_parsed_with_the_runs_vars():
    """`year` has no default (dbt_project.yml): the step's parse takes the command's --vars."""
    run = RunParameters(year=2023, as_of="2023-06-30")
    assert dbt_launcher._vars_of(build_args(run)) == {"year": 2023, "as_of": "2023-06-30"}
    assert dbt_launcher._vars_of(["build"]) is None


def test_the_three_steps_of_a_run_pass_the_same_vars_whatever_the_air_window():
    """dbt re-parses the whole project when the command line's vars change: the air path's days
    travel in the environment (macro air_window_where), so every step's vars are equal."""
    run = RunParameters(year=2024, as_of="")
    assert build_args(run) == build_args(run, full_refresh=False) == [
        "build", "--exclude-resource-type", "unit_test", "--vars", dbt_vars(run)]
    assert json.loads(dbt_vars(run)) == {"year": 2024, "as_of": ""}
    macro = (Path(dbt_project.project_dir) / "macros" / "ops" / "incremental_window.sql").read_text()
    assert "env_var('ECOSCORE_AIR_FROM'" in macro and "var('air_from'" not in macro


@pytest.mark.parametrize("warehouse", [None, "/elsewhere/scratch.duckdb"])
def test_each_warehouse_keeps_its_own_dbt_target_folder(tmp_path: Path, warehouse: str | None):
    settings = Settings(data_dir=tmp_path, warehouse_override=Path(warehouse) if warehouse else None)
    assert settings.dbt_target.parent == settings.warehouse_path.parent
    assert settings.dbt_target.name == f"{settings.warehouse_path.stem}.dbt_target"
