"""The DbtProject, alone in its module: `dagster-dbt project prepare-and-package` fails when it
sits beside `@dbt_assets`. The manifest is (re)built whenever a dbt file is newer than it, so
the CLI, the tests and `dagster dev` always load the models as they are on disk."""

from __future__ import annotations

import os
from pathlib import Path

from dagster_dbt import DbtProject

from pipelines.lib.settings import DBT_PROJECT_DIR, export_environment, get_settings

WATCHED = ("models", "macros", "seeds", "tests", "dbt_project.yml")


def _newest_source_mtime(project_dir: Path) -> float:
    newest = 0.0
    for name in WATCHED:
        path = project_dir / name
        files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
        newest = max([newest, *(p.stat().st_mtime for p in files)])
    return newest


def load_dbt_project() -> DbtProject:
    export_environment(get_settings())
    # DBT_TARGET_PATH lets two checkouts' workers (or tests) parse without sharing target/
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR,
                         target_path=os.environ.get("DBT_TARGET_PATH", "target"))
    manifest = project.manifest_path
    if not manifest.exists() or manifest.stat().st_mtime < _newest_source_mtime(DBT_PROJECT_DIR):
        project.preparer.prepare(project)
    return project


dbt_project = load_dbt_project()
