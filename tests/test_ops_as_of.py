"""Issue 16 part 3: an as-of run (`ecoscore run --as-of D`) cuts every dated input at D — air
hours, ledger events by event date, water section-months and waste-water plant months once the
month has ended, drinking-water samples, published measures by `published_on`, self scores by
`submitted_on` — and its dashboard says what was cut."""

from __future__ import annotations

import datetime as dt
import os

import duckdb
import polars as pl
import pytest

from pipelines.lib.settings import Settings
from tests.conftest import environment_restored

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

AS_OF = dt.date(2024, 9, 30)
LATE_MEASURE = "ziyuan,2024,air.so2_annual_mean,9.9,样例（测试：截至日后发布）,2024-11-20\n"
INPUTS = {"air_hours", "ledger_events", "water_section_months", "drinking_water_samples",
          "wastewater_plant_months", "published_measures", "self_scores"}


def add_dated_scoring_inputs(settings: Settings) -> None:
    """A published value with a date after AS_OF, one before, and self scores submitted after
    it (the sample's own files carry no such dates)."""
    measures = settings.raw_dir / "measures" / "dated_2024.csv"
    measures.write_text("unit_code,year,measure_code,value,published_by,published_on\n"
                        "ziyuan,2024,air.no2_annual_mean,12.5,样例（测试：截至日前发布）,2024-08-01\n"
                        + LATE_MEASURE, encoding="utf-8")
    self_scores = settings.raw_dir / "schemes" / "self_scores" / "ziyuan_2024.csv"
    lines = self_scores.read_text(encoding="utf-8").splitlines()
    self_scores.write_text("\n".join([lines[0] + ",submitted_on"]
                                     + [f"{line},2024-12-20" for line in lines[1:]]) + "\n",
                           encoding="utf-8")


@pytest.fixture(scope="module")
def as_of_run(tmp_path_factory: pytest.TempPathFactory):
    from pipelines.cli import run_pipeline
    from tests.conftest import make_data_dir

    settings = make_data_dir(tmp_path_factory.mktemp("as_of") / "data")
    add_dated_scoring_inputs(settings)
    with environment_restored():
        os.environ["ECOSCORE_DATA_DIR"] = str(settings.data_dir)
        os.environ.pop("ECOSCORE_WAREHOUSE", None)
        result = run_pipeline(settings, 2024, AS_OF.isoformat(), ephemeral=True)
    assert result.success
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)  # every model: the writer's
    yield settings, con
    con.close()


def latest(con: duckdb.DuckDBPyConnection, sql: str):
    return con.execute(sql).fetchall()[0][0]


def test_every_dated_input_after_the_as_of_date_is_left_out(as_of_run):
    settings, con = as_of_run
    # air hours: the hours after D exist in the feed and are not read
    assert latest(con, "select max(obs_date) from staging.stg_air__station_hourly") == AS_OF
    assert latest(con, "select max(obs_date) from marts.fct_air_unit_daily") == AS_OF
    # ledger events by event date: October–December notices, fire points, inspections …
    assert latest(con, "select max(event_date) from intermediate.int_ledgers__events") <= AS_OF
    assert latest(con, "select count(*) from intermediate.int_ledgers__rows_resolved "
                       "where event_date > '2024-09-30'") > 0
    # water months once ended: October–December section months are not used
    assert latest(con, "select max(obs_month) from marts.fct_water_section_monthly "
                       "where obs_year = 2024") == 9
    assert latest(con, "select max(make_date(obs_year, obs_month, 1)) "
                       "from staging.stg_water__wastewater_plants") == dt.date(2024, 9, 1)
    assert latest(con, "select max(sample_date) from staging.stg_water__drinking_samples") <= AS_OF
    # published measures by their date (an undated one is known all year), self scores by theirs
    published = con.sql("select measure_code, published_on from staging.stg_scoring__published_measures "
                        "where unit_code = 'ziyuan'").pl()
    assert "air.so2_annual_mean" not in published["measure_code"].to_list()
    assert "air.no2_annual_mean" in published["measure_code"].to_list()
    assert published["published_on"].null_count() > 0
    assert latest(con, "select count(*) from staging.stg_scoring__self_scores") == 0
    assert latest(con, "select count(*) from marts.fct_unit_scores "
                       "where self_score is not null") == 0


def test_the_cut_report_lists_each_input_with_what_was_cut(as_of_run):
    settings, _ = as_of_run
    cuts = pl.read_parquet(settings.current_release / "fct_as_of_cuts.parquet")
    assert set(cuts["input_code"]) == INPUTS
    assert cuts.filter(pl.col("rows_cut") <= 0).is_empty(), cuts
    assert (cuts["first_date_cut"] > AS_OF).all() and (cuts["as_of_date"] == AS_OF).all()
    published = cuts.filter(pl.col("input_code") == "published_measures").row(0, named=True)
    assert published["rows_cut"] == 1 and published["first_date_cut"] == dt.date(2024, 11, 20)
    assert published["rows_undated_kept"] > 0
    page = (settings.current_release / "dashboard" / "index.html").read_text(encoding="utf-8")
    assert "截至日之后未计入的数据" in page
    for name in cuts["input_zh"]:
        assert name in page


def test_a_full_year_run_cuts_nothing(sample_run: Settings):
    cuts = pl.read_parquet(sample_run.current_release / "fct_as_of_cuts.parquet")
    assert cuts.is_empty()
    page = (sample_run.current_release / "dashboard" / "index.html").read_text(encoding="utf-8")
    assert "截至日之后未计入的数据" not in page
    assert "考核状态：</b>初步" in page


def test_scores_as_of_a_date_rescored_from_a_full_year_release_equal_the_whole_as_of_run(
        as_of_run, sample_run: Settings):
    """Issue 20 part 5: one home for as-of scoring. `scores_as_of` (pipelines/lib/as_of.py; the
    notebooks' month ends and the as-of dashboard's previous month end) re-runs the models
    between the as-of cuts and the scores on a copy of a full-year release's warehouse; the
    scores equal those of the whole pipeline run as of the same date. qinzhou_2024 only: the
    as-of run's dated measures and self scores (add_dated_scoring_inputs) are ziyuan's."""
    from pipelines.lib.as_of import scores_as_of

    _, con = as_of_run
    rescored = scores_as_of(sample_run, 2024, [AS_OF])["units"]
    assert (rescored["as_of_date"] == AS_OF).all()
    mine = rescored.drop("as_of_date").filter(pl.col("scheme_code") == "qinzhou_2024") \
        .sort("unit_code")
    whole = con.sql("select * from marts.fct_unit_scores where scheme_code = 'qinzhou_2024' "
                    "order by unit_code").pl()
    assert mine.height == whole.height > 0
    assert mine.to_dicts() == whole.to_dicts()
    full_year = pl.read_parquet(sample_run.current_release / "fct_unit_scores.parquet") \
        .filter(pl.col("scheme_code") == "qinzhou_2024").sort("unit_code")
    assert full_year["total_score"].to_list() != mine["total_score"].to_list()  # the cut shows
