"""Issue 16 part 5: the bundled sample's prior year (2023) for the 钦州 units. Year-on-year
(同比) items read it as data: qinzhou_2024 B4 (seed 001 5(1)④ "指标同比提升达到3%以上", the demo's
bonus) from the 2023 air feed the 2024 run ingests anyway, 3.1's 升类 bonus (seed 003 一.1) from
the 2023 water months. Most tests reuse the session's 2024 run; one module fixture scores 2023 as
its own release, the only way to see a history of two published years."""

from __future__ import annotations

import os
import shutil
from decimal import Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.analysis.whatif import Scenario, run_scenario
from pipelines.lib.settings import PROJECT_ROOT, Settings
from tests.conftest import environment_restored

QINZHOU_UNITS = {"zhongma", "lingshan", "pubei", "qinnan", "qinbei"}


def annual_pm25(live_db, unit: str, year: int) -> Decimal:
    return live_db.execute("select pm2_5_annual_mean from marts.fct_air_unit_annual "
                           "where unit_code = ? and obs_year = ?", [unit, year]).fetchone()[0]


def test_the_2024_run_holds_the_2023_air_year_of_every_qinzhou_unit(live_db):
    found = {r[0] for r in live_db.execute(
        "select unit_code from marts.fct_air_unit_annual where obs_year = 2023 and is_annual_valid"
    ).fetchall()}
    assert QINZHOU_UNITS <= found


def test_pm2_5_yoy_improvement_is_computed_from_the_2023_data_b4_001_5_1_4(live_db):
    """qinzhou_2024 B4 (seed 001 5(1)④ 同比提升达到3%以上): the measure is the fall of the annual
    PM2.5 mean against 2023 in % of 2023's, from the two years' annual means."""
    for unit in QINZHOU_UNITS:
        before, now = annual_pm25(live_db, unit, 2023), annual_pm25(live_db, unit, 2024)
        value, keys = live_db.execute(
            "select measure_value, source_keys from marts.fct_air_unit_measures "
            "where unit_code = ? and measure_year = 2024 "
            "and measure_code = 'air.pm2_5_yoy_improvement_pct'", [unit]).fetchone()
        assert float(value) == pytest.approx(round(float((before - now) * 100 / before), 2), abs=0.005)
        assert f"fct_air_unit_annual:{unit}:2023" in keys


def test_b4_gives_its_point_only_to_units_that_improved_3_percent_001_5_1_4(live_db):
    rows = dict(live_db.execute(
        "select s.unit_code, s.bonuses from marts.fct_unit_item_scores as s "
        "where s.scheme_code = 'qinzhou_2024' and s.item_code = 'B4'").fetchall())
    improved = dict(live_db.execute(
        "select unit_code, measure_value from marts.fct_air_unit_measures where measure_year = 2024 "
        "and measure_code = 'air.pm2_5_yoy_improvement_pct'").fetchall())
    assert set(rows) == QINZHOU_UNITS
    assert {u: float(b) for u, b in rows.items()} == {
        u: (1.0 if improved[u] >= 3 else 0.0) for u in QINZHOU_UNITS}
    assert 0 < sum(float(b) for b in rows.values()) < len(QINZHOU_UNITS)  # some do, some don't


def test_the_class_improved_bonus_reads_the_2023_water_months_003_1(live_db):
    """qinzhou_2024 3.1 升类 bonus (seed 003 一.1): 大榄江 V (2023) → IV and 茅岭江 III → II."""
    improved = live_db.execute(
        "select section_code, prior_annual_class, annual_class from marts.fct_water_section_annual "
        "where obs_year = 2024 and prior_annual_class > annual_class order by section_code").fetchall()
    assert [r[0] for r in improved] == ["QZ03", "QZ10"]


