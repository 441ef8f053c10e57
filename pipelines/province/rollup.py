"""The province view: every shard's published Parquet marts read where they lie (DuckDB over the
files, nothing copied in) into province-level marts, published like a shard's release.

Each shard contributes its live release of the year (`<releases>/<year>/current`). A shard whose
last run failed still has its last good release there (a failed run never switches it): the
rollup shows that release and says so; a shard with no release of the year is listed with no
units. The rollup's own release switches in one step (`<province>/<year>/current`), so a failed
rollup leaves the last good province view in place."""

from __future__ import annotations

import fcntl
import json
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from pipelines.publish.release import live_release, swap_link
from pipelines.scheme.shards import Registry, Shard

SCORES = "fct_unit_scores.parquet"
CAUSES = "fct_unit_grade_causes.parquet"  # the decisive rules behind grades, with their causes
MARTS = ("province_shard_status", "province_city_ranking", "province_unit_ranking")
KEEP_RELEASES = 5


@dataclass(frozen=True)
class ShardSource:
    """What the rollup reads of one shard: its live release (None: nothing published) and
    the outcome of its last run (runs/<year>-<key>.json, written by `ecoscore province run`)."""

    shard: Shard
    release: Path | None
    last_run: dict | None


def runs_dir(registry: Registry) -> Path:
    return registry.province_dir / "runs"


def record_shard_run(registry: Registry, key: str, year: int, ok: bool, exit_code: int,
                     seconds: float) -> None:
    """The outcome of a shard's run, for the rollup's completeness table."""
    folder = runs_dir(registry)
    folder.mkdir(parents=True, exist_ok=True)
    record = {"shard": key, "year": year, "ok": ok, "exit_code": exit_code,
              "seconds": round(seconds, 1), "finished_at": datetime.now(UTC).isoformat()}
    (folder / f"{year}-{key}.json").write_text(json.dumps(record, ensure_ascii=False),
                                               encoding="utf-8")


def shard_sources(registry: Registry, year: int) -> list[ShardSource]:
    sources = []
    for shard in registry.shards:
        run_file = runs_dir(registry) / f"{year}-{shard.key}.json"
        last = json.loads(run_file.read_text(encoding="utf-8")) if run_file.exists() else None
        release = live_release(shard.settings, year)
        if release is not None and not (release / SCORES).exists():
            release = None
        sources.append(ShardSource(shard, release, last))
    return sources


def _quote(text: str) -> str:
    return "'" + str(text).replace("'", "''") + "'"


def _release_record(release: Path) -> dict:
    path = release / "release.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def create_views(con: duckdb.DuckDBPyConnection, sources: list[ShardSource]) -> None:
    """`shards` (one row per shard) and `scores` (every shard's fct_unit_scores, read from its
    Parquet file in place, with its shard key)."""
    rows = []
    for s in sources:
        record = _release_record(s.release) if s.release else {}
        last = s.last_run or {}
        rows.append("(" + ", ".join([
            _quote(s.shard.key), _quote(s.shard.name), _quote(s.shard.level),
            _quote(", ".join(s.shard.schemes)),
            _quote(record.get("run_id", "")) if s.release else "null",
            _quote(record.get("published_at", "")) if s.release else "null",
            "null" if s.last_run is None else str(bool(last.get("ok"))).lower(),
            _quote(last["finished_at"]) if s.last_run else "null",
        ]) + ")")
    con.execute(
        "create or replace table shards (shard_key varchar, shard_name varchar, level varchar, "
        "schemes varchar, release_run_id varchar, published_at varchar, last_run_ok boolean, "
        "last_run_at varchar)")
    con.execute("insert into shards values " + ", ".join(rows))
    selects = [f"select {_quote(s.shard.key)} as shard_key, * "
               f"from read_parquet({_quote(s.release / SCORES)})"
               for s in sources if s.release is not None]
    if not selects:  # nothing published anywhere: empty marts, same columns
        selects = ["select null::varchar as shard_key, null::varchar as scheme_code, "
                   "null::varchar as unit_code, null::varchar as unit_name, "
                   "null::decimal(18, 4) as total_score, null::decimal(18, 4) as base_points, "
                   "null::varchar as grade, null::varchar as grade_note_zh, null::integer as score_rank, "
                   "null::boolean as is_ranked, null::integer as base_items, "
                   "null::integer as missing_items where false"]
    con.execute("create or replace view scores as " + " union all by name ".join(selects))
    causes = [f"select {_quote(s.shard.key)} as shard_key, unit_code, scheme_code, cause_kind, cause_zh "
              f"from read_parquet({_quote(s.release / CAUSES)})"
              for s in sources if s.release is not None and (s.release / CAUSES).exists()]
    causes = causes or ["select null::varchar as shard_key, null::varchar as unit_code, "
                        "null::varchar as scheme_code, null::varchar as cause_kind, "
                        "null::varchar as cause_zh where false"]
    con.execute("create or replace view causes as " + " union all ".join(causes))
    names = [(code, name) for s in sources if s.release is not None
             for code, name in scheme_names(s.release).items()]
    con.execute("create or replace table scheme_names (scheme_code varchar, scheme_name varchar)")
    if names:
        con.executemany("insert into scheme_names values (?, ?)", names)


