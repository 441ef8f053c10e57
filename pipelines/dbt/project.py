"""The DbtProject, alone in its module (dagster-dbt packaging needs that). Importing it does no
work: the manifest Dagster's dbt assets are defined from is written by `prepare()` — called by the
entry points (`ecoscore`, `make setup`, the test session) before they load the definitions, and
only when a dbt file is newer than it."""

from __future__ import annotations

import os
from pathlib import Path

from dagster_dbt import DbtProject

from pipelines.lib.settings import DBT_PROJECT_DIR

# dbt's own variable: two checkouts' (or test workers') manifests in separate target folders
TARGET = os.environ.get("DBT_TARGET_PATH", "target")

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR,
                         target_path=TARGET)


def prepare(warehouse: Path | None = None) -> bool:
    """Parse the project into its target folder when the manifest is missing or older than a
    dbt file (pipelines/lib/dbt_launcher.py `prepare_manifest`); True when it parsed. The
    warehouse only names the DuckDB catalogue in the manifest (a parse opens no database)."""
    from pipelines.lib.dbt_launcher import prepare_manifest
    from pipelines.lib.settings import get_settings

    return prepare_manifest(Path(dbt_project.manifest_path).parent,
                            warehouse or get_settings().warehouse_path)


if __name__ == "__main__":  # `make setup`: python -m pipelines.dbt.project
    print("dbt manifest", "parsed" if prepare() else "up to date", dbt_project.manifest_path)
