"""The whole pipeline on the bundled sample (钦州 2024), through Dagster, as `make demo` runs it."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.lib.settings import Settings


def read_mart(settings: Settings, name: str) -> pl.DataFrame:
    return pl.read_parquet(settings.current_release / f"{name}.parquet")


def test_publishes_the_first_marts_as_parquet(sample_run: Settings):
    live = sample_run.current_release
    for name in ("fct_air_unit_daily", "fct_air_unit_annual", "fct_unit_scores",
                 "fct_unit_item_scores", "fct_score_movements"):
        assert (live / f"{name}.parquet").exists(), name
    assert (live / "ecoscore.duckdb").exists()
    assert (live / "dashboard" / "index.html").exists()
    assert (live / "release.json").exists()


def test_unit_daily_has_one_row_per_unit_and_day_of_2024(sample_run: Settings):
    daily = read_mart(sample_run, "fct_air_unit_daily").filter(pl.col("obs_year") == 2024)
    # 6 units (5 assessed + the city) × 366 days of the leap year
    assert daily.height == 6 * 366
    assert daily.select(pl.struct("unit_code", "obs_date").is_unique().all()).item()


def test_central_city_districts_share_the_three_central_stations(sample_run: Settings):
    # seed 004 annex note: 钦南区、钦北区以中心城区 3 个空气自动监测站平均数据为考核标准
    annual = read_mart(sample_run, "fct_air_unit_annual").filter(pl.col("obs_year") == 2024)
    by_unit = {r["unit_code"]: r for r in annual.iter_rows(named=True)}
    for column in ("pm2_5_annual_mean", "good_day_ratio", "comprehensive_index"):
        assert by_unit["qinnan"][column] == by_unit["qinbei"][column] == by_unit["qinzhou"][column]


def test_lingshan_misses_both_air_targets_and_loses_all_six_points(sample_run: Settings):
    # seed 001 item 5(1)①②: −0.3 per 0.1 below/above target, capped at 3 each.
    # 灵山县 2024 targets (seed 004 annex): good-day ratio 96.4 %, PM2.5 29.2 μg/m³.
    # Item 1.5 (fireworks night, 不设基础分) is charged to 1.1–1.3 ("从第（1）—（4）项得分中扣分"), so
    # the targets' own effect is the points less the rule deductions, before pool charges.
    items = read_mart(sample_run, "fct_unit_item_scores").filter(
        (pl.col("scheme_code") == "qinzhou_2024") & pl.col("item_code").is_in(["1.1", "1.2"]))
    by_unit = items.group_by("unit_code").agg(
        (pl.col("points") - pl.col("deductions_before_composition")).cast(pl.Float64).sum().alias("score"))
    scores = dict(zip(by_unit["unit_code"], by_unit["score"], strict=True))
    assert scores.pop("lingshan") == 0.0
    assert set(scores.values()) == {6.0}


def test_lingshan_ranks_last_of_the_five_units(sample_run: Settings):
    scores = read_mart(sample_run, "fct_unit_scores").filter(pl.col("scheme_code") == "qinzhou_2024")
    assert scores.height == 5
    lingshan = scores.filter(pl.col("unit_code") == "lingshan").row(0, named=True)
    assert lingshan["score_rank"] == 5


def test_every_deduction_explains_itself_in_chinese(sample_run: Settings):
    moves = read_mart(sample_run, "fct_score_movements")
    pm = moves.filter((pl.col("unit_code") == "lingshan") & (pl.col("item_code") == "1.2")).row(
        0, named=True)
    annual = read_mart(sample_run, "fct_air_unit_annual").filter(
        (pl.col("unit_code") == "lingshan") & (pl.col("obs_year") == 2024)).row(0, named=True)
    value = float(annual["pm2_5_annual_mean"])
    gap = round(value - 29.2, 1)
    assert pm["explanation_zh"] == (
        f"PM2.5 年均浓度 {value:g} μg/m³，高于目标 29.2 μg/m³ 共 {gap:g} μg/m³，"
        "按每 0.1 μg/m³ 扣 0.3 分，最高扣 3 分：扣 3 分"
    )
    # the cap cut the rest: raw deduction = gap / 0.1 × 0.3
    assert float(pm["cap_cut"]) == round(gap / 0.1 * 0.3 - 3, 4)
    assert pm["source_seed"] == "001" and pm["source_item"] == "5(1)②"
    assert pm["source_keys"] == "fct_air_unit_annual:lingshan:2024"


def test_totals_equal_base_minus_deductions_plus_bonuses(sample_run: Settings):
    scores = read_mart(sample_run, "fct_unit_scores")
    # SPEC §4: 年度目标考核得分=各单项目标分值-扣分+加分, after composition (caps, pools,
    # overflow into the total), so the check is against the composed item scores; deductions
    # beyond an item's points (001 18(1): 不够扣减的分数从总分中扣减) are its overflow_deductions.
    # an item that does not apply to the unit (001 14(2) for 资源县, issue 32) leaves its base.
    # Issue 35 (one name per concept): every points column of fct_unit_scores is the sum of the
    # column of the same name in fct_unit_item_scores.
    items = read_mart(sample_run, "fct_unit_item_scores")
    same_names = ["deductions_before_composition", "deductions", "overflow_deductions",
                  "deductions_with_overflow", "bonuses_before_composition", "bonuses",
                  "missing_points", "points_lost"]
    summed = items.group_by("scheme_code", "unit_code").agg(
        (pl.col("points") - pl.col("not_applicable_points")).sum().alias("base"),
        *[pl.col(c).sum().alias(f"items_{c}") for c in same_names])
    joined = scores.join(summed, on=["scheme_code", "unit_code"], how="left")
    assert joined.height == scores.height
    for r in joined.iter_rows(named=True):
        for column in same_names:
            assert r[column] == r[f"items_{column}"], (r["unit_code"], column)
        # points an item without input was not credited (issue 14) are apart from deductions
        assert r["points_lost"] == r["deductions"] + r["overflow_deductions"] + r["missing_points"]
        assert r["deductions_with_overflow"] == r["deductions"] + r["overflow_deductions"]
        assert r["total_score"] == (r["base_points"] - r["points_lost"] + r["bonuses"]
                                    + r["conversion_points"]), r["unit_code"]
        assert r["total_score"] == (r["base"] - r["items_points_lost"] + r["items_bonuses"]
                                    + r["conversion_points"]), r["unit_code"]
        assert r["base_points"] == r["base"] and r["full_points"] >= r["base_points"], r["unit_code"]


@pytest.mark.slow  # a pipeline run of its own
def test_a_second_run_gives_identical_marts(sample_run: Settings, tmp_path):
    """A second whole run over the warehouse the first one left (on a copy of the shared sample
    run's folder, which other tests read meanwhile) publishes a new release with the same marts."""
    import shutil

    from pipelines.cli import run_pipeline
    from tests.conftest import environment_restored

    settings = Settings(data_dir=tmp_path / "data")
    shutil.copytree(sample_run.data_dir, settings.data_dir, symlinks=True)
    names = ("fct_air_unit_daily", "fct_air_unit_annual", "fct_unit_scores", "fct_score_movements")
    before = {n: read_mart(settings, n) for n in names}
    first_release = settings.current_release.resolve()
    with environment_restored():
        assert run_pipeline(settings, 2024, ephemeral=True).success
    assert settings.current_release.resolve() != first_release
    for name in names:
        assert read_mart(settings, name).equals(before[name]), name


def test_a_second_writer_is_refused_at_once(data_settings: Settings):
    from pipelines.lib.warehouse import WarehouseBusyError, writer_lock

    with writer_lock(data_settings):
        with pytest.raises(WarehouseBusyError, match="另一个 ecoscore 运行"):
            with writer_lock(data_settings):
                pass
