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

from pipelines.lib import personal
from pipelines.lib.settings import Settings

KEEP_RELEASES = 5
AIR_COPY = "air_hourly"  # the release's own copy of the hourly feed store
# Quarantine views published beside the marts (what was not used, and why).
QUARANTINE_RELATIONS = {"quarantine_air": "staging.stg_air__quarantine",
                        "quarantine_ledgers": "intermediate.int_ledgers__quarantine",
                        "quarantine_water": "staging.stg_water__quarantine"}


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
    include_air_store(settings, target)
    refuse_personal_data(target)
    include_quality_report(settings, run_id, target)
    return counts


def include_air_store(settings: Settings, target: Path) -> None:
    """The hourly feed as this release was built from it, inside the release.

    The writer's raw.air_station_hourly is a view over its own Parquet store
    (`<warehouse>.air_hourly/`), which the next run's ingest rewrites — even a run that is then
    rejected. The release gets its own copy of the month files (hard links where the file system
    allows: the store replaces files, never edits them, so a link keeps this release's bytes) and
    its warehouse copy's view is pointed at them. DuckDB resolves a relative path in a view against
    the reader's working folder, not the database file, and checks the files when the view is
    made, so the view names the staging folder's absolute path now and the final folder's once
    it is renamed (`switch_live`)."""
    store = settings.air_hourly_store.resolve()
    copies = target / AIR_COPY
    copies.mkdir()
    for part in sorted(store.glob("*.parquet")) if store.is_dir() else []:
        try:
            os.link(part, copies / part.name)
        except OSError:
            shutil.copy2(part, copies / part.name)
    point_views(target, store, copies.resolve())


def point_views(release_dir: Path, old: Path, new: Path) -> None:
    """Re-create every view of the release's warehouse copy that reads Parquet files under `old`
    to read the files of the same names under `new`."""
    con = duckdb.connect(str(release_dir / "ecoscore.duckdb"))
    try:
        views = con.execute("select schema_name, view_name, sql from duckdb_views() "
                            "where not internal").fetchall()
        files = sorted(new.glob("*.parquet"))
        for schema, name, sql in views:
            if str(old) not in sql or not files:
                continue
            paths = ", ".join("'" + str(p).replace("'", "''") + "'" for p in files)
            con.execute(f'create or replace view "{schema}"."{name}" as '
                        f"select * from read_parquet([{paths}])")
        con.execute("checkpoint")
    finally:
        con.close()


class PersonalDataError(RuntimeError):
    """A file about to be published holds personal data: the run stops before the switch."""


def refuse_personal_data(target: Path) -> None:
    """Scan every Parquet file of the staged release with the masking rule's pattern
    (pipelines/lib/personal.py; the warehouse copy is scanned by the `published_personal_data`
    gate before the export) and stop the run, naming file and column, on any hit."""
    pattern = personal.sql_literal(personal.sql_pattern())
    con = duckdb.connect()
    hits = []
    try:
        for path in sorted(target.glob("*.parquet")):
            source = f"read_parquet('{path}')"
            columns = [r[0] for r in con.execute(f"describe select * from {source}").fetchall()
                       if r[1] == "VARCHAR"]
            for column in columns:
                found = con.execute(f'select "{column}" from {source} '
                                    f'where regexp_matches("{column}", {pattern}) limit 1').fetchone()
                if found:
                    hits.append(f"{path.name} 列 {column}：{personal.mask(found[0])}")
    finally:
        con.close()
    if hits:
        raise PersonalDataError("待发布的文件中有个人信息（身份证号、电话号码或签名姓名），未发布："
                                + "；".join(hits))


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
    point_views(final, staged.resolve() / AIR_COPY, final.resolve() / AIR_COPY)
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
