"""The Dagster code location: merges each domain's definitions, nothing else.

Each domain folder (air, water, ledgers, scoring, quality, dbt, publish, ops) exports `defs`
from its assets.py / schedules.py / sensors.py / checks.py; shared resources are bound here,
from one `Settings` object: the code location's are those of its environment (`get_settings()`,
read once here), `run_pipeline` passes its own."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import dagster as dg

import pipelines
from pipelines.lib.resources import shared_resources
from pipelines.lib.settings import Settings, get_settings

DEFINITION_MODULES = ("assets", "schedules", "sensors", "checks")


def domain_definitions() -> list[dg.Definitions]:
    """`defs` of every pipelines/<domain>/{assets,schedules,sensors,checks}.py."""
    root = Path(pipelines.__path__[0])
    domains = sorted(info.name for info in pkgutil.iter_modules(pipelines.__path__) if info.ispkg)
    return [
        importlib.import_module(f"pipelines.{domain}.{module}").defs
        for domain in domains
        for module in DEFINITION_MODULES
        if (root / domain / f"{module}.py").exists()
    ]


def build_definitions(settings: Settings | None = None, **run: object) -> dg.Definitions:
    """Every domain's definitions with the shared resources (default settings: this process's
    environment)."""
    shared = dg.Definitions(resources=shared_resources(settings or get_settings(), **run),
                            executor=dg.in_process_executor)
    return dg.Definitions.merge(*domain_definitions(), shared)


defs = build_definitions()
