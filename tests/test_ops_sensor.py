"""Issue 9: a new or changed ledger file in data/raw/ledgers/ starts a run; nothing else does.
Issue 22: each shard's own ledger folder starts that shard's runs."""

from __future__ import annotations

import os
import time
from pathlib import Path

import dagster as dg
import pytest
import yaml

from pipelines.lib.settings import Settings
from pipelines.ops.schedules import shard_job
from pipelines.ops.sensors import ledger_files_sensor, shard_ledger_sensor
from pipelines.scheme.shards import Registry, load_registry


@pytest.fixture(autouse=True)
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by a test count as settled at once (the wait has its own test below)."""
    monkeypatch.setenv("ECOSCORE_LEDGER_SETTLE_SECONDS", "0")


def test_a_file_still_changing_is_picked_up_only_once_it_has_stopped(
        data_settings: Settings, monkeypatch: pytest.MonkeyPatch):
    """Issue 31: a ledger being copied is not read half-written; the next tick takes it."""
    monkeypatch.setenv("ECOSCORE_LEDGER_SETTLE_SECONDS", "60")
    old = time.time() - 120
    for path in (data_settings.raw_dir / "ledgers").rglob("*"):
        os.utime(path, (old, old))
    _, cursor = evaluate(None)
    new = data_settings.raw_dir / "ledgers" / "new_dept" / "notices.csv"
    new.parent.mkdir(parents=True, exist_ok=True)
    new.write_text("unit_code,item_code\nlingshan,5.2", encoding="utf-8")  # still being written
    waiting, kept = evaluate(cursor)
    assert isinstance(waiting, dg.SkipReason) and "new_dept/notices.csv" in waiting.skip_message
    assert kept == cursor
    new.write_text("unit_code,item_code\nlingshan,5.2.2\n", encoding="utf-8")
    os.utime(new, (old, old))  # a minute later: unchanged since
    result, _ = evaluate(kept)
    assert result and all("new_dept/notices.csv" in r.tags["ecoscore/changes"] for r in result)


def evaluate(cursor: str | None):
    context = dg.build_sensor_context(cursor=cursor)
    result = ledger_files_sensor(context)
    return result, context.cursor


def test_a_new_ledger_file_requests_a_run(data_settings: Settings):
    _, cursor = evaluate(None)
    new = data_settings.raw_dir / "ledgers" / "new_dept" / "notices.csv"
    new.parent.mkdir(parents=True, exist_ok=True)
    new.write_text("unit_code,item_code\nlingshan,5.2.2\n", encoding="utf-8")
    result, _ = evaluate(cursor)
    assert result and all(isinstance(r, dg.RunRequest) for r in result)
    assert all("new_dept/notices.csv" in r.tags["ecoscore/changes"] for r in result)


def test_unchanged_files_request_nothing(data_settings: Settings):
    first, cursor = evaluate(None)
    second, _ = evaluate(cursor)
    assert isinstance(second, dg.SkipReason)


def test_touching_a_file_without_changing_it_requests_nothing(data_settings: Settings):
    path = data_settings.raw_dir / "ledgers" / "touched.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    _, cursor = evaluate(None)
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    result, _ = evaluate(cursor)
    assert isinstance(result, dg.SkipReason)


def test_an_edited_or_removed_file_requests_a_run(data_settings: Settings):
    path = data_settings.raw_dir / "ledgers" / "edited.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    _, cursor = evaluate(None)
    path.write_text("a,b\n1,3\n", encoding="utf-8")
    edited, cursor = evaluate(cursor)
    assert edited and all("changed: edited.csv" in r.tags["ecoscore/changes"] for r in edited)
    path.unlink()
    removed, _ = evaluate(cursor)
    assert removed and all("removed: edited.csv" in r.tags["ecoscore/changes"] for r in removed)


def test_the_sensor_targets_the_whole_pipeline_job():
    from pipelines.definitions import defs

    sensor = defs.resolve_sensor_def("ledger_files_sensor")
    assert sensor.job_name == "ecoscore_all"


# ---------- one ledger sensor per shard (issue 22 part 1: each assessing government its own runs)

def shard_registry(root: Path) -> Registry:
    """Two shards, each with its own (empty) ledger folder."""
    for key in ("a", "b"):
        (root / key / "raw" / "ledgers").mkdir(parents=True)
    path = root / "shards.yaml"
    path.write_text(yaml.safe_dump({"shards": [
        {"key": key, "name": f"{key}市", "level": "city", "schemes": [f"{key}_2024"], "data": key}
        for key in ("a", "b")]}, allow_unicode=True), encoding="utf-8")
    return load_registry(path)


def test_a_ledger_file_in_one_shard_starts_that_shards_job_only(tmp_path: Path):
    registry = shard_registry(tmp_path)
    sensors = {s.key: shard_ledger_sensor(s, shard_job(s)) for s in registry.shards}
    cursors = {}
    for key, sensor in sensors.items():
        context = dg.build_sensor_context(cursor=None)
        sensor(context)
        cursors[key] = context.cursor
    new = registry.shard("a").data_dir / "raw" / "ledgers" / "notices.csv"
    new.write_text("unit_code,item_code\nlingshan,5.2.2\n", encoding="utf-8")
    results = {}
    for key, sensor in sensors.items():
        context = dg.build_sensor_context(cursor=cursors[key])
        results[key] = sensor(context)
    assert isinstance(results["b"], dg.SkipReason)  # b's folder did not change
    assert results["a"] and all(isinstance(r, dg.RunRequest) for r in results["a"])
    assert all(r.run_key.startswith("ledgers-a-") and "notices.csv" in r.tags["ecoscore/changes"]
               for r in results["a"])
    assert sensors["a"].job_name == "ecoscore_a" and sensors["b"].job_name == "ecoscore_b"


def test_each_bundled_shard_has_its_ledger_sensor_on_its_own_job():
    from pipelines.definitions import defs

    for key in ("qinzhou", "guilin"):
        assert defs.resolve_sensor_def(f"ledger_files_{key}").job_name == f"ecoscore_{key}"
