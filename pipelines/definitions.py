"""The Dagster code location: merges each domain's definitions, nothing else.

Domains: air, scoring (ingest assets), dbt (every model), publish (export → dashboard →
switch live). One job runs them all in one process: DuckDB allows one writer per file."""

from __future__ import annotations

import dagster as dg

from pipelines.air import assets as air
from pipelines.dbt import assets as dbt
from pipelines.lib.resources import RunParameters, WarehouseResource
from pipelines.publish import assets as publish
from pipelines.scoring import assets as scoring

DOMAIN_DEFS = [air.defs, scoring.defs, dbt.defs, publish.defs]

ecoscore_job = dg.define_asset_job(
    "ecoscore_all",
    selection=dg.AssetSelection.all(),
    description="Ingest → dbt build (staging → intermediate → marts, with tests) → publish.",
    executor_def=dg.in_process_executor,
)

nightly = dg.ScheduleDefinition(
    name="nightly", job=ecoscore_job, cron_schedule="0 2 * * *",
    execution_timezone="Asia/Shanghai",
    description="Every night at 02:00 Beijing time.",
)


def build_definitions(run: RunParameters | None = None) -> dg.Definitions:
    shared = dg.Definitions(
        jobs=[ecoscore_job],
        schedules=[nightly],
        resources={"warehouse": WarehouseResource(), "run": run or RunParameters()},
        executor=dg.in_process_executor,
    )
    return dg.Definitions.merge(*DOMAIN_DEFS, shared)


defs = build_definitions()
