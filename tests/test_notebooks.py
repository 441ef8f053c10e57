"""Issue 10: the analyst notebooks run top to bottom against the published sample release, and
what they say matches figures computed here, independently, from the Parquet marts; and the
published release can be read (DuckDB read-only, Parquet) while `ecoscore run` writes."""

from __future__ import annotations

import json
import math
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.analysis.notebooks import NOTEBOOKS_DIR, cell_text, execute_notebook
from pipelines.lib.settings import PROJECT_ROOT, Settings

SUMMARY_MARK = "__SUMMARY__"


def run_notebook(name: str, release: Path, **parameters) -> tuple[str, dict]:
    """Execute notebooks/<name>.py on `release`; returns its text output and its `summary`."""
    import nbformat

    path = NOTEBOOKS_DIR / f"{name}.py"
    saved = os.environ.get("ECOSCORE_RELEASE")
    os.environ["ECOSCORE_RELEASE"] = str(release)
    try:
        import jupytext

        nb = jupytext.read(path)
        nb.cells.append(nbformat.v4.new_code_cell(
            f"import json\nprint({SUMMARY_MARK!r} + json.dumps(summary, default=str, ensure_ascii=False))"))
        scratch = release.parent.parent.parent / "nb" / f"{name}.py"
        scratch.parent.mkdir(parents=True, exist_ok=True)
        jupytext.write(nb, scratch, fmt="py:percent")
        executed = execute_notebook(scratch, parameters)
    finally:
        if saved is None:
            os.environ.pop("ECOSCORE_RELEASE", None)
        else:
            os.environ["ECOSCORE_RELEASE"] = saved
    text = cell_text(executed)
    line = next(x for x in text.splitlines() if x.startswith(SUMMARY_MARK))
    return text, json.loads(line[len(SUMMARY_MARK):])


def mart(settings: Settings, name: str) -> pl.DataFrame:
    return pl.read_parquet(settings.current_release / f"{name}.parquet")


def round1(value: float) -> Decimal:
    """HJ 663 / GB/T 8170: annual figures to 0.1, half to even."""
    return Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_EVEN)


def steps_lost(gap: Decimal, per: Decimal = Decimal("0.3"), cap: Decimal = Decimal("3")) -> Decimal:
    """Seed 001 item 5(1)①②: 每低（高）0.1 扣 0.3 分，最高扣 3 分."""
    if gap <= 0:
        return Decimal(0)
    return min(cap, math.ceil(gap / Decimal("0.1")) * per)


@pytest.fixture(scope="module")
def targets(sample_run: Settings) -> dict[tuple[str, str], Decimal]:
    gap = mart(sample_run, "fct_air_target_gap").filter(pl.col("scheme_code") == "qinzhou_2024")
    return {(r["unit_code"], r["measure_code"]): Decimal(str(r["target"])).normalize()
            for r in gap.iter_rows(named=True)}


# ---------- (a) a unit's score item by item

def test_the_score_notebook_explains_lingshan_item_by_item_with_the_seed_quote(sample_run: Settings):
    text, summary = run_notebook("01_unit_score_explained", sample_run.current_release, UNIT="lingshan")
    scores = mart(sample_run, "fct_unit_scores").filter(pl.col("unit_code") == "lingshan")
    assert summary["totals"] == {r["scheme_code"]: float(r["total_score"])
                                 for r in scores.iter_rows(named=True)}
    assert summary["ranks"] == {r["scheme_code"]: r["score_rank"] for r in scores.iter_rows(named=True)}
    items = mart(sample_run, "fct_unit_item_scores").filter(pl.col("unit_code") == "lingshan",
                                                            pl.col("score") < pl.col("points"))
    assert summary["items_losing_points"] == sorted(f"{r['scheme_code']}:{r['item_code']}"
                                                    for r in items.iter_rows(named=True))
    moves = mart(sample_run, "fct_score_movements").filter(pl.col("unit_code") == "lingshan",
                                                           pl.col("is_movement"))
    assert moves.height > 0
    for r in moves.iter_rows(named=True):  # every lost point with its sentence and the rule's quote
        assert r["explanation_zh"] in text
        assert f"《{r['source_seed']}》{r['source_item']}：{r['source_text']}" in text


