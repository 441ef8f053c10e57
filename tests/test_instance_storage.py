"""Issue 21: the Dagster instance's SQLite event log (pipelines/lib/instance_storage.py) keeps
each database's engine and connection in the process; runs, their events and the asset index
read back as with Dagster's own class, another process (another instance object) sees each write
at once, a deleted database is never written through a kept connection, and a long-lived
process keeps a bounded number of engines."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from pipelines.lib.instance_storage import ReusedEngineSqliteEventLog
from pipelines.lib.settings import PROJECT_ROOT


@dg.asset
def counted() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": 3})


@dg.asset_check(asset=counted)
def counted_has_rows() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


@pytest.fixture
def instance(project_instance: dg.DagsterInstance) -> dg.DagsterInstance:
    return project_instance


def test_runs_and_asset_events_read_back(instance: dg.DagsterInstance, monkeypatch):
    assert isinstance(instance.event_log_storage, ReusedEngineSqliteEventLog)
    monkeypatch.setattr(ReusedEngineSqliteEventLog, "ENGINES_KEPT", 2)
    runs = [dg.materialize([counted, counted_has_rows], instance=instance) for _ in range(3)]
    assert all(run.success for run in runs)
    # each run in its own database, every event stored (planned, step, materialisation, check)
    kinds = dg.DagsterEventType
    for run in runs:
        stored = {e.dagster_event_type for e in instance.all_logs(run.run_id) if e.is_dagster_event}
        assert {kinds.ASSET_MATERIALIZATION_PLANNED, kinds.STEP_SUCCESS, kinds.ASSET_MATERIALIZATION,
                kinds.ASSET_CHECK_EVALUATION, kinds.RUN_SUCCESS} <= stored
    # the cross-run asset index: three materialisations, the latest check result
    records = instance.fetch_materializations(dg.AssetKey("counted"), limit=10).records
    assert [r.run_id for r in records] == [run.run_id for run in reversed(runs)]
    assert records[0].asset_materialization.metadata["rows"].value == 3
    check = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(dg.AssetKey("counted"), "counted_has_rows")])
    assert next(iter(check.values())).run_id == runs[-1].run_id
    # engines kept: two (ENGINES_KEPT here), the most recently used: the index, the last run's
    from dagster._core.storage.event_log.sqlite.sqlite_event_log import INDEX_SHARD_NAME

    assert set(instance.event_log_storage._engines) == {INDEX_SHARD_NAME, runs[-1].run_id}


def test_connection_kept_between_writes_and_seen_by_another_process(instance: dg.DagsterInstance,
                                                                    tmp_path: Path):
    first = dg.materialize([counted, counted_has_rows], instance=instance)
    storage = instance.event_log_storage
    with storage.run_connection(first.run_id) as c:
        kept = c.connection.dbapi_connection
    with storage.run_connection(first.run_id) as d:
        assert d.connection.dbapi_connection is kept  # one connection, kept between writes
    # another process's instance (its own engines) reads each committed write at once, and its
    # writes reach this one's index: no lock is held between writes
    with dg.DagsterInstance.from_config(str(PROJECT_ROOT)) as other:
        assert len(other.all_logs(first.run_id)) == len(instance.all_logs(first.run_id))
        second = dg.materialize([counted, counted_has_rows], instance=other)
    latest = instance.fetch_materializations(dg.AssetKey("counted"), limit=1).records[0]
    assert latest.run_id == second.run_id


def test_deleted_database_is_not_written_through_a_kept_connection(instance: dg.DagsterInstance):
    run = dg.materialize([counted], instance=instance)
    storage = instance.event_log_storage
    events = len(instance.all_logs(run.run_id))
    Path(storage.path_for_shard(run.run_id)).unlink()  # e.g. another process's `dagster run wipe`
    assert instance.all_logs(run.run_id) == []  # a new, empty database, not the deleted file
    assert Path(storage.path_for_shard(run.run_id)).exists()
    instance.wipe()
    assert instance.get_runs() == []
    again = dg.materialize([counted], instance=instance)
    assert len(instance.all_logs(again.run_id)) == events
    assert Path(storage.path_for_shard(again.run_id)).exists()
