"""The DbtProject, alone in its module (dagster-dbt packaging needs that). Importing it does no
work: the manifest Dagster's dbt assets are defined from is written by `prepare()` — called by the
entry points (`ecoscore`, `make setup`, `make ui`, the test session) before they load the
definitions, and only when a dbt file is newer than it."""

from __future__ import annotations

from pathlib import Path

from dagster_dbt import DbtProject

from pipelines.lib.dbt_launcher import MANIFEST_DIR, prepare_manifest
from pipelines.lib.settings import DBT_PROJECT_DIR

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR,
                         target_path=MANIFEST_DIR)


def prepare(warehouse: Path | None = None) -> bool:
    """The manifest, parsed again when a dbt file is newer (pipelines/lib/dbt_launcher.py
    `prepare_manifest`); True when it parsed."""
    from pipelines.lib.settings import get_settings

    return prepare_manifest(warehouse or get_settings().warehouse_path)
