"""Scores over time, as inputs of the history marts (issue 35 item 2).

- `published_year_scores`: every other assessment year's published unit scores (each year's
  live release, 定稿 or 初步) and this run's release identity → `raw.published_year_scores` and
  `raw.release_run`, which dbt's `fct_unit_score_history` unions with this run's own scores. So
  the history is a mart like any other: in the warehouse, the release's `ecoscore.duckdb`, its
  Parquet files, the dictionary and the contracts.
- `record_month_ends`: each unit's scores as of every month end of the year so far, recorded
  once per month end in `ops.unit_score_month_ends` (the month-end snapshots) and published by
  dbt's `fct_unit_score_monthly` with the change in score and rank against the previous month.
  A month end is scored when a run first finds it past (the first night of a month adds the
  month that ended; earlier ones are kept as they were recorded, as a monthly meeting saw them):
  re-scored as of that date on a copy of the run's warehouse (`pipelines/lib/as_of.py`, the one
  home of as-of scoring: the same scores as a whole `ecoscore run --as-of`). The year's last
  month end of a closed year is the run's own scores (a whole-year run is as of 31 December),
  taken again by every run: it stays the year's result while late data still arrives.
  `ecoscore history --rebuild` scores every month end again (after a scheme correction).

ECOSCORE_MONTH_ENDS says how many missing month ends a run scores: `all` (default: a new
warehouse scores the year so far, ~10–30 s a month end), `latest` (the newest one to re-score,
and a closed year's 31 December; the rest on later runs or with `ecoscore history`), `off`."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

import duckdb
import polars as pl

from pipelines.lib.as_of import warehouse_scores_as_of
from pipelines.lib.calendar import beijing_date, final_record
from pipelines.lib.settings import Settings

PUBLISHED_YEARS = "published_year_scores"  # raw.<this>: other years' live releases
RELEASE_RUN = "release_run"                # raw.<this>: this run's release id, year, status
MONTH_ENDS = "ops.unit_score_month_ends"   # the month-end snapshots (appended, never replaced)
MODES = ("all", "latest", "off")
MODE_ENV = "ECOSCORE_MONTH_ENDS"
PRELIMINARY, FINAL = "初步", "定稿"

PUBLISHED_SCHEMA = {"assessment_year": pl.Int32, "scheme_code": pl.String, "unit_code": pl.String,
                    "unit_name": pl.String, "total_score": pl.Decimal(18, 4), "grade": pl.String,
                    "score_rank": pl.Int32, "year_status": pl.String, "release_run_id": pl.String}
# What a month end keeps of fct_unit_scores (the same names and meanings, issue 35 item 4).
POINTS = "decimal(18, 4)"
SNAPSHOT: dict[str, str] = {
    "month_end": "date not null", "scheme_code": "varchar not null",
    "scheme_year": "integer not null", "unit_code": "varchar not null", "unit_name": "varchar",
    "base_points": POINTS, "deductions": POINTS, "overflow_deductions": POINTS,
    "deductions_with_overflow": POINTS, "bonuses": POINTS, "missing_points": POINTS,
    "points_lost": POINTS, "total_score": POINTS, "grade": "varchar", "score_rank": "integer",
    "is_ranked": "boolean", "is_complete": "boolean", "missing_items": "integer",
    "grade_note_zh": "varchar", "scheme_version": "varchar", "recorded_by_run": "varchar",
    "recorded_at": "timestamp"}
SNAPSHOT_KEY = ("scheme_code", "unit_code", "month_end")


class HistoryError(ValueError):
    """A setting or argument of the month-end history is invalid; the message says which."""


def month_end_mode(chosen: str = "") -> str:
    """The month ends a run scores: `chosen` (the run's month_ends), else ECOSCORE_MONTH_ENDS,
    else all."""
    mode = (chosen or os.environ.get(MODE_ENV, "all")).strip().lower() or "all"
    if mode not in MODES:
        raise HistoryError(f"{MODE_ENV}={mode!r}: 只能是 {' / '.join(MODES)}")
    return mode


# ---------- other years' published scores (before dbt)


def published_year_scores(settings: Settings, year: int, run_id: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(every other year's published unit scores with the year's status and release, this run's
    release row). A year's scores are those of its live release (data/marts/<year>/current);
    the status is 定稿 once finalised, else 初步."""
    from pipelines.publish.release import live_release, published_years

    frames = []
    for other in published_years(settings):
        release = live_release(settings, other)
        path = release / "fct_unit_scores.parquet" if release else None
        if other == year or path is None or not path.exists():
            continue
        status = FINAL if final_record(settings, other) is not None else PRELIMINARY
        scores = pl.read_parquet(path).filter(pl.col("scheme_year") == other)
        frames.append(scores.select(
            pl.lit(other).alias("assessment_year"), "scheme_code", "unit_code", "unit_name",
            "total_score", "grade", "score_rank", pl.lit(status).alias("year_status"),
            pl.lit(release.name).alias("release_run_id")).cast(PUBLISHED_SCHEMA))
    published = pl.concat(frames) if frames else pl.DataFrame(schema=PUBLISHED_SCHEMA)
    this_run = pl.DataFrame({"assessment_year": [year], "release_run_id": [run_id],
                             "year_status": [PRELIMINARY]},
                            schema={"assessment_year": pl.Int32, "release_run_id": pl.String,
                                    "year_status": pl.String})
    return published, this_run


# ---------- month ends


def month_ends(year: int) -> list[dt.date]:
    return [dt.date(year + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1) for m in range(1, 13)]


def month_ends_due(year: int, today: dt.date, as_of: str = "") -> list[dt.date]:
    """The month ends of `year` that are past on `today` (Beijing date): a month end is due the
    day after it. None for an as-of run (a view of the past, run in a scratch warehouse)."""
    if as_of:
        return []
    return [end for end in month_ends(year) if end < today]


def ensure_snapshots(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("create schema if not exists ops")
    columns = ", ".join(f"{name} {kind}" for name, kind in SNAPSHOT.items())
    con.execute(f"create table if not exists {MONTH_ENDS} ({columns}, "
                f"primary key ({', '.join(SNAPSHOT_KEY)}))")


def recorded_month_ends(con: duckdb.DuckDBPyConnection, year: int) -> set[dt.date]:
    ensure_snapshots(con)
    return {r[0] for r in con.execute(
        f"select distinct month_end from {MONTH_ENDS} where scheme_year = ?", [year]).fetchall()}


@dataclass(frozen=True)
class MonthEnds:
    recorded: list[dt.date]   # scored by this call
    rescored: list[dt.date]   # of those, re-scored as of the date (the rest: the run's own scores)
    pending: list[dt.date]    # due, still missing (ECOSCORE_MONTH_ENDS=latest / off)
    seconds: float


def to_record(year: int, due: list[dt.date], known: set[dt.date], mode: str,
              rebuild: bool = False) -> list[dt.date]:
    """The month ends to score now: the missing ones (all due ones with `rebuild`); with
    `latest`, of those that need re-scoring only the newest; none with `off`. 31 December of a
    closed year is the run's own scores: taken again by every run (it costs nothing), so it is
    always the year's result, late data included."""
    if mode == "off":
        return []
    year_end = dt.date(year, 12, 31)
    missing = [d for d in due if rebuild or d not in known or d == year_end]
    if mode == "latest":
        rescored = [d for d in missing if d != year_end]
        return [d for d in missing if d not in rescored[:-1]]
    return missing


def record_month_ends(settings: Settings, year: int, run_id: str, today: dt.date | None = None,
                      as_of: str = "", mode: str | None = None, rebuild: bool = False) -> MonthEnds:
    """Score the due month ends of `year` not recorded yet (every due one with `rebuild`) and
    append them to ops.unit_score_month_ends. Reads the run's warehouse after its dbt steps."""
    import time

    started = time.perf_counter()
    mode = mode or month_end_mode()
    due = month_ends_due(year, today or beijing_date(), as_of)
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        known = recorded_month_ends(con, year)
        chosen = to_record(year, due, known, mode, rebuild)
        con.execute("checkpoint")  # the copy below must hold every write
    finally:
        con.close()
    whole_year = dt.date(year, 12, 31)
    own = [d for d in chosen if d == whole_year]          # a whole-year run is as of 31 December
    rescore = [d for d in chosen if d != whole_year]
    frames = []
    if rescore:
        workdir = settings.warehouse_path.parent / f"{settings.warehouse_path.stem}.month_ends"
        frames.append(warehouse_scores_as_of(settings.warehouse_path, year, rescore, workdir)["units"]
                      .rename({"as_of_date": "month_end"}))
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        versions = dict(con.execute("select scheme_code, scheme_version from marts.dim_schemes")
                        .fetchall())
        if own:
            year_end = _snapshot(con.sql("select ?::date as month_end, * from marts.fct_unit_scores "
                                         "where scheme_year = ?", params=[whole_year, year]).pl(),
                                 versions, run_id)
            if whole_year in known and _same_scores(con, year_end, year, whole_year):
                chosen, own = [d for d in chosen if d != whole_year], []  # unchanged: kept as is
            else:
                frames.append(year_end)
        scored = [_snapshot(f, versions, run_id) for f in frames if f.height]
        con.execute("begin")
        if chosen:
            con.execute(f"delete from {MONTH_ENDS} where scheme_year = ? and month_end in "
                        f"({', '.join('?' for _ in chosen)})", [year, *chosen])
        for frame in scored:  # noqa: B007 (read by DuckDB)
            con.execute(f"insert into {MONTH_ENDS} by name select * from frame")
        con.execute("commit")
    finally:
        con.close()
    pending = [d for d in due if d not in known and d not in chosen]
    return MonthEnds(recorded=chosen, rescored=rescore, pending=pending,
                     seconds=time.perf_counter() - started)


def _same_scores(con: duckdb.DuckDBPyConnection, fresh: pl.DataFrame, year: int,
                 month_end: dt.date) -> bool:
    """True when the month end's recorded rows hold these scores (when and by whom aside)."""
    values = [c for c in SNAPSHOT if c not in ("recorded_by_run", "recorded_at")]
    kept = con.sql(f"select {', '.join(values)} from {MONTH_ENDS} where scheme_year = ? and month_end = ?",
                   params=[year, month_end]).pl()
    new = fresh.select([c for c in values if c in fresh.columns])
    if kept.height != new.height:
        return False
    new = new.cast({c: kept.schema[c] for c in new.columns})
    return kept.select(new.columns).sort(new.columns).equals(new.sort(new.columns), null_equal=True)


def _snapshot(frame: pl.DataFrame, versions: dict[str, str], run_id: str) -> pl.DataFrame:
    columns = [c for c in SNAPSHOT if c in frame.columns]
    return frame.select(columns).with_columns(
        scheme_version=pl.col("scheme_code").replace_strict(versions, default=None),
        recorded_by_run=pl.lit(run_id), recorded_at=pl.lit(dt.datetime.now(dt.UTC).replace(tzinfo=None)))


def forget_month_ends(settings: Settings, year: int) -> int:
    """Drop the year's recorded month ends (`ecoscore history --rebuild`); returns how many rows."""
    con = duckdb.connect(str(settings.warehouse_path))
    try:
        ensure_snapshots(con)
        return con.execute(f"delete from {MONTH_ENDS} where scheme_year = ?", [year]).fetchone()[0]
    finally:
        con.close()
