"""Water status of a group of sections (地表水环境质量评价办法（试行）2011 §4) on the sample:
the mart's ratio-method status is recomputed here, independently, from the published section
classes, for every month and year of the city (the one group with 5 sections or more)."""

from __future__ import annotations

from fractions import Fraction


def ratio_status(classes: list[int]) -> str:
    """表3 (断面水质类别比例法): I–III ≥ 90 % 优; ≥ 75 % 良好; else 劣V < 20 % 轻度污染,
    < 40 % 中度污染, ≥ 40 % 重度污染. Exact fractions, no floating point at the edges."""
    n = len(classes)
    good = Fraction(sum(c <= 3 for c in classes), n)
    worst = Fraction(sum(c == 6 for c in classes), n)
    if good >= Fraction(9, 10):
        return "优"
    if good >= Fraction(3, 4):
        return "良好"
    if worst < Fraction(1, 5):
        return "轻度污染"
    if worst < Fraction(2, 5):
        return "中度污染"
    return "重度污染"


def test_ratio_status_edges_of_the_2011_table():
    assert ratio_status([3] * 9 + [4]) == "优"  # 90 %
    assert ratio_status([3] * 3 + [4]) == "良好"  # 75 %
    assert ratio_status([3] * 7 + [4] * 3) == "轻度污染"  # 70 %, no 劣V
    assert ratio_status([3] * 3 + [4] + [6]) == "中度污染"  # 劣V 20 %
    assert ratio_status([3] * 3 + [6] * 2) == "重度污染"  # 劣V 40 %


def test_city_status_every_month_is_the_ratio_method_on_the_section_classes(live_db):
    sections = live_db.execute("""select obs_year, obs_month, list(class)
        from marts.fct_water_section_monthly group by all""").fetchall()
    published = dict(((y, m), (method, status)) for y, m, method, status in live_db.execute(
        """select obs_year, obs_month, method, status_zh from marts.fct_water_group_status
           where group_level = 'city' and period = 'month'""").fetchall())
    assert len(published) == len(sections) == 24
    for year, month, classes in sections:
        assert len(classes) >= 5
        assert published[(year, month)] == ("ratio", ratio_status(classes)), (year, month)


def test_city_status_of_the_year_uses_the_annual_classes(live_db):
    for year, classes in live_db.execute("""select obs_year, list(annual_class)
            from marts.fct_water_section_annual group by all""").fetchall():
        status = live_db.execute("""select status_zh from marts.fct_water_group_status
            where group_level = 'city' and period = 'year' and obs_year = ?""", [year]).fetchone()
        assert status == (ratio_status(classes),)


def test_a_unit_with_fewer_than_5_sections_is_classed_on_mean_concentrations(live_db):
    # 钦州 sample: 中马 has one section, 大榄江 (QZ10), at IV in 2024 → 轻度污染 (表1: IV)
    row = live_db.execute("""select method, n_sections, mean_class_name, status_zh, status_level
        from marts.fct_water_group_status
        where group_code = 'zhongma' and period = 'year' and obs_year = 2024""").fetchone()
    assert row == ("mean", 1, "IV", "轻度污染", 3)


def test_water_status_reaches_the_scoring_measures(live_db):
    value = live_db.execute("""select measure_value from marts.fct_water_unit_measures
        where unit_code = 'zhongma' and measure_year = 2024
          and measure_code = 'water.status_level'""").fetchone()
    assert value is not None and float(value[0]) == 3
