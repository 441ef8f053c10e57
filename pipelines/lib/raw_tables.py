"""Raw tables read from files and stored as they are, one domain's in one Dagster step.

Each table stays an asset of its own (its key, description and lineage in the UI), but a
domain's small tables are loaded by one multi-asset: a step costs the run its events and the
warehouse's opening whatever it reads, and a registry CSV is read in milliseconds (issue 37's
nightly run). The step reads every table the run asks for (`can_subset`: the UI may ask for
one), writes those it could read, each in its own transaction, and then fails naming the files
it could not read — a bad file never takes the good ones with it."""

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dagster as dg
import polars as pl

from pipelines.lib.resources import WarehouseResource


def no_more(frame: pl.DataFrame) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class RawTable:
    """raw.<table>, read from data/raw by `read` (the raw folder → the table's rows)."""

    table: str
    description: str
    read: Callable[[Path], pl.DataFrame]
    kinds: frozenset[str] = frozenset({"polars", "duckdb"})
    # what a materialisation carries besides its row count (water's cells and files)
    describe: Callable[[pl.DataFrame], Mapping[str, Any]] = field(default=no_more)

    @property
    def key(self) -> dg.AssetKey:
        return dg.AssetKey(["raw", self.table])


def raw_tables_asset(name: str, group: str, tables: Sequence[RawTable]) -> dg.AssetsDefinition:
    """One step loading `tables` (those the run selects) into the raw schema."""
    @dg.multi_asset(
        name=name, can_subset=True,
        specs=[dg.AssetSpec(t.key, group_name=group, kinds=set(t.kinds), description=t.description)
               for t in tables])
    def _load(context: dg.AssetExecutionContext,
              warehouse: WarehouseResource) -> Iterator[dg.MaterializeResult]:
        raw_dir = warehouse.settings.raw_dir
        frames: dict[str, pl.DataFrame] = {}
        errors: dict[str, Exception] = {}
        for table in (t for t in tables if t.key in context.selected_asset_keys):
            try:
                frames[table.table] = table.read(raw_dir)
            except Exception as error:  # every table is tried; the step fails below, naming them
                errors[table.table] = error
        written = warehouse.replace_many("raw", frames) if frames else {}
        for table in (t for t in tables if t.table in frames):
            yield dg.MaterializeResult(asset_key=table.key, metadata={
                **table.describe(frames[table.table]), "rows": written[table.table]})
        if len(errors) == 1:
            raise next(iter(errors.values()))  # as it was raised: its file, row and column
        if errors:
            raise dg.Failure(
                description="读入失败 (could not be read): " + "；".join(
                    f"raw.{table}: {error}" for table, error in errors.items()),
                metadata={"failed_tables": ", ".join(f"raw.{t}" for t in errors)})

    return _load
