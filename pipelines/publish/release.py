"""Atomic releases under data/marts/.

A run writes everything into `releases/<run>.staging/`, then renames it to `releases/<run>/`
and swaps the `current` symlink in one `rename` — readers see the old release or the new one,
never a half-written one, and a run that fails before the swap leaves `current` untouched."""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.lib.settings import Settings

KEEP_RELEASES = 5
# Quarantine views published beside the marts (what was not used, and why).
QUARANTINE_RELATIONS = {"quarantine_air": "staging.stg_air__quarantine",
                        "quarantine_water": "staging.stg_water__quarantine",
                        "quarantine_ledgers": "intermediate.int_ledgers__quarantine"}


def staging_dir(settings: Settings, run_id: str) -> Path:
    return settings.releases_dir / f"{run_id}.staging"


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'marts' order by table_name"
    ).fetchall()
    return [r[0] for r in rows]


def existing_relations(con: duckdb.DuckDBPyConnection, relations: dict[str, str]) -> dict[str, str]:
    present = {f"{s}.{t}" for s, t in con.execute(
        "select table_schema, table_name from information_schema.tables").fetchall()}
    return {name: rel for name, rel in relations.items() if rel in present}


def export_marts(settings: Settings, run_id: str) -> dict[str, int]:
    """Write every mart (and the quarantine lists) as Parquet into the run's staging folder,
    plus a read-only copy of the warehouse. Returns row counts by file stem."""
    target = staging_dir(settings, run_id)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    counts: dict[str, int] = {}
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        relations = {t: f"marts.{t}" for t in mart_tables(con)}
        relations |= existing_relations(con, QUARANTINE_RELATIONS)
        for stem, relation in relations.items():
            path = target / f"{stem}.parquet"
            con.execute(f"copy (select * from {relation} order by all) to '{path}' (format parquet)")
            counts[stem] = con.execute(f"select count(*) from {relation}").fetchone()[0]
        con.execute("checkpoint")
    finally:
        con.close()
    shutil.copy2(settings.warehouse_path, target / "ecoscore.duckdb")
    include_quality_report(settings, run_id, target)
    return counts


def include_quality_report(settings: Settings, run_id: str, target: Path) -> None:
    """The run's data-quality report (pipelines/quality; its checks all run before the export)
    goes into the release as quality/, beside the dashboard."""
    report = settings.quality_dir / run_id
    if report.is_dir():
        shutil.copytree(report, target / "quality", dirs_exist_ok=True)


def switch_live(settings: Settings, run_id: str, record: dict) -> Path:
    """Make the run's staging folder the live release in one step; returns its path."""
    staged = staging_dir(settings, run_id)
    final = settings.releases_dir / run_id
    record = {**record, "run_id": run_id, "published_at": datetime.now(UTC).isoformat()}
    (staged / "release.json").write_text(json.dumps(record, ensure_ascii=False, indent=2),
                                         encoding="utf-8")
    if final.exists():
        shutil.rmtree(final)
    staged.rename(final)
    link = settings.current_release
    tmp_link = link.with_name(".current.tmp")
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(Path("releases") / run_id)
    os.replace(tmp_link, link)
    prune_releases(settings, keep=run_id)
    return final


def prune_releases(settings: Settings, keep: str) -> None:
    """Keep the newest few releases (for rollback); drop failed runs' staging folders."""
    folders = sorted((p for p in settings.releases_dir.iterdir() if p.is_dir()),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    finished = [p for p in folders if not p.name.endswith(".staging")]
    for old in finished[KEEP_RELEASES:]:
        if old.name != keep:
            shutil.rmtree(old)
    for stale in (p for p in folders if p.name.endswith(".staging")):
        shutil.rmtree(stale)


def live_release(settings: Settings) -> Path | None:
    link = settings.current_release
    return link.resolve() if link.exists() else None
