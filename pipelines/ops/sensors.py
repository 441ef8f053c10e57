"""Sensors that start a run when a ledger file lands or changes in data/raw/ledgers/ (the
single-government layout) or in a shard's own data folder (one sensor per shard, its own job).

Files are fingerprinted by content (sha256), so touching a file without changing it starts
nothing, and a removed file counts as a change (its rows must disappear). A file is picked up
only once it has stopped changing: while any ledger file was modified within the settle time
(`ECOSCORE_LEDGER_SETTLE_SECONDS`, default 60 s: one sensor tick) the sensor waits, so a file
still being copied or saved is never read half-written (issue 31)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from pathlib import Path

import dagster as dg

from pipelines.lib.files import input_files
from pipelines.lib.settings import Settings, get_settings
from pipelines.ops.schedules import SHARD_JOBS, SHARDS, ecoscore_job, year_run_requests
from pipelines.scheme.shards import Shard


def ledger_fingerprints(ledgers_dir: Path) -> dict[str, str]:
    """{path relative to the ledgers folder: sha256 of its bytes} for every ledger file."""
    if not ledgers_dir.exists():
        return {}
    return {str(p.relative_to(ledgers_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in input_files(ledgers_dir)}  # the files the ingest reads or reports


SETTLE_ENV = "ECOSCORE_LEDGER_SETTLE_SECONDS"


def still_changing(ledgers_dir: Path, settle_seconds: float) -> list[str]:
    """Ledger files modified within the last `settle_seconds` (still being copied or saved)."""
    if not ledgers_dir.exists():
        return []
    now = time.time()
    return sorted(str(p.relative_to(ledgers_dir)) for p in input_files(ledgers_dir)
                  if now - p.stat().st_mtime < settle_seconds)


def changed_files(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {
        "added": sorted(set(after) - set(before)),
        "changed": sorted(k for k in set(after) & set(before) if after[k] != before[k]),
        "removed": sorted(set(before) - set(after)),
    }


def ledger_sensor_body(context: dg.SensorEvaluationContext, settings: Settings, key_prefix: str,
                       extra_tags: dict[str, str] | None = None):
    """What a ledger sensor does for one data folder: compare the ledger files' fingerprints
    with the cursor and request one run per open year of that folder when they changed — once
    no file is still changing (the cursor is kept, so the next tick looks again)."""
    busy = still_changing(settings.raw_dir / "ledgers", float(os.environ.get(SETTLE_ENV, "60")))
    if busy:
        return dg.SkipReason("台账文件仍在变化，等其停止变化后再读取 (files still changing): "
                             + ", ".join(busy[:5]))
    after = ledger_fingerprints(settings.raw_dir / "ledgers")
    before = json.loads(context.cursor) if context.cursor else {}
    changes = changed_files(before, after)
    if not any(changes.values()):
        return dg.SkipReason("台账文件无变化 (no ledger file changed)")
    context.update_cursor(json.dumps(after, sort_keys=True))
    state = hashlib.sha256(json.dumps(after, sort_keys=True).encode()).hexdigest()[:16]
    summary = "; ".join(f"{kind}: {', '.join(files)}" for kind, files in changes.items() if files)
    context.log.info(f"台账文件变化 ledger files changed — {summary}")
    # ledgers are not partitioned: each open year's run rebuilds them whole (a row counts in
    # the year of its scheme), with the current month's air
    requests = year_run_requests(dt.datetime.now(dt.UTC), "ledger-files", f"{key_prefix}-{state}",
                                 {"ecoscore/changes": summary[:200], **(extra_tags or {})},
                                 settings=settings)
    return requests or dg.SkipReason("所有考核年度均已定稿 (every open year is finalised)")


@dg.sensor(job=ecoscore_job, minimum_interval_seconds=60,
           description="Runs the pipeline when a ledger file in data/raw/ledgers/ is added, "
                       "edited or removed.")
def ledger_files_sensor(context: dg.SensorEvaluationContext):
    return ledger_sensor_body(context, get_settings(), "ledgers")


def shard_ledger_sensor(shard: Shard, job: dg.UnresolvedAssetJobDefinition) -> dg.SensorDefinition:
    """The ledger sensor of one shard (issue 22): its own data folder's ledgers, its own cursor,
    runs of its own job (its warehouse and releases, tagged with its key), run keys naming it."""

    @dg.sensor(name=f"ledger_files_{shard.key}", job=job, minimum_interval_seconds=60,
               description=f"Runs shard {shard.key} ({shard.name}) when a ledger file in "
                           f"{shard.data_dir / 'raw' / 'ledgers'} is added, edited or removed.")
    def _sensor(context: dg.SensorEvaluationContext):
        return ledger_sensor_body(context, shard.settings, f"ledgers-{shard.key}")

    return _sensor


SHARD_SENSORS = [shard_ledger_sensor(shard, SHARD_JOBS[shard.key]) for shard in SHARDS]

defs = dg.Definitions(sensors=[ledger_files_sensor, *SHARD_SENSORS])
