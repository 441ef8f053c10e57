"""GB 3838-2002 single-factor classification, as the calculator and the models share it
(dbt_project/macros/water/gb3838.sql), checked at every limit and on real published classes."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.water.calculator import calculate, calculate_file
from tests.conftest import REAL_DATA

REAL = REAL_DATA / "cnemc_water_sections_2026-08-21T20_sample.csv"
EXPORT_INDICATORS = ["pH(无量纲)", "溶解氧(mg/L)", "高锰酸盐指数(mg/L)", "氨氮(mg/L)", "总磷(mg/L)"]

# GB 3838-2002 表1, classes I–V: (indicator code, limits); pollutants "≤", DO "≥"
UPPER_LIMITS = [
    ("codmn", ["2", "4", "6", "10", "15"]),      # 表1 第4项
    ("nh3n", ["0.15", "0.5", "1.0", "1.5", "2.0"]),  # 表1 第7项
    ("tp", ["0.02", "0.1", "0.2", "0.3", "0.4"]),   # 表1 第8项 (河流)
    ("hg", ["0.00005", "0.00005", "0.0001", "0.001", "0.001"]),  # 表1 第15项
]
DO_LIMITS = ["7.5", "6", "5", "3", "2"]  # 表1 第3项


def one(values: dict[str, str], waterbody: str = "river") -> dict:
    return calculate(pl.DataFrame({k: [v] for k, v in values.items()}), waterbody).row(0, named=True)


def classes(column: str, values: list[str], others: dict[str, str] | None = None,
            field: str = "class") -> list:
    """`field` of one row per value of `column` (the other columns fixed), in one calculation."""
    frame = pl.DataFrame({column: values, **{k: [v] * len(values) for k, v in (others or {}).items()}})
    return calculate(frame, "river")[field].to_list()


def nudge(limit: str, delta: str) -> str:
    from decimal import Decimal
    return str(Decimal(limit) + Decimal(delta))


@pytest.mark.parametrize(("indicator", "limits"), UPPER_LIMITS)
def test_a_pollutant_exactly_at_a_limit_belongs_to_the_better_class(indicator, limits):
    # GB 3838-2002 表1: pollutant limits are "≤"
    # equal limits of adjacent classes (Hg I = II): the better
    assert classes(indicator, limits) == [limits.index(limit) + 1 for limit in limits]


@pytest.mark.parametrize(("indicator", "limits"), UPPER_LIMITS)
def test_a_pollutant_just_above_a_limit_falls_to_the_next_class(indicator, limits):
    tiny = "0.000001"
    expected = [next((c for c, lim in enumerate(limits, start=1) if c > cls and lim != limit), 6)
                for cls, limit in enumerate(limits, start=1)]
    assert classes(indicator, [nudge(limit, tiny) for limit in limits]) == expected


def test_dissolved_oxygen_exactly_at_a_limit_belongs_to_the_better_class():
    # GB 3838-2002 表1 第3项: DO limits are minimums ("≥")
    assert classes("do", DO_LIMITS) == [1, 2, 3, 4, 5]


def test_dissolved_oxygen_just_below_a_limit_falls_to_the_next_class():
    assert classes("do", [nudge(lim, "-0.01") for lim in DO_LIMITS]) == [2, 3, 4, 5, 6]


def test_ph_within_6_to_9_inclusive_sets_no_class_below_i():
    # GB 3838-2002 表1 第2项: pH 6~9 for every class
    assert classes("ph", ["6", "9", "7.5"], {"do": "8"}) == [1, 1, 1]


def test_ph_outside_6_to_9_is_class_6():
    assert classes("ph", ["5.99", "9.01"], {"do": "8"}, "class_name") == ["劣V", "劣V"]


def test_lake_total_phosphorus_uses_the_lake_limits():
    # GB 3838-2002 表1 第8项: 湖、库 0.01, 0.025, 0.05, 0.1, 0.2
    assert one({"总磷(mg/L)": "0.05"}, "river")["class"] == 2
    assert one({"总磷(mg/L)": "0.05"}, "lake")["class"] == 3


def test_a_per_row_waterbody_column_overrides_the_default():
    frame = pl.DataFrame({"tp": ["0.05", "0.05"], "waterbody": ["河流", "水库"]})
    assert calculate(frame, "river")["class"].to_list() == [2, 3]


@pytest.mark.parametrize("registered", ["湖", "库", " 水 库 ", "湖\u3000泊", "LAKE "])
def test_a_section_registered_as_hu_or_ku_or_with_spaces_is_a_lake_for_tp(registered):
    """GB 3838-2002 表1 第8项 (总磷: 湖、库 0.05 is class III, 河流 II): 湖/库 with any spaces is a
    lake, as in stg_water__sections / stg_water__drinking_samples (dbt unit tests
    water_section_registered_as_hu_or_with_spaces_is_a_lake, water_drinking_source_…_is_a_lake):
    one macro, water_waterbody."""
    frame = pl.DataFrame({"tp": ["0.05", "0.05"], "waterbody": [registered, " 河 "]})
    result = calculate(frame, "river")
    assert result["class"].to_list() == [3, 2]
    assert result["reason"].to_list() == [None, None]


def test_ecoscore_water_class_reads_a_section_registered_as_hu_as_a_lake(tmp_path):
    """GB 3838-2002 表1 第8项 (总磷, 湖、库): `ecoscore water-class` on a CSV whose waterbody
    column says ' 湖 ' classes TP 0.05 as III (lake), '河' as II (river)."""
    from pipelines.cli import main

    source, out = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("name,waterbody,总磷(mg/L)\na, 湖 ,0.05\nb,河,0.05\n", encoding="utf-8")
    assert main(["water-class", str(source), "-o", str(out)]) == 0
    assert pl.read_csv(out)["class"].to_list() == [3, 2]


def test_the_water_staging_models_use_the_calculators_waterbody_rule():
    """GB 3838-2002 表1 第8项: one rule of lake or river — the staging models call the macro the
    calculator renders, and none spells 湖/库 itself."""
    from pipelines.lib.settings import DBT_PROJECT_DIR

    staging = DBT_PROJECT_DIR / "models" / "staging" / "water"
    for name in ("stg_water__sections.sql", "stg_water__drinking_samples_dated.sql"):
        sql = (staging / name).read_text(encoding="utf-8")
        assert "water_waterbody(" in sql and "'水库'" not in sql, name


def test_worse_than_v_is_class_6_named_lie_v():
    # 地表水环境质量评价办法（试行）2011: worse than V is 劣V
    row = one({"氨氮(mg/L)": "2.01", "溶解氧(mg/L)": "8"})
    assert (row["class"], row["class_name"]) == (6, "劣V")


def test_total_nitrogen_is_reported_apart_and_does_not_set_the_class():
    # 地表水环境质量评价办法（试行）2011 §2.1: 总氮 is not part of the lake class
    assert one({"tn": "5", "tp": "0.01"}, "lake")["class"] == 1


def test_limiting_indicators_are_the_worst_three_beyond_class_iii_by_class_then_multiple():
    # 2011 §3.3 主要污染指标: worst class first, equal classes by the larger 超标倍数, at most three
    row = one({"codmn": "16", "nh3n": "1.9", "tp": "0.39", "do": "2.5", "cod": "25"})
    # class 6: CODMn; class 5: NH3-N 0.9×, TP 0.95×, DO 1.0× (5/2.5 − 1); COD IV 0.25× is 4th
    assert row["limiting_indicators"] == "高锰酸盐指数;溶解氧;总磷"


def test_no_limiting_indicators_when_the_class_meets_iii():
    assert one({"nh3n": "1.0", "tp": "0.2"})["limiting_indicators"] is None


def test_a_row_without_any_value_gets_a_reason_and_no_class():
    row = one({"溶解氧(mg/L)": "--", "氨氮(mg/L)": ""})
    assert row["class"] is None and "缺测" in row["reason"]


def test_a_value_that_is_not_a_number_is_named_in_the_reason():
    row = one({"氨氮(mg/L)": "0.1O", "do": "8"})
    assert row["class"] == 1 and "氨氮(mg/L) 不是数值: 0.1O" in row["reason"]


def test_other_columns_pass_through_unchanged(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("断面名称,溶解氧(mg/L),备注\n甲,4,x\n", encoding="gbk")
    out = calculate_file(source, tmp_path / "out.csv")
    assert out.select("断面名称", "备注", "class").row(0) == ("甲", "x", 4)


def real_sections() -> pl.DataFrame:
    frame = pl.read_csv(REAL, infer_schema=False)
    return frame.select("断面名称", "水质类别", *EXPORT_INDICATORS)


def test_every_official_class_of_the_real_sample_is_reproduced_river_or_lake():
    # Real data README: GB 3838-2002 over DO, CODMn, NH3-N, TP (+ pH 6–9) reproduces 水质类别;
    # a section counts as reproduced as lake only when the river limits do not.
    frame = real_sections()
    official = frame["水质类别"].cast(pl.Int64)
    as_river = calculate(frame, "river")["class"]
    as_lake = calculate(frame, "lake")["class"]
    river_ok = as_river == official
    lake_only = (as_lake == official) & ~river_ok
    assert frame.height == 120
    assert (river_ok.sum(), lake_only.sum()) == (116, 4)


def test_the_real_sample_raw_columns_reproduce_the_same_classes():
    frame = pl.read_csv(REAL, infer_schema=False)
    raw = frame.select("水质类别", *[pl.col(f"{c}_raw").alias(c) for c in EXPORT_INDICATORS])
    official = raw["水质类别"].cast(pl.Int64)
    river = calculate(raw, "river")["class"] == official
    lake = calculate(raw, "lake")["class"] == official
    assert (river | lake).all()
