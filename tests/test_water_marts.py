"""The sample year's water marts: the rules' counts on designed sections of the 钦州 sample
(sample/water.py), read from the published warehouse of the session's sample run."""

from __future__ import annotations

import polars as pl

from pipelines.lib.settings import PROJECT_ROOT


def measure(live_db, unit: str, code: str, year: int = 2024) -> float:
    row = live_db.execute(
        "select measure_value from marts.fct_water_unit_measures "
        "where unit_code = ? and measure_year = ? and measure_code = ?", [unit, year, code]).fetchone()
    return float(row[0])


def annual(live_db, section: str, year: int = 2024) -> dict:
    cur = live_db.execute("select * from marts.fct_water_section_annual where section_code = ? "
                          "and obs_year = ?", [section, year])
    return dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))


def test_the_class_matrix_has_one_row_per_section_and_month(live_db):
    n = live_db.execute("select count(*), count(distinct section_month_key) "
                        "from marts.fct_water_section_monthly").fetchone()
    assert n == (240, 240)  # 10 sections × 12 months × 2 years


def test_monthly_misses_are_waived_when_the_annual_mean_meets_target(live_db):
    # seed 003 item 一.1: "考核断面年均值达到年度目标的，月度扣分免扣" — 南流江 QZ05 is IV in
    # June and July 2024, III (its target) on annual means; 武思江 QZ06 misses in the annual mean
    qz05, qz06 = annual(live_db, "QZ05"), annual(live_db, "QZ06")
    assert (qz05["months_below_target"], qz05["monthly_deductions_waived"]) == (2, True)
    assert (qz06["months_below_target"], qz06["monthly_deductions_waived"]) == (8, False)
    assert measure(live_db, "pubei", "water.section_months_below_target") == 10
    assert measure(live_db, "pubei", "water.section_months_below_target_charged") == 8


def test_a_month_at_lie_v_is_counted(live_db):
    # seed 003 item 一.1: "水质反弹为劣Ⅴ类的，每月次10分" — 大榄江 QZ10, July 2024
    row = live_db.execute("select class_name, limiting_indicators from marts.fct_water_section_monthly "
                          "where section_month_key = 'QZ10:2024-07'").fetchone()
    assert row == ("劣V", "氨氮")
    assert measure(live_db, "zhongma", "water.section_months_class_6") == 1


def test_a_reservoir_misses_its_target_on_the_lake_phosphorus_limit(live_db):
    # GB 3838-2002 表1 第8项 湖、库: TP 0.040 is class III (river limits would give II)
    row = live_db.execute("select class, limiting_indicators from marts.fct_water_section_monthly "
                          "where section_month_key = 'QZ07:2024-08'").fetchone()
    assert row == (3, "总磷")


def test_a_class_improvement_year_on_year_is_counted(live_db):
    # seed 003 item 一.1 "年均水质类别较上一年度升类的"; seed 001 bonus 7② 国控每提升一类
    assert annual(live_db, "QZ03")["class_change"] == 1
    assert measure(live_db, "qinbei", "water.national_class_steps_improved") == 1


def test_section_cwqi_is_the_sum_of_indices_of_the_annual_means(live_db):
    # 城市地表水环境质量排名技术规定（试行）2017: C / III limit, DO: III limit / C, pH rule
    frame = pl.read_csv(PROJECT_ROOT / "data/raw/water/section_monthly_2023.csv", infer_schema=False)
    qz04 = frame.filter(pl.col("section_code") == "QZ04").select(
        pl.col("ph", "do", "codmn", "cod", "bod5", "nh3n", "tp").cast(pl.Float64).mean())
    m = qz04.row(0, named=True)
    ph = (7 - m["ph"]) if m["ph"] <= 7 else (m["ph"] - 7) / 2
    expected = (ph + 5 / m["do"] + m["codmn"] / 6 + m["cod"] / 20 + m["bod5"] / 4
                + m["nh3n"] / 1.0 + m["tp"] / 0.2)
    assert abs(annual(live_db, "QZ04", 2023)["cwqi"] - expected) < 0.0001


def test_drinking_water_rate_counts_attaining_factor_measurements(live_db):
    # seed 003 item 一.4(1): 按每次各项监测达标因子个数占总因子数的比例计算; 灵山 131 of 132. The
    # 90 → 100 % points line is the scheme's interpolation rule (qinzhou_2024 3.2), not a measure.
    assert measure(live_db, "lingshan", "water.drinking_water_attainment_rate") == 99.2424
    codes = {r[0] for r in live_db.execute(
        "select distinct measure_code from marts.fct_water_unit_measures").fetchall()}
    assert "water.drinking_water_points_ratio" not in codes


def test_wastewater_plants_are_held_to_70_percent_and_70_mg_outside_the_li_basin(live_db):
    # seed 001 item 6(2)②: 张黄镇 COD 62 < 70 fails one of its two items
    assert measure(live_db, "pubei", "water.wastewater_completion_rate") == 50


def test_water_measures_reach_scoring(live_db):
    n = live_db.execute("select count(*) from intermediate.int_scoring__measures "
                        "where measure_code like 'water.%'").fetchone()[0]
    assert n > 0
