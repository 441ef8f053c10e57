"""The dbt resource of the Dagster assets (issue 21): dagster-dbt's subprocess invocation without
the `dbt --version` start and the in-process adapter it would open before each run's first dbt
step, and dbt's target folder kept per warehouse so a run's dbt steps parse only what changed."""

from __future__ import annotations

import importlib.metadata
import json
from functools import cached_property
from pathlib import Path

import dagster_dbt.core.resource as dagster_dbt_resource
import pytest
from dagster_dbt import DbtCliResource

from pipelines.dbt.assets import SubprocessDbtResource, build_args, dbt_vars
from pipelines.dbt.project import dbt_project
from pipelines.lib.resources import RunParameters
from pipelines.lib.settings import Settings


def test_the_private_methods_it_replaces_still_exist_in_dagster_dbt():
    """An upgrade of dagster-dbt that renames them would silently bring both costs back."""
    assert isinstance(DbtCliResource.__dict__["_cli_version"], cached_property)
    assert callable(DbtCliResource.__dict__["_initialize_dbt_core_adapter"])


def test_the_dbt_version_is_read_from_the_installed_package_without_starting_dbt(monkeypatch):
    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"started a subprocess: {args}")

    monkeypatch.setattr(dagster_dbt_resource, "check_output", no_subprocess)
    resource = SubprocessDbtResource(project_dir=dbt_project)
    assert str(resource._cli_version) == importlib.metadata.version("dbt-core")
    assert resource._cli_version.major == 1  # dagster-dbt takes the dbt Core path, not Fusion
    assert resource._initialize_dbt_core_adapter(["build"]) is None


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
