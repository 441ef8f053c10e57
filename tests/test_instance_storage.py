"""Issue 21: the Dagster instance's SQLite event log (pipelines/lib/instance_storage.py) creates
each database's engine once per process; runs, their events and the asset index read back as
with Dagster's own class, and a long-lived process keeps a bounded number of engines."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from pipelines.lib.instance_storage import POSTGRES_URL_ENV, ReusedEngineSqliteEventLog
from pipelines.lib.settings import PROJECT_ROOT


@dg.asset
def counted() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"rows": 3})


@dg.asset_check(asset=counted)
def counted_has_rows() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=True)


@pytest.fixture
def instance(tmp_path: Path, monkeypatch) -> dg.DagsterInstance:
    """The project's instance (dagster.yaml) on SQLite in a private folder."""
    monkeypatch.delenv(POSTGRES_URL_ENV, raising=False)
    monkeypatch.setenv("ECOSCORE_DAGSTER_STORAGE", str(tmp_path / "dagster"))
    with dg.DagsterInstance.from_config(str(PROJECT_ROOT)) as found:
        yield found


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