# ---------- (b) air: months and stations against target

def test_the_air_notebook_finds_the_costliest_month_and_what_the_rest_of_the_year_needs(
        sample_run: Settings, targets):
    text, summary = run_notebook("02_air_stations_months", sample_run.current_release, UNIT="lingshan")
    pm_target = float(targets[("lingshan", "air.pm2_5_annual_mean")])
    daily = mart(sample_run, "fct_air_unit_daily").filter(pl.col("unit_code") == "lingshan",
                                                          pl.col("obs_year") == 2024)
    pm = daily.select("obs_month", "obs_date", pl.col("pm2_5_24h").cast(pl.Float64))
    n = pm["pm2_5_24h"].count()
    by_month = (pm.group_by("obs_month").agg(((pl.col("pm2_5_24h") - pm_target).sum() / n).alias("c"))
                .sort("c", descending=True))
    assert summary["worst_pm_month"] == by_month["obs_month"][0]
    assert summary["worst_pm_contribution"] == pytest.approx(by_month["c"][0], abs=0.005)
    # the months' shares add up to the annual mean's distance from target
    assert summary["contributions_sum"] == pytest.approx(pm["pm2_5_24h"].mean() - pm_target, abs=0.06)
    annual = mart(sample_run, "fct_air_unit_annual").filter(pl.col("unit_code") == "lingshan",
                                                            pl.col("obs_year") == 2024).row(0, named=True)
    assert summary["non_good_days"] == annual["valid_days"] - annual["good_days"]
    # README / fct_air_target_gap: "PM2.5 须在余下 92 天平均不高于 30.1 μg/m³" as of 30 September
    so_far = pm.filter(pl.col("obs_date") <= date(2024, 9, 30))["pm2_5_24h"]
    needed = (pm_target * (so_far.count() + 92) - so_far.sum()) / 92
    assert summary["pm_needed_sep_30"] == math.floor(needed * 10) / 10 == 30.1
    assert set(summary["station_non_good_days"]) == {"3104A", "3105A"}  # 灵山县's two stations
    outliers = mart(sample_run, "fct_air_station_outlier_days").filter(pl.col("unit_code") == "lingshan")
    assert summary["outlier_days"] == outliers.height
    assert "余下PM25须不高于" in text


# ---------- (c) water: sections off target and their limiting indicators

def test_the_water_notebook_lists_sections_off_target_with_their_limiting_indicators(sample_run: Settings):
    text, summary = run_notebook("03_water_sections", sample_run.current_release)
    annual = mart(sample_run, "fct_water_section_annual").filter(pl.col("obs_year") == 2024)
    monthly = mart(sample_run, "fct_water_section_monthly").filter(pl.col("obs_year") == 2024)
    off = monthly.filter(~pl.col("meets_target"))
    assert summary["sections"] == annual.height
    assert summary["section_months_off_target"] == off.height
    assert summary["sections_off_target"] == off["section_code"].n_unique()
    worst = off.group_by("section_code").len().sort("len", "section_code", descending=[True, False]).row(0)
    assert (summary["worst_section"], summary["worst_section_months"]) == worst
    indicators = off["limiting_indicators"].str.split(";").explode().value_counts(sort=True)
    assert summary["top_indicator"] == indicators.row(0)[0]
    assert "主要污染指标" in text


# ---------- (d) ranking month over month