def scheme_names(release: Path) -> dict[str, str]:
    """scheme_code → its Chinese name, from the shard release's `marts.dim_schemes` (none when
    the release has no copy)."""
    copy = release / "ecoscore.duckdb"
    if not copy.exists():
        return {}
    con = duckdb.connect(str(copy), read_only=True)
    try:
        return dict(con.execute("select scheme_code, scheme_name "
                                "from marts.dim_schemes").fetchall())
    except duckdb.Error:
        return {}
    finally:
        con.close()


SHARD_STATUS_SQL = """
select
    shards.shard_key, shards.shard_name, shards.level, shards.schemes,
    shards.release_run_id, shards.published_at, shards.last_run_ok, shards.last_run_at,
    count(scores.unit_code) as units,
    count(scores.unit_code) filter (where scores.is_ranked) as units_ranked,
    coalesce(sum(scores.base_items), 0)::integer as base_items,
    coalesce(sum(scores.missing_items), 0)::integer as missing_items,
    case when sum(scores.base_items) > 0
        then round(100 * (1 - sum(scores.missing_items) / sum(scores.base_items)), 1)
    end as completeness_pct,
    case
        when shards.release_run_id is null then '无已发布结果'
        when shards.last_run_ok = false then '最近一次运行失败，沿用上次成功发布的结果'
        else '最新'
    end as state_zh
from shards
left join scores using (shard_key)
group by all
order by shards.shard_key
"""

# Schemes differ between cities (points, items, grades): units are compared across the province
# by 得分率 (total ÷ the scheme's points, %) and grade, never by raw totals; within a city by the
# city's own scheme rank.
GRADE_ORDER = """case grade when '优秀' then 1 when '良好' then 2 when '合格' then 3
    when '基本合格' then 4 when '不合格' then 5 else 6 end"""

CITY_RANKING_SQL = """
with rated as (
    select *, 100 * total_score / nullif(base_points, 0) as score_rate from scores
),

cities as (
    select
        shard_key, any_value(shard_name) as shard_name,
        count(*) filter (where is_ranked) as units_ranked,
        round(avg(score_rate) filter (where is_ranked), 2) as mean_score_rate,
        round(min(score_rate) filter (where is_ranked), 2) as min_score_rate,
        round(max(score_rate) filter (where is_ranked), 2) as max_score_rate
    from rated
    inner join shards using (shard_key)
    group by shard_key
)

select
    *,
    case when mean_score_rate is not null
        then rank() over (partition by mean_score_rate is null order by mean_score_rate desc) end
        as city_rank
from cities
order by city_rank nulls last, shard_key
"""

