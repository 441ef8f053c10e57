"""Issue 35 item 2 (monthly history): for every month end of the year so far, each unit's scores,
rank and grade as of that date (fct_unit_score_monthly), built incrementally: a month end is
scored once, by the first run after it (pipelines/publish/history.py), re-scored as of that date
with the one as-of implementation (pipelines/lib/as_of.py); a new month adds its rows."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.lib.settings import Settings
from pipelines.publish import history

D = dt.date


def test_a_month_end_is_due_the_day_after_it():
    assert history.month_ends_due(2024, D(2024, 4, 15)) == [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31)]
    assert history.month_ends_due(2024, D(2024, 4, 30)) == history.month_ends_due(2024, D(2024, 4, 15))
    assert history.month_ends_due(2024, D(2024, 5, 1))[-1] == D(2024, 4, 30)
    assert history.month_ends_due(2024, D(2025, 1, 3)) == history.month_ends(2024)  # 12, 31 Dec too
    assert history.month_ends_due(2024, D(2024, 1, 20)) == []
    # an as-of run is a view of the past in a scratch warehouse: it records none
    assert history.month_ends_due(2024, D(2025, 1, 3), as_of="2024-06-30") == []


def test_which_month_ends_a_run_scores():
    due = history.month_ends(2024)
    known = {D(2024, 1, 31), D(2024, 2, 29)}
    assert history.to_record(2024, due, known, "all") == due[2:]
    # latest: the newest one to re-score, and 31 December of a closed year (the run's own scores)
    assert history.to_record(2024, due, known, "latest") == [D(2024, 11, 30), D(2024, 12, 31)]
    assert history.to_record(2024, due[:5], known, "latest") == [D(2024, 5, 31)]
    assert history.to_record(2024, due, known, "off") == []
    # nothing new: nothing re-scored; 31 December of a closed year is the run's own scores, taken
    # again by every run (late data still counts there)
    assert history.to_record(2024, due, set(due), "all") == [D(2024, 12, 31)]
    assert history.to_record(2024, due[:11], set(due[:11]), "latest") == []
    assert history.to_record(2024, due, set(due), "all", rebuild=True) == due


def test_a_wrong_setting_is_named(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv(history.MODE_ENV, "some")
    with pytest.raises(history.HistoryError, match="ECOSCORE_MONTH_ENDS='some': 只能是 all / latest / off"):
        history.month_end_mode()
    monkeypatch.setenv(history.MODE_ENV, "LATEST")
    assert history.month_end_mode() == "latest"


def test_rebuild_forgets_only_that_years_month_ends(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    settings.warehouse_path.parent.mkdir(parents=True)
    con = duckdb.connect(str(settings.warehouse_path))
    history.ensure_snapshots(con)
    con.execute(f"insert into {history.MONTH_ENDS} (month_end, scheme_code, scheme_year, unit_code) "
                "values ('2024-01-31', 'a', 2024, 'u'), ('2023-12-31', 'b', 2023, 'u')")
    con.close()
    assert history.forget_month_ends(settings, 2024) == 1
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    assert con.execute(f"select scheme_year from {history.MONTH_ENDS}").fetchall() == [(2023,)]
    con.close()


def snapshots(warehouse: Path) -> pl.DataFrame:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.sql(f"select * from {history.MONTH_ENDS} order by all").pl()
    finally:
        con.close()


def test_the_sample_run_recorded_its_month_ends_and_published_them(sample_run: Settings):
    """The shared sample run (ECOSCORE_MONTH_ENDS=latest, tests/conftest.py) records 30 November,
    re-scored as of that date, and 31 December, the run's own whole-year scores; the release's
    fct_unit_score_monthly holds both, 31 December equal to fct_unit_scores."""
    recorded = snapshots(sample_run.warehouse_path)
    assert sorted(set(recorded["month_end"])) == [D(2024, 11, 30), D(2024, 12, 31)]
    monthly = pl.read_parquet(sample_run.current_release / "fct_unit_score_monthly.parquet")
    scores = pl.read_parquet(sample_run.current_release / "fct_unit_scores.parquet")
    assert monthly.height == recorded.height == 2 * scores.height
    december = monthly.filter(pl.col("month_end") == D(2024, 12, 31)).join(
        scores, on=["scheme_code", "unit_code"], suffix="_year")
    for column in ("total_score", "score_rank", "grade", "deductions", "points_lost", "bonuses"):
        assert (december[column] == december[f"{column}_year"]).all(), column
    # 资源县's tasks completed in December (ledgers/sample/ziyuan_2024_任务完成.csv) are not yet
    # done on 30 November: its total then is lower
    ziyuan = monthly.filter(pl.col("unit_code") == "ziyuan").sort("month_end")
    assert ziyuan["total_score"][0] < ziyuan["total_score"][1]


@pytest.mark.slow  # re-scores a month end and builds the mart on a copy (~40 s)
def test_a_new_month_adds_its_rows_and_leaves_the_recorded_ones(sample_run: Settings, tmp_path: Path):
    """A later run scores the next missing month end (31 October, latest) on a copy of the
    warehouse and appends it: 30 November and 31 December (the year's result, unchanged) stay as
    recorded (same run, same time); the mart then shows November's change against October."""
    from pipelines.lib import dbt_launcher

    settings = Settings(data_dir=tmp_path)
    settings.warehouse_path.parent.mkdir(parents=True)
    shutil.copy2(sample_run.warehouse_path, settings.warehouse_path)
    before = snapshots(settings.warehouse_path)
    done = history.record_month_ends(settings, 2024, "run-later", today=D(2025, 1, 5), mode="latest")
    # 31 December of the closed year is the run's own scores, unchanged here: kept as recorded
    assert done.recorded == done.rescored == [D(2024, 10, 31)]
    assert done.pending == history.month_ends(2024)[:9]
    after = snapshots(settings.warehouse_path)
    for kept in (D(2024, 11, 30), D(2024, 12, 31)):  # kept as recorded (same run, same time)
        assert after.filter(pl.col("month_end") == kept).equals(before.filter(pl.col("month_end") == kept))
    october = after.filter(pl.col("month_end") == D(2024, 10, 31))
    assert october.height == before.height // 2 and set(october["recorded_by_run"]) == {"run-later"}
    dbt_launcher.invoke(["run", "--select", "fct_unit_score_monthly"], warehouse=settings.warehouse_path,
                        target_path=tmp_path / "target", vars={"year": 2024, "as_of": ""})
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    monthly = con.sql("select * from marts.fct_unit_score_monthly order by unit_code, month_end").pl()
    con.close()
    assert monthly.height == 3 * (before.height // 2)
    for _, unit in monthly.group_by("scheme_code", "unit_code"):
        unit = unit.sort("month_end")
        assert unit["previous_month_end"].to_list() == [None, D(2024, 10, 31), D(2024, 11, 30)]
        assert unit["rank_change"][1] == unit["score_rank"][0] - unit["score_rank"][1]
