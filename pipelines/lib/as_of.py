"""Scores as of a date, re-computed on a copy of the writer's warehouse: the one home of as-of
scoring (issue 20 part 5). The notebooks' ranking by month end, the as-of dashboard's
"change since last month" (the previous month end's scores) and the nightly month-end history
(fct_unit_score_monthly, pipelines/publish/history.py) all call it.

An `ecoscore run --as-of D` differs from the full-year run only where the `as_of` var is read:
the models tagged `as_of` that cut each dated input (air hours, ledger events, water months,
published measures, self scores; macros/ops/as_of.sql) and `fct_air_target_gap`. So a scratch
snapshot of the writer's warehouse (the published copy holds the marts only) and `dbt run` of
the models between those and
`fct_unit_scores` with `as_of = D` give the same scores as a whole as-of run
(tests/test_ops_as_of.py compares the two; 15–30 s per date on two shared cores instead of about
90 s), and the release is never touched. A whole release as of a date (quality report, office
files, every mart) is a pipeline run: `pipelines/publish/dashboard/asof.py` `release_as_of`."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from datetime import date
from pathlib import Path

import duckdb
import polars as pl

from pipelines.lib import dbt_launcher
from pipelines.lib.settings import Settings

# the models an as-of date can change on the way to the scores: from every model that cuts a
# dated input (tag `as_of`, macros/ops/as_of.sql) down to the scores
AS_OF_SELECTION = "tag:as_of+,+fct_unit_scores"
# what scores_as_of returns: name → mart
SCORE_MARTS = {"units": "fct_unit_scores", "items": "fct_unit_item_scores",
               "movements": "fct_score_movements"}


def _rescore(db: Path, year: int, as_of: date, workdir: Path) -> None:
    run = dbt_launcher.invoke(["run", "--select", AS_OF_SELECTION], warehouse=db,
                              target_path=workdir / "target",
                              vars={"year": year, "as_of": as_of.isoformat()}, check=False)
    if not run.success:
        raise RuntimeError(f"截至 {as_of} 的重新计分失败 (dbt run):\n"
                           f"{dbt_launcher.describe_failure(run)}")


def scores_as_of(settings: Settings, year: int, dates: Iterable[date]) -> dict[str, pl.DataFrame]:
    """`fct_unit_scores` ("units"), `fct_unit_item_scores` ("items") and `fct_score_movements`
    ("movements") of the year's schemes re-scored as of each date, with an `as_of_date` column,
    on a snapshot of the settings' writer warehouse (the published copy holds the marts only, and
    re-scoring needs the models before them); the release's own scores are not included (read
    them from its Parquet files)."""
    from pipelines.lib.warehouse import snapshot

    with tempfile.TemporaryDirectory(prefix="ecoscore-asof-") as scratch:
        db = snapshot(settings, Path(scratch) / "asof.duckdb")
        return rescore_copy(db, year, dates, Path(scratch))


def warehouse_scores_as_of(warehouse: Path, year: int, dates: Iterable[date],
                           workdir: Path) -> dict[str, pl.DataFrame]:
    """`scores_as_of` on a copy of a warehouse the caller may read as it stands — the run's own
    warehouse after its dbt steps, the run holding the writer lock (the month-end history,
    pipelines/publish/history.py). The copy and dbt's target folder live in `workdir`; a workdir
    kept between calls keeps dbt's parse (a new one parses the project once, ~10 s)."""
    workdir.mkdir(parents=True, exist_ok=True)
    db = workdir / "asof.duckdb"
    shutil.copy2(warehouse, db)
    try:
        return rescore_copy(db, year, dates, workdir)
    finally:
        db.unlink(missing_ok=True)


def rescore_copy(db: Path, year: int, dates: Iterable[date],
                 workdir: Path) -> dict[str, pl.DataFrame]:
    """Re-score the scratch copy `db` as of each date in turn and collect SCORE_MARTS."""
    found: dict[str, list[pl.DataFrame]] = {name: [] for name in SCORE_MARTS}
    for as_of in sorted(dates):
        _rescore(db, year, as_of, workdir)
        con = duckdb.connect(str(db), read_only=True)
        try:
            for name, mart in SCORE_MARTS.items():
                found[name].append(con.sql(
                    f"select ?::date as as_of_date, * from marts.{mart} where scheme_year = ?",
                    params=[as_of, year]).pl())
        finally:
            con.close()
    return {name: pl.concat(frames, how="diagonal_relaxed") if frames else pl.DataFrame()
            for name, frames in found.items()}