def test_the_ranking_notebook_rescores_a_month_end_as_the_scheme_would(sample_run: Settings, targets):
    _, summary = run_notebook("04_ranking_month_over_month", sample_run.current_release,
                              MONTH_ENDS=["2024-06-30"])
    assert summary["as_of_dates"] == ["2024-06-30", "2024-12-31"]
    scores = mart(sample_run, "fct_unit_scores").filter(pl.col("scheme_code") == "qinzhou_2024")
    for r in scores.iter_rows(named=True):  # the last point is the published release itself
        assert summary["ranks"][f"2024-12-31:{r['unit_code']}"] == r["score_rank"]
        assert summary["totals"][f"2024-12-31:{r['unit_code']}"] == float(r["total_score"])
    # seed 001 5(1)①②, from the daily mart up to 30 June: each unit's own air deductions
    # the mart holds the prior year too (2023, for the year-on-year measures): 2024's half only
    daily = mart(sample_run, "fct_air_unit_daily").filter(
        pl.col("obs_date").is_between(date(2024, 1, 1), date(2024, 6, 30)))
    for unit in scores["unit_code"]:
        days = daily.filter(pl.col("unit_code") == unit)
        valid = days.filter(pl.col("is_valid_day"))
        good = round1(100 * valid.filter(pl.col("aqi") <= 100).height / valid.height)
        pm = round1(days["pm2_5_24h"].cast(pl.Float64).drop_nulls().mean())
        steps = summary["air_steps"]
        assert Decimal(str(steps[f"2024-06-30:{unit}:1.1"])) == -steps_lost(
            targets[(unit, "air.good_day_ratio")] - good), unit
        assert Decimal(str(steps[f"2024-06-30:{unit}:1.2"])) == -steps_lost(
            pm - targets[(unit, "air.pm2_5_annual_mean")]), unit


# ---------- what-if from a notebook

def pm_annual_mean(daily: pl.DataFrame, unit: str, december: float | None = None) -> Decimal:
    """A unit's 2024 PM2.5 annual mean (one decimal) from the unit-daily mart, December optionally
    replaced by a constant daily value."""
    pm = daily.filter(pl.col("unit_code") == unit, pl.col("obs_year") == 2024).select(
        "obs_month", pl.col("pm2_5_24h").cast(pl.Float64))
    if december is not None:
        pm = pm.with_columns(pl.when(pl.col("obs_month") == 12).then(december)
                             .otherwise(pl.col("pm2_5_24h")).alias("pm2_5_24h"))
    return round1(pm["pm2_5_24h"].drop_nulls().mean())


def yoy_bonus(sample_run: Settings, unit: str, this_year: Decimal) -> Decimal:
    """qinzhou_2024 B4 (seed 001 5(1)④ 同比提升达到3%以上): 1 point when the annual PM2.5 mean
    fell by 3 % or more against 2023's published mean."""
    annual = mart(sample_run, "fct_air_unit_annual").filter(pl.col("unit_code") == unit,
                                                           pl.col("obs_year") == 2023)
    prior = Decimal(str(annual["pm2_5_annual_mean"][0]))
    improved = ((prior - this_year) * 100 / prior).quantize(Decimal("0.01"))
    return Decimal(1) if improved >= 3 else Decimal(0)


def test_the_whatif_notebook_gives_back_what_a_december_at_30_frees_after_pool_charges(
        sample_run: Settings, targets):
    text, summary = run_notebook("05_whatif", sample_run.current_release, UNIT="lingshan",
                                 SETTINGS={"air.pm2_5.2024-12": 30})
    daily = mart(sample_run, "fct_air_unit_daily")
    target = targets[("lingshan", "air.pm2_5_annual_mean")]
    before, after = pm_annual_mean(daily, "lingshan"), pm_annual_mean(daily, "lingshan", 30.0)
    freed = steps_lost(before - target) - steps_lost(after - target)
    assert freed > 0  # December at 30 lowers 灵山县's own PM2.5 deduction (001 5(1)②)
    # 001 5(5)–(11): items without base points are charged to named siblings until those reach zero;
    # what was left unpaid is charged first from any points the siblings get back
    items = mart(sample_run, "fct_unit_item_scores").filter(pl.col("unit_code") == "lingshan",
                                                            pl.col("charged_to").str.contains("1.2"))
    unpaid = Decimal(str(items["pool_floor_cut"].sum()))
    assert summary["unpaid_pool_deductions"] == float(unpaid)
    # and the lower annual mean may also earn B4's 同比 bonus (001 5(1)④) against 2023
    bonus = yoy_bonus(sample_run, "lingshan", after) - yoy_bonus(sample_run, "lingshan", before)
    back = Decimal(str(summary["points_back"]["qinzhou_2024"])).quantize(Decimal("0.01"))
    assert back == freed - min(freed, unpaid) + bonus
    assert "灵山县" in text and "情景得分" in text


