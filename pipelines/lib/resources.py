"""Dagster resources shared by every domain. (No `from __future__ import annotations`: Dagster
reads RunParameters' ResourceDependency field from its annotation.)"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import polars as pl
from pydantic import PrivateAttr

from pipelines.lib.calendar import current_year, derive_run_year
from pipelines.lib.settings import Settings
from pipelines.lib.warehouse import connect, replace_table, writer_lock


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse and the data folders of this installation.

    Every asset that writes (ingest, dbt, publish) uses this resource, and Dagster enters it
    once per run (in-process executor) — so the run holds the warehouse's single-writer lock
    from its first step to its last, however it was started (`ecoscore run`, the schedule, the
    sensor, the UI). A second run on the same warehouse fails at once with a clear message.

    Its config is the installation's `Settings` (`config_for`): the code location binds the
    settings it was started with, a shard's job sets its shard's as job config."""

    data_dir: str
    warehouse_path: str = ""
    # a shard of a province deployment (pipelines/scheme/shards.py): its releases folder and key
    marts_dir: str = ""
    shard: str = ""

    @staticmethod
    def config_for(settings: Settings) -> dict[str, str]:
        """The resource's config for these settings."""
        return {"data_dir": str(settings.data_dir), "warehouse_path": str(settings.warehouse_path),
                "marts_dir": str(settings.marts_override or ""), "shard": settings.shard}

    @classmethod
    def for_settings(cls, settings: Settings) -> "WarehouseResource":
        return cls(**cls.config_for(settings))

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext) -> Iterator["WarehouseResource"]:
        run_id = context.run.run_id if context.run else "?"
        with writer_lock(self.settings, holder=f"run {run_id}"):
            yield self

    @property
    def settings(self) -> Settings:
        override = Path(self.warehouse_path) if self.warehouse_path else None
        return Settings(data_dir=Path(self.data_dir), warehouse_override=override,
                        marts_override=Path(self.marts_dir) if self.marts_dir else None,
                        shard=self.shard)

    def replace(self, schema: str, table: str, frame: pl.DataFrame) -> int:
        return self.replace_many(schema, {table: frame})[table]

    def replace_many(self, schema: str, frames: dict[str, pl.DataFrame]) -> dict[str, int]:
        """Each schema.table replaced by its frame (one transaction each), through one
        connection: opening the warehouse costs ~35 ms."""
        with connect(self.settings) as con:
            return {table: replace_table(con, schema, table, frame)
                    for table, frame in frames.items()}

    def query(self, sql: str) -> pl.DataFrame:
        with connect(self.settings) as con:
            return con.sql(sql).pl()


class RunParameters(dg.ConfigurableResource):
    """What a run assesses: the year and an optional as-of date (YYYY-MM-DD; data after it is
    ignored, as a mid-year meeting would see it). The nightly schedule and the sensor set the
    year of each run they request. Year 0 (a run launched from the UI without config) derives
    its year as the schedule does when Dagster starts the run (`derive_run_year`): the one open
    year at the clock (Beijing time), finalised years left out; it fails before any step when
    that year has no scheme, when every open year is finalised, or in January when two years
    are open (one run scores one year: the message gives the config of each). The year is derived
    from the run's own warehouse settings (a shard's job: the shard's schemes and finalised years,
    never the default layout's)."""

    # the run's warehouse resource (the same one the assets get: a shard job's config reaches it)
    warehouse: dg.ResourceDependency[WarehouseResource]
    year: int = 0
    as_of: str = ""
    # rebuild the incremental models from scratch (dbt --full-refresh) instead of by month
    full_refresh: bool = False
    # a finalised (定稿) year is republished only when reopened, with a reason (recorded)
    reopen: bool = False
    reopen_reason: str = ""
    # which month ends the run scores for fct_unit_score_monthly: all / latest / off; empty =
    # ECOSCORE_MONTH_ENDS, else all (pipelines/publish/history.py; `ecoscore history` says all)
    month_ends: str = ""

    _derived_year: int = PrivateAttr(default=0)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        if not self.year:
            self._derived_year = derive_run_year(self.warehouse.settings)

    @property
    def assessment_year(self) -> int:
        return self.year or self._derived_year or current_year()


def run_config_for(year: int, **values: object) -> dict:
    """Run config that sets the run's RunParameters (for RunRequests and the launchpad)."""
    return {"resources": {"run": {"config": {"year": year, **values}}}}


# What a run's later steps import, in the order they need it: the quality gates, then (after dbt's
# parse) the dashboard and the office files.
WARM_IMPORTS_FIRST = ("great_expectations",)
WARM_IMPORTS_LATER = ("plotly.graph_objects", "kaleido", "pikepdf", "xlsxwriter", "openpyxl", "docx")


class WarmUp(dg.ConfigurableResource):
    """What a run's steps would otherwise wait for, started in a background thread when the run
    starts (Dagster sets a run's resources up before its first step, and only for runs with a
    step that uses them): importing Great Expectations (~3 s), dbt's parse of the project for the
    run's warehouse and vars (partial parsing: ~1–2 s, and dbt's first-use work), then the
    dashboard's and office files' libraries. Meanwhile the ingest steps run, mostly in polars and
    DuckDB (native code) and on the event log's disk writes, so both overlap. Nothing it does is
    kept but what dbt and Python keep anyway (the parsed project, the imported modules); a
    failure only means the step pays the cost itself (and reports the error there)."""

    run: dg.ResourceDependency[RunParameters]

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        import importlib
        import threading

        from pipelines.lib import dbt_launcher

        settings = self.run.warehouse.settings
        vars = {"year": self.run.assessment_year, "as_of": self.run.as_of}
        steps = [*(lambda m=m: importlib.import_module(m) for m in WARM_IMPORTS_FIRST),
                 lambda: dbt_launcher.parse(warehouse=settings.warehouse_path,
                                            target_path=settings.dbt_target, vars=vars),
                 *(lambda m=m: importlib.import_module(m) for m in WARM_IMPORTS_LATER)]

        def warm() -> None:
            for step in steps:
                try:
                    step()
                except Exception:  # noqa: BLE001 - a warm-up: the step that needs it reports
                    pass

        threading.Thread(target=warm, name="warm-up", daemon=True).start()


def shared_resources(settings: Settings, **run: object) -> dict[str, object]:
    """The resources every domain shares: the warehouse of `settings` — configurable at launch,
    so a shard's job gives its own as job config — the run parameters (`run`: year, as_of, … as
    RunParameters fields), which read the run's own warehouse resource, whichever it is (a
    shard's run derives its year from the shard's schemes), and the warm-up built on them.
    Partial resources (configure_at_launch, these values as defaults): a resource that depends
    on one gets the run's configured value and the same instance (the warehouse's lock is taken
    once), not a copy of the defaults."""
    warehouse = WarehouseResource.configure_at_launch(**WarehouseResource.config_for(settings))
    parameters = RunParameters.configure_at_launch(warehouse=warehouse, **run)
    return {"warehouse": warehouse, "run": parameters, "warm_up": WarmUp(run=parameters)}
