"""The DbtProject, alone in its module: `dagster-dbt project prepare-and-package` fails when it
sits beside `@dbt_assets`. The manifest is (re)built whenever a dbt file is newer than it, so
the CLI, the tests and `dagster dev` always load the models as they are on disk."""

from __future__ import annotations

from dagster_dbt import DbtProject

from pipelines.lib.dbt_launcher import manifest_is_stale, project_target
from pipelines.lib.settings import DBT_PROJECT_DIR, export_environment, get_settings


def load_dbt_project() -> DbtProject:
    export_environment(get_settings())
    project = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR,
                         target_path=project_target())
    if manifest_is_stale(project.manifest_path):
        project.preparer.prepare(project)
    return project


dbt_project = load_dbt_project()
