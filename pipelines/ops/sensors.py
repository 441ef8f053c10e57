"""A sensor that starts a run when a ledger file lands or changes in data/raw/ledgers/.

Files are fingerprinted by content (sha256), so touching a file without changing it starts
nothing, and a removed file counts as a change (its rows must disappear)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import dagster as dg

from pipelines.lib.files import input_files
from pipelines.lib.settings import get_settings
from pipelines.ops.schedules import ecoscore_job, year_run_requests


def ledger_fingerprints(ledgers_dir: Path) -> dict[str, str]:
    """{path relative to the ledgers folder: sha256 of its bytes} for every ledger file."""
    if not ledgers_dir.exists():
        return {}
    return {str(p.relative_to(ledgers_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in input_files(ledgers_dir)}  # the files the ingest reads or reports


def changed_files(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    return {
        "added": sorted(set(after) - set(before)),
        "changed": sorted(k for k in set(after) & set(before) if after[k] != before[k]),
        "removed": sorted(set(before) - set(after)),
    }


@dg.sensor(job=ecoscore_job, minimum_interval_seconds=60,
           description="Runs the pipeline when a ledger file in data/raw/ledgers/ is added, "
                       "edited or removed.")
def ledger_files_sensor(context: dg.SensorEvaluationContext):
    after = ledger_fingerprints(get_settings().raw_dir / "ledgers")
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
    requests = year_run_requests(dt.datetime.now(dt.UTC), "ledger-files", f"ledgers-{state}",
                                 {"ecoscore/changes": summary[:200]})
    return requests or dg.SkipReason("所有考核年度均已定稿 (every open year is finalised)")


defs = dg.Definitions(sensors=[ledger_files_sensor])
