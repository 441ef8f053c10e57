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


# Reference relations published beside the marts, under a published name (the tables a reader
# of the marts needs to read them: the schemes' items and grades, stations, the standards'
# classes, station-day values behind the air marts). No personal data; no raw, staging or
# intermediate relation is published under its own name.
REFERENCE_RELATIONS = {"dim_schemes": "staging.stg_scheme__schemes",
                       "dim_scheme_units": "staging.stg_scheme__units",
                       "dim_scheme_items": "staging.stg_scheme__items",
                       "dim_scheme_grades": "staging.stg_scheme__grades",
                       "dim_air_stations": "staging.stg_air__stations",
                       "dim_air_unit_stations": "staging.stg_air__unit_stations",
                       "dim_water_sections": "staging.stg_water__sections",
                       "dim_aqi_levels": "standards.std_aqi_levels",
                       "dim_water_classes": "standards.std_gb3838_classes",
                       "dim_peer_ranks": "staging.stg_scoring__peers",
                       "fct_air_station_daily": "intermediate.int_air__station_daily",
                       # valid days per station-month (GB 3095-2012 表4): the dashboard's
                       # completeness, counted where the quality check counts it
                       "fct_air_station_monthly": "intermediate.int_air__station_monthly",
                       # what scoring read (`ecoscore scheme check` measures a scheme against it)
                       "fct_scoring_measures": "intermediate.int_scoring__measures",
                       "fct_ledger_measures": "intermediate.int_scoring__ledger_measures",
                       "fct_ledger_events": "intermediate.int_ledgers__events"}
PUBLISHED_SCHEMA = "marts"


def export_marts(settings: Settings, run_id: str, year: int | None = None) -> dict[str, int]:
    """Write every mart, the quarantine lists and the reference relations as Parquet into the
    run's staging folder, (given the run's year) the units' scores over the years, and the
    published `ecoscore.duckdb` holding exactly those files' tables (published_database). Returns
    row counts by file stem. Leftovers of a killed publish go first."""
    clean_interrupted(settings, run_id)
    target = staging_dir(settings, run_id)
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    counts: dict[str, int] = {}
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        relations = {t: f"marts.{t}" for t in mart_tables(con)}
        relations |= existing_relations(con, QUARANTINE_RELATIONS)
        relations |= existing_relations(con, REFERENCE_RELATIONS)
        for stem, relation in relations.items():
            path = target / f"{stem}.parquet"
            con.execute(f"copy (select * from {relation} order by all) to '{path}' (format parquet)")
            counts[stem] = con.execute(f"select count(*) from {relation}").fetchone()[0]
    finally:
        con.close()
    include_quality_report(settings, run_id, target)
    if year is not None:
        counts[HISTORY_STEM] = write_score_history(settings, target, year)
    published_database(target)
    refuse_personal_data(target)
    return counts


def published_database(release_dir: Path) -> Path:
    """The release's `ecoscore.duckdb`: one table `marts.<stem>` per Parquet file of the release
    (the published marts, quarantine lists and reference relations) and nothing else — raw,
    staging and intermediate stay in the writer's warehouse (issue 31). Tables, not views: DuckDB
    resolves a relative path in a view against the reader's working folder, not the database
    file's, so a view would tie a copied release to the folder it was made in."""
    path = release_dir / "ecoscore.duckdb"
    path.unlink(missing_ok=True)
    con = duckdb.connect(str(path))
    try:
        con.execute(f"create schema {PUBLISHED_SCHEMA}")
        for parquet in sorted(release_dir.glob("*.parquet")):
            con.execute(f'create table {PUBLISHED_SCHEMA}."{parquet.stem}" as '
                        f"select * from read_parquet('{parquet.as_posix()}')")
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


HISTORY_STEM = "fct_unit_score_history"
HISTORY_SQL = """
with years as ({union}),
final as (
    select
        ---------- ids
        unit_code, assessment_year, scheme_code,
        ---------- the year's result
        unit_name, total_score, grade, score_rank, year_status, release_run_id,
        ---------- against the unit's previous assessed year
        total_score - lag(total_score) over by_unit as total_change,
        lag(score_rank) over by_unit - score_rank as rank_change
    from years
    window by_unit as (partition by unit_code order by assessment_year, scheme_code)
)
select * from final order by all
"""


def history_sources(settings: Settings, target: Path, year: int) -> dict[int, tuple[Path, str, str]]:
    """{year: (its fct_unit_scores.parquet, status, release run id)}: this run's year from the
    staged release, every other year from its live release."""
    sources = {year: (target / "fct_unit_scores.parquet", "初步", target.name.removesuffix(".staging"))}
    for other in published_years(settings):
        path = settings.year_release(other) / "fct_unit_scores.parquet"
        if other != year and path.exists():
            status = "定稿" if final_record(settings, other) is not None else "初步"
            sources[other] = (path, status, settings.year_release(other).resolve().name)
    return sources


def write_score_history(settings: Settings, target: Path, year: int) -> int:
    """`fct_unit_score_history`: each unit's total, grade and rank in every assessment year
    with a live release (this run's year from its own scores), the year's status (初步/定稿),
    and the change against the unit's previous year. Returns its row count."""
    sources = history_sources(settings, target, year)
    if not sources[year][0].exists():
        return 0
    union = " union all ".join(
        f"select unit_code, {y} as assessment_year, scheme_code, unit_name, "
        f"total_score::decimal(18, 4) as total_score, grade, score_rank::integer as score_rank, "
        f"'{status}' as year_status, '{run_id}' as release_run_id "
        f"from read_parquet('{path.as_posix()}') where scheme_year = {y}"
        for y, (path, status, run_id) in sorted(sources.items()))
    out = target / f"{HISTORY_STEM}.parquet"
    with duckdb.connect() as con:
        con.execute(f"copy ({HISTORY_SQL.format(union=union)}) to '{out.as_posix()}' "
                    "(format parquet)")
        return con.execute(f"select count(*) from read_parquet('{out.as_posix()}')").fetchone()[0]
