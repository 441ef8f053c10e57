"""The Dagster code location: merges each domain's definitions, nothing else.

Domains: air, scoring (ingest assets), dbt (every model), publish (export → dashboard →
switch live). One job runs them all in one process: DuckDB allows one writer per file."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import dagster as dg

import pipelines
from pipelines.lib.resources import RunParameters, WarehouseResource


def domain_definitions() -> list[dg.Definitions]:
    """`defs` of every pipelines/<domain>/assets.py (air, water, ledgers, scoring, dbt, publish…)."""
    root = Path(pipelines.__path__[0])
    modules = sorted(info.name for info in pkgutil.iter_modules(pipelines.__path__)
                     if info.ispkg and (root / info.name / "assets.py").exists())
    return [importlib.import_module(f"pipelines.{name}.assets").defs for name in modules]


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


def build_definitions(run: RunParameters | None = None,
                      warehouse: WarehouseResource | None = None) -> dg.Definitions:
    shared = dg.Definitions(
        jobs=[ecoscore_job],
        schedules=[nightly],
        resources={"warehouse": warehouse or WarehouseResource(), "run": run or RunParameters()},
        executor=dg.in_process_executor,
    )
    return dg.Definitions.merge(*domain_definitions(), shared)


defs = build_definitions()
