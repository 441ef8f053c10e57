"""DuckDB warehouse IO. One writer at a time (DuckDB allows one per file)."""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from pipelines.lib.settings import Settings


@contextmanager
def connect(settings: Settings, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    settings.warehouse_path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(settings.warehouse_path), read_only=read_only)
    try:
        yield con
    finally:
        con.close()


def replace_table(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, frame: pl.DataFrame
) -> int:
    """Replace schema.table with the frame's rows, in one transaction; returns the row count."""
    con.execute(f"create schema if not exists {schema}")
    con.register("_incoming", frame.to_arrow())
    try:
        con.execute("begin")
        con.execute(f"create or replace table {schema}.{table} as select * from _incoming")
        con.execute("commit")
    finally:
        con.unregister("_incoming")
    return frame.height


def read_table(con: duckdb.DuckDBPyConnection, relation: str) -> pl.DataFrame:
    return con.sql(f"select * from {relation}").pl()


class WarehouseBusyError(RuntimeError):
    """Another ecoscore run holds the warehouse."""


BUSY_MARKER = "另一个 ecoscore 运行正在写入数仓"


@contextmanager
def writer_lock(settings: Settings, holder: str = "") -> Iterator[None]:
    """Hold the single-writer lock for a whole run; a second run fails at once, clearly. Taken
    by the warehouse resource when a Dagster run starts (pipelines/lib/resources.py)."""
    path: Path = settings.lock_path
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            handle.seek(0)
            current = handle.read().strip() or "another process"
            raise WarehouseBusyError(
                f"{BUSY_MARKER} {settings.warehouse_path}（{current}）。"
                " Another ecoscore run is writing the warehouse; wait for it to finish."
            ) from err
        handle.seek(0)
        handle.truncate()
        handle.write(f"{holder + ', ' if holder else ''}pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


def snapshot(settings: Settings, target: Path) -> Path:
    """A copy of the writer's warehouse at `target`, for commands that re-run dbt or read its
    staging and intermediate models (what-if, as-of scoring, scheme check, the data dictionary):
    the published `ecoscore.duckdb` holds the published marts only (issue 31). Copied under a
    shared hold of the writer lock, so never mid-run (a run writing now makes this fail with
    WarehouseBusyError; a run starting during the copy waits for none: it fails as busy) while
    snapshots may overlap each other. It holds the last run's models — the published ones unless
    a later run failed."""
    import shutil

    if not settings.warehouse_path.exists():
        raise FileNotFoundError(f"{settings.warehouse_path}: 尚无数仓，请先运行 ecoscore run")
    target.parent.mkdir(parents=True, exist_ok=True)
    settings.lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(settings.lock_path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError as err:
            handle.seek(0)
            current = handle.read().strip() or "another process"
            raise WarehouseBusyError(
                f"{BUSY_MARKER} {settings.warehouse_path}（{current}），稍后再试。"
                " Another ecoscore run is writing the warehouse; wait for it to finish.") from err
        shutil.copy2(settings.warehouse_path, target)
    return target
