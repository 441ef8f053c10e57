"""Snapshots of the writer's warehouse (issue 31): what-if, as-of re-scoring, scheme check and the
data dictionary need the staging and intermediate models, which the published copy no longer
holds. A snapshot is never taken while a run writes; snapshots may overlap each other."""

from __future__ import annotations

import fcntl
from pathlib import Path

import duckdb
import pytest

from pipelines.lib.settings import Settings
from pipelines.lib.warehouse import WarehouseBusyError, snapshot, writer_lock


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path / "data")
    settings.warehouse_path.parent.mkdir(parents=True)
    with duckdb.connect(str(settings.warehouse_path)) as con:
        con.execute("create schema intermediate")
        con.execute("create table intermediate.int_ledgers__events as select 1 as n")
    return settings


def test_a_snapshot_holds_the_writers_models(settings: Settings, tmp_path: Path):
    copy = snapshot(settings, tmp_path / "scratch" / "copy.duckdb")
    with duckdb.connect(str(copy), read_only=True) as con:
        assert con.execute("select n from intermediate.int_ledgers__events").fetchone() == (1,)


def test_no_snapshot_while_a_run_writes(settings: Settings, tmp_path: Path):
    with writer_lock(settings, "run abc"), pytest.raises(WarehouseBusyError, match="run abc"):
        snapshot(settings, tmp_path / "copy.duckdb")
    assert not (tmp_path / "copy.duckdb").exists()


def test_snapshots_may_overlap(settings: Settings, tmp_path: Path):
    with open(settings.lock_path, "a+") as other:  # another snapshot holding its shared lock
        fcntl.flock(other, fcntl.LOCK_SH | fcntl.LOCK_NB)
        assert snapshot(settings, tmp_path / "copy.duckdb").exists()