UNIT_RANKING_SQL = f"""
with rated as (
    select
        scores.*,
        round(100 * scores.total_score / nullif(scores.base_points, 0), 2) as score_rate,
        {GRADE_ORDER} as grade_order
    from scores
),

notes as (
    select
        shard_key, scheme_code, unit_code,
        string_agg(cause_zh, '\n' order by cause_kind, cause_zh) as note_zh
    from causes
    group by all
)

select
    rated.shard_key, shards.shard_name, rated.scheme_code,
    coalesce(scheme_names.scheme_name, rated.scheme_code) as scheme_name, rated.unit_code,
    rated.unit_name, rated.total_score, rated.base_points, rated.score_rate, rated.grade,
    rated.is_ranked, rated.missing_items,
    coalesce(notes.note_zh, rated.grade_note_zh) as note_zh,
    -- within the city: the city's own scheme rank
    rated.score_rank as rank_in_city,
    -- across the province: by grade, then 得分率 (schemes differ: raw totals do not compare)
    case when rated.is_ranked then rank() over (
        partition by rated.is_ranked order by rated.grade_order, rated.score_rate desc)
    end as rank_in_province
from rated
inner join shards using (shard_key)
left join scheme_names using (scheme_code)
left join notes using (shard_key, scheme_code, unit_code)
order by rank_in_province nulls last, rated.shard_key, rated.unit_code
"""


def build_marts(con: duckdb.DuckDBPyConnection, target: Path) -> dict[str, int]:
    """The province marts as Parquet in `target`; row counts by name."""
    counts = {}
    for name, sql in (("province_shard_status", SHARD_STATUS_SQL),
                      ("province_city_ranking", CITY_RANKING_SQL),
                      ("province_unit_ranking", UNIT_RANKING_SQL)):
        con.execute(f"create or replace table {name} as {sql}")
        con.execute(f"copy (select * from {name} order by all) to "
                     f"{_quote(target / f'{name}.parquet')} (format parquet)")
        counts[name] = con.execute(f"select count(*) from {name}").fetchone()[0]
    return counts


@contextmanager
def province_lock(registry: Registry) -> Iterator[None]:
    """One rollup at a time per province folder."""
    registry.province_dir.mkdir(parents=True, exist_ok=True)
    with open(registry.province_dir / "province.lock", "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            raise RuntimeError(f"另一个省级汇总正在运行 ({registry.province_dir}); "
                               "another province rollup is running") from err
        yield


def year_release(registry: Registry, year: int) -> Path:
    return registry.province_dir / str(year) / "current"


def prune(registry: Registry, keep: set[str]) -> None:
    releases = registry.province_dir / "releases"
    folders = sorted((p for p in releases.iterdir() if p.is_dir()),
                     key=lambda p: p.stat().st_mtime, reverse=True)
    live = {p.resolve().name for p in registry.province_dir.glob("*/current") if p.exists()}
    for old in folders[KEEP_RELEASES:]:
        if old.name not in keep | live:
            shutil.rmtree(old)
    for stale in (p for p in folders if p.name.endswith(".staging")):
        shutil.rmtree(stale, ignore_errors=True)


def roll_up(registry: Registry, year: int, run_id: str) -> tuple[Path, dict[str, int]]:
    """Build the province release of `year` and switch `<province>/<year>/current` to it.
    Any error leaves the previous province release live."""
    from pipelines.province.page import write_page

    sources = shard_sources(registry, year)
    releases = registry.province_dir / "releases"
    staged = releases / f"{run_id}.staging"
    if staged.exists():
        shutil.rmtree(staged)
    staged.mkdir(parents=True)
    con = duckdb.connect()
    try:
        create_views(con, sources)
        counts = build_marts(con, staged)
        write_page(con, staged, year)
    finally:
        con.close()
    record = {"year": year, "run_id": run_id, "published_at": datetime.now(UTC).isoformat(),
              "shards": {s.shard.key: str(s.release) if s.release else None for s in sources}}
    (staged / "release.json").write_text(json.dumps(record, ensure_ascii=False, indent=2),
                                         encoding="utf-8")
    final = releases / run_id
    staged.rename(final)
    link = year_release(registry, year)
    link.parent.mkdir(parents=True, exist_ok=True)
    swap_link(link, Path("..") / "releases" / run_id)
    prune(registry, keep={run_id})
    return final, counts
