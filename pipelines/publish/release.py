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
from pipelines.lib.calendar import final_record, finalised_years  # noqa: F401 (re-exported)
from pipelines.lib.settings import Settings

KEEP_RELEASES = 5


def staging_dir(settings: Settings, run_id: str) -> Path:
    return settings.releases_dir / f"{run_id}.staging"


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute(
        "select table_name from information_schema.tables "
        "where table_schema = 'marts' order by table_name"
    ).fetchall()
    return [r[0] for r in rows]


def clean_interrupted(settings: Settings, run_id: str) -> list[str]:
    """Remove what a killed publish left (issue 31): other runs' `<run>.staging/` folders and
    half-made `.<link>.tmp` symlinks. Only one run writes at a time (the warehouse lock), so
    anything staged by another run is a leftover nobody will finish; readers only follow the
    `current` links, which a kill never leaves half-switched (one rename). Returns the names."""
    removed = []
    if settings.releases_dir.is_dir():
        for stale in settings.releases_dir.glob("*.staging"):
            if stale.name != staging_dir(settings, run_id).name:
                shutil.rmtree(stale, ignore_errors=True)
                removed.append(stale.name)
    if settings.marts_dir.is_dir():
        for link in [*settings.marts_dir.glob(".*.tmp"), *settings.marts_dir.glob("*/.*.tmp")]:
            link.unlink(missing_ok=True)
            removed.append(link.name)
    return removed


PUBLISHED_SCHEMA = "marts"


def export_marts(settings: Settings, run_id: str) -> dict[str, int]:
    """Write every mart as Parquet into the run's staging folder — the scores, the quarantine
    lists, the reference marts (dim_*, station days, what scoring read) and the units' scores over
    the years and month by month (fct_unit_score_history, fct_unit_score_monthly: dbt marts like
    the others, pipelines/publish/history.py) — and the published `ecoscore.duckdb` holding
    exactly those files' tables (published_database). Every one is a dbt mart under an enforced
    contract (issue 35). Returns row counts by file stem. Leftovers of a killed publish go first."""
    clean_interrupted(settings, run_id)
    target = staging_dir(settings, run_id)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    counts: dict[str, int] = {}
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        relations = {t: f"marts.{t}" for t in mart_tables(con)}
        for stem, relation in relations.items():
            path = target / f"{stem}.parquet"
            con.execute(f"copy (select * from {relation} order by all) to '{path}' (format parquet)")
            counts[stem] = con.execute(f"select count(*) from {relation}").fetchone()[0]
        keys = mart_keys(con)
    finally:
        con.close()
    include_quality_report(settings, run_id, target)
    published_database(target, keys)
    refuse_personal_data(target)
    return counts


def mart_keys(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, list]]:
    """{mart: {"primary key": [columns], "not null": [columns]}}: the constraints the marts' dbt
    contracts put on the writer's tables (issue 35), for the published tables to carry."""
    keys: dict[str, dict[str, list]] = {}
    for table, kind, columns in con.execute(
            "select table_name, lower(constraint_type), constraint_column_names "
            "from duckdb_constraints() where schema_name = 'marts' "
            "and constraint_type in ('PRIMARY KEY', 'NOT NULL') order by all").fetchall():
        keys.setdefault(table, {}).setdefault(kind, []).extend(
            columns if kind == "not null" else [columns])
    return keys


def published_database(release_dir: Path, keys: dict[str, dict[str, list]] | None = None) -> Path:
    """The release's `ecoscore.duckdb`: one table `marts.<stem>` per Parquet file of the release
    (the published marts, quarantine lists and reference marts) and nothing else — raw, staging
    and intermediate stay in the writer's warehouse (issue 31) —, each with the primary key and
    not-null columns of its mart's contract (`keys`, mart_keys; issue 35). Tables, not views:
    DuckDB resolves a relative path in a view against the reader's working folder, not the
    database file's, so a view would tie a copied release to the folder it was made in."""
    path = release_dir / "ecoscore.duckdb"
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute(f"create schema {PUBLISHED_SCHEMA}")
        for parquet in sorted(release_dir.glob("*.parquet")):
            table = f'{PUBLISHED_SCHEMA}."{parquet.stem}"'
            con.execute(f"create table {table} as select * from read_parquet('{parquet.as_posix()}')")
            constraints = (keys or {}).get(parquet.stem, {})
            for column in constraints.get("not null", []):
                con.execute(f'alter table {table} alter column "{column}" set not null')
            for columns in constraints.get("primary key", []):
                quoted = ", ".join('"' + column + '"' for column in columns)
                con.execute(f"alter table {table} add primary key ({quoted})")
        con.execute("checkpoint")
    finally:
        con.close()
    return path


class PersonalDataError(RuntimeError):
    """A file about to be published holds personal data: the run stops before the switch."""


