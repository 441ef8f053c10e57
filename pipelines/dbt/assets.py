"""Every dbt seed, model and test as Dagster assets and checks, grouped by domain folder so
the UI's groups match the folders (models/<layer>/<domain>/...)."""


import json
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, dbt_assets

from pipelines.dbt.project import dbt_project
from pipelines.lib.resources import RunParameters

LAYERS = ("staging", "intermediate", "marts")


class DomainTranslator(DagsterDbtTranslator):
    """models/<layer>/<domain>/x.sql → group <domain>; seeds → group standards."""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        if dbt_resource_props.get("resource_type") == "seed":
            return "standards"
        if len(fqn) >= 3 and fqn[1] in LAYERS:
            return fqn[2]
        return super().get_group_name(dbt_resource_props)


def dbt_vars(run: RunParameters) -> str:
    return json.dumps({"year": run.year, "as_of": run.as_of})


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project,
            dagster_dbt_translator=DomainTranslator())
def ecoscore_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource,
                        run: RunParameters):
    yield from dbt.cli(["build", "--vars", dbt_vars(run)], context=context).stream()


def mart_asset_keys() -> list[dg.AssetKey]:
    """Keys of every model under models/marts: what publishing exports."""
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    translator = DomainTranslator()
    return sorted(
        (translator.get_asset_key(node) for node in manifest["nodes"].values()
         if node["resource_type"] == "model" and node["fqn"][1] == "marts"),
        key=lambda k: k.to_user_string(),
    )


defs = dg.Definitions(
    assets=[ecoscore_dbt_models],
    resources={"dbt": DbtCliResource(project_dir=dbt_project)},
)
