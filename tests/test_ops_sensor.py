"""Issue 9: a new or changed ledger file in data/raw/ledgers/ starts a run; nothing else does."""

from __future__ import annotations

import dagster as dg

from pipelines.lib.settings import Settings
from pipelines.ops.sensors import ledger_files_sensor


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