def refuse_personal_data(target: Path) -> None:
    """Scan everything the staged release publishes as data — every Parquet file and every table
    of its `ecoscore.duckdb` — with the masking rule's pattern (pipelines/lib/personal.py) and
    stop the run, naming file and column, on any hit."""
    con = duckdb.connect()
    try:
        sources = []
        for path in sorted(target.glob("*.parquet")):
            relation = f"read_parquet('{path}')"
            sources.append((path.name, relation, [
                r[0] for r in con.execute(f"describe select * from {relation}").fetchall()
                if r[1] == "VARCHAR"]))
        database = target / "ecoscore.duckdb"
        if database.exists():
            con.execute(f"attach '{database.as_posix()}' as published (read_only)")
            for schema, table in con.execute(
                    "select schema_name, table_name from duckdb_tables() where database_name = "
                    "'published'").fetchall():
                relation = f'published."{schema}"."{table}"'
                sources.append((f"ecoscore.duckdb {schema}.{table}", relation, [
                    r[0] for r in con.execute(f"describe select * from {relation}").fetchall()
                    if r[1] == "VARCHAR"]))
        hits = [f"{name} 列 {column}：{value}"
                for name, column, value in personal.first_matches(con, sources)]
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
    """Make the run's staging folder the live release of its year (`record["year"]`) in one
    step, and `current` the newest year's live release; returns the release's path."""
    staged = staging_dir(settings, run_id)
    final = settings.releases_dir / run_id
    record = {**record, "run_id": run_id, "published_at": datetime.now(UTC).isoformat()}
    (staged / "release.json").write_text(json.dumps(record, ensure_ascii=False, indent=2),
                                         encoding="utf-8")
    if final.exists():
        shutil.rmtree(final)
    staged.rename(final)
    adopt_legacy_current(settings)
    year_link = settings.year_release(int(record["year"]))
    year_link.parent.mkdir(parents=True, exist_ok=True)
    swap_link(year_link, Path("..") / "releases" / run_id)
    point_current_at_newest_year(settings)
    prune_releases(settings, keep=run_id)
    return final


def swap_link(link: Path, target: Path) -> None:
    """Point the symlink `link` at `target` in one rename (readers never see it missing)."""
    tmp_link = link.with_name(f".{link.name}.tmp")
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    tmp_link.symlink_to(target)
    os.replace(tmp_link, link)


def adopt_legacy_current(settings: Settings) -> None:
    """A release published before per-year folders existed: `current` alone. Give it its
    year's link so publishing another year does not hide it."""
    link = settings.current_release
    record = link / "release.json"
    if not record.exists():
        return
    year = int(json.loads(record.read_text(encoding="utf-8"))["year"])
    if not settings.year_release(year).exists():
        settings.year_dir(year).mkdir(parents=True, exist_ok=True)
        swap_link(settings.year_release(year), Path("..") / "releases" / link.resolve().name)


def published_years(settings: Settings) -> list[int]:
    """Assessment years with a live release (data/marts/<year>/current), oldest first."""
    if not settings.marts_dir.exists():
        return []
    return sorted(int(p.name) for p in settings.marts_dir.iterdir()
                  if p.name.isdigit() and settings.year_release(int(p.name)).exists())


def point_current_at_newest_year(settings: Settings) -> None:
    """data/marts/current → the newest year's live release (kept for readers of one year)."""
    years = published_years(settings)
    if years:
        swap_link(settings.current_release,
                  Path("releases") / settings.year_release(years[-1]).resolve().name)


def pinned_releases(settings: Settings) -> set[str]:
    """Release folders that must stay: every year's live release and every finalised one."""
    pinned = {settings.year_release(y).resolve().name for y in published_years(settings)}
    for record in settings.marts_dir.glob("*/final.json"):
        pinned.add(json.loads(record.read_text(encoding="utf-8"))["run_id"])
    for history in settings.marts_dir.glob("*/history.jsonl"):  # once finalised, kept
        for line in history.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            if entry.get("action") == "finalise":
                pinned.add(entry["run_id"])
    if settings.current_release.exists():
        pinned.add(settings.current_release.resolve().name)
    return pinned


def prune_releases(settings: Settings, keep: str) -> None:
    """Keep the newest few releases (for rollback), every year's live and finalised release;
    drop failed runs' staging folders."""
    folders = sorted((p for p in settings.releases_dir.iterdir() if p.is_dir()),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    finished = [p for p in folders if not p.name.endswith(".staging")]
    pinned = pinned_releases(settings) | {keep}
    for old in finished[KEEP_RELEASES:]:
        if old.name not in pinned:
            shutil.rmtree(old)
    for stale in (p for p in folders if p.name.endswith(".staging")):
        shutil.rmtree(stale)


def live_release(settings: Settings, year: int | None = None) -> Path | None:
    """The live release of `year` (default: `current`, the newest year's). A release published
    before per-year folders existed is found through `current` when its year matches."""
    link = settings.current_release if year is None else settings.year_release(year)
    if link.exists():
        return link.resolve()
    record = settings.current_release / "release.json"
    if year is not None and record.exists() and \
            json.loads(record.read_text(encoding="utf-8")).get("year") == year:
        return settings.current_release.resolve()
    return None