def test_changing_the_2023_air_data_moves_the_2024_score_b4_001_5_1_4(sample_run: Settings):
    """The year-on-year item is computed from the 2023 data, not a hand-entered row: a dirtier
    2023 for 浦北县 (every day at 35 μg/m³; its 2024 mean stays) turns its PM2.5 fall past 3 % and
    B4 gives it 1 point, in a scratch re-score (published results untouched)."""
    result = run_scenario(sample_run, Scenario(year=2024, unit="pubei",
                                               settings={"air.pm2_5.2023": 35}))
    b4 = result["items"].filter((pl.col("scheme_code") == "qinzhou_2024")
                                & (pl.col("item_code") == "B4")).row(0, named=True)
    assert float(b4["score_before"]) == 0 and float(b4["score_after"]) == 0  # bonus beside the score
    row = result["ranking"].filter((pl.col("scheme_code") == "qinzhou_2024")
                                   & (pl.col("unit_code") == "pubei")).row(0, named=True)
    assert float(row["total_after"]) == pytest.approx(float(row["total_before"]) + 1)


# ---------------------------------------------------------------- 2023 as its own release


@pytest.fixture(scope="module")
def with_2023(sample_run: Settings, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The sample's data folder after its 2024 run, copied, then `ecoscore run --year 2023`
    on it: the one test run that scores the prior year as its own release (as `make demo`
    does), because a score history of two published years cannot be seen otherwise."""
    from pipelines.cli import run_pipeline

    root = tmp_path_factory.mktemp("prior") / "data"
    shutil.copytree(sample_run.data_dir, root, symlinks=True)
    settings = Settings(data_dir=root)
    with environment_restored():
        os.environ["ECOSCORE_DATA_DIR"] = str(root)
        os.environ.pop("ECOSCORE_WAREHOUSE", None)
        result = run_pipeline(settings, 2023, ephemeral=True)
    assert result.success, "the 2023 run failed"
    return settings


@pytest.mark.slow  # a pipeline run of its own
def test_2023_is_scored_with_the_derived_scheme(with_2023: Settings):
    scores = pl.read_parquet(with_2023.year_release(2023) / "fct_unit_scores.parquet")
    assert set(scores["scheme_code"]) == {"qinzhou_2023"}
    assert set(scores["unit_code"]) == QINZHOU_UNITS
    assert scores["score_rank"].null_count() == 0


@pytest.mark.slow  # a pipeline run of its own
def test_the_score_history_has_both_years_for_every_unit(with_2023: Settings):
    """fct_unit_score_history (and the dashboard's 历年 panel) hold each unit's 2023 and 2024
    total and rank, the 2024 change against 2023."""
    history = pl.read_parquet(with_2023.year_release(2023) / "fct_unit_score_history.parquet")
    qz = history.filter(pl.col("unit_code").is_in(QINZHOU_UNITS))
    assert qz.group_by("unit_code").agg(pl.col("assessment_year").sort()).sort("unit_code")[
        "assessment_year"].to_list() == [[2023, 2024]] * 5
    later = qz.filter(pl.col("assessment_year") == 2024)
    assert later["total_change"].null_count() == 0 and later["rank_change"].null_count() == 0
    page = (with_2023.year_release(2023) / "dashboard" / "index.html").read_text(encoding="utf-8")
    assert "历年得分与排名" in page


@pytest.mark.slow  # a pipeline run of its own
def test_the_2024_release_is_left_as_it_was(with_2023: Settings, sample_run: Settings):
    assert with_2023.year_release(2024).resolve().name == sample_run.year_release(2024).resolve().name
    with duckdb.connect(str(with_2023.year_release(2023) / "ecoscore.duckdb"), read_only=True) as con:
        years = {r[0] for r in con.execute(
            "select distinct scheme_year from marts.fct_unit_scores").fetchall()}
    assert years == {2023}


def test_the_sample_generators_reproduce_the_2023_files(tmp_path: Path):
    from sample.air import write_air_sample
    from sample.ledgers import write_prior_ledgers

    for path in write_air_sample(tmp_path, 2023):
        assert path.read_bytes() == (PROJECT_ROOT / "data/raw" / path.relative_to(tmp_path)).read_bytes()
    shutil.copytree(PROJECT_ROOT / "data/raw/ledgers/sample", tmp_path / "ledgers/sample",
                    ignore=shutil.ignore_patterns("qinzhou_2023_*"))
    for path in write_prior_ledgers(tmp_path):
        assert path.read_bytes() == (PROJECT_ROOT / "data/raw" / path.relative_to(tmp_path)).read_bytes()