# ---------- reading the published release while `ecoscore run` writes

@pytest.fixture
def second_run_dir(sample_run: Settings, tmp_path: Path) -> Iterator[Settings]:
    settings = Settings(data_dir=tmp_path / "data")
    shutil.copytree(sample_run.data_dir, settings.data_dir, symlinks=True)
    yield settings


def read_release(current: Path) -> tuple[str, float, float]:
    """What an analyst reads: the run id, Σ total_score from the read-only warehouse copy and
    from the Parquet file — all through the `current` link, as a person would open them."""
    run_id = json.loads((current / "release.json").read_text(encoding="utf-8"))["run_id"]
    con = duckdb.connect(str(current / "ecoscore.duckdb"), read_only=True)
    try:
        from_db = float(con.sql("select sum(total_score) from marts.fct_unit_scores").fetchall()[0][0])
    finally:
        con.close()
    from_parquet = float(pl.read_parquet(current / "fct_unit_scores.parquet")["total_score"].sum())
    return run_id, from_db, from_parquet


@pytest.mark.slow  # a pipeline run of its own
def test_analysts_read_the_published_release_while_a_run_writes_and_see_the_switch_in_one_step(
        second_run_dir: Settings, tmp_path: Path):
    # A successful run here; tests/test_quality_gate_run.py shows the same reads through a run that fails.
    current = second_run_dir.current_release
    old_run, old_db, old_parquet = read_release(current)
    held = duckdb.connect(str(current / "ecoscore.duckdb"), read_only=True)  # open all through the run
    env = {**os.environ, "ECOSCORE_DATA_DIR": str(second_run_dir.data_dir),
           "DAGSTER_HOME": str(PROJECT_ROOT), "ECOSCORE_DAGSTER_STORAGE": str(tmp_path / "dagster")}
    env.pop("ECOSCORE_WAREHOUSE", None)
    log = tmp_path / "run.log"  # a file, not a pipe: the run's log would fill a pipe and stall it
    writer = subprocess.Popen([str(Path(sys.executable).with_name("ecoscore")), "run", "--year", "2024"],
                              env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    seen: list[tuple[str, float, float]] = []
    errors: list[BaseException] = []
    try:
        while writer.poll() is None:
            try:
                seen.append(read_release(current))
                held.sql("select count(*) from marts.fct_unit_item_scores").fetchall()
            except BaseException as err:  # noqa: BLE001 - any failure to read is the finding
                errors.append(err)
            time.sleep(0.5)
    finally:
        if writer.poll() is None:
            writer.kill()
        held.close()
    assert writer.returncode == 0, log.read_text(encoding="utf-8")[-3000:]
    seen.append(read_release(current))
    assert errors == []
    run_ids = [r[0] for r in seen]
    new_run = run_ids[-1]
    assert new_run != old_run
    # the old snapshot until the switch, then the new one: never a mix, never back
    switch = run_ids.index(new_run)
    assert switch > 3 and set(run_ids[:switch]) == {old_run} and set(run_ids[switch:]) == {new_run}
    # same inputs, same scores, read the same way from DuckDB and Parquet on both sides of the switch
    assert {(db, pq) for _, db, pq in seen} == {(old_db, old_parquet)}
