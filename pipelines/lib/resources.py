"""Dagster resources shared by every domain."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import polars as pl

from pipelines.lib.settings import Settings, get_settings
from pipelines.lib.warehouse import connect, replace_table


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse and the data folders of this installation."""

    data_dir: str = ""
    warehouse_path: str = ""

    @classmethod
    def for_settings(cls, settings: Settings) -> WarehouseResource:
        return cls(data_dir=str(settings.data_dir), warehouse_path=str(settings.warehouse_path))

    @property
    def settings(self) -> Settings:
        if not self.data_dir:
            return get_settings()
        override = Path(self.warehouse_path) if self.warehouse_path else None
        return Settings(data_dir=Path(self.data_dir), warehouse_override=override)

    def replace(self, schema: str, table: str, frame: pl.DataFrame) -> int:
        with connect(self.settings) as con:
            return replace_table(con, schema, table, frame)

    def query(self, sql: str) -> pl.DataFrame:
        with connect(self.settings) as con:
            return con.sql(sql).pl()


class RunParameters(dg.ConfigurableResource):
    """What a run assesses: the year and an optional as-of date (YYYY-MM-DD; data after it is
    ignored, as a mid-year meeting would see it)."""

    year: int = 2024
    as_of: str = ""
    # rebuild the incremental models from scratch (dbt --full-refresh) instead of by month
    full_refresh: bool = False
