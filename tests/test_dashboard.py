"""The leadership dashboard (issue 8): what it computes, and the one offline HTML file."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from plotly.offline import get_plotlyjs

from pipelines.lib.settings import Settings
from pipelines.publish.dashboard import build_dashboard
from pipelines.publish.dashboard.asof import asof_dir, build_as_of, published_previous_scores
from pipelines.publish.dashboard.data import gap_verdict, month_end_before, ranking, verdict_colour
from pipelines.publish.dashboard.panels import target_gap_panel, water_panel, waterfall_steps
from pipelines.publish.office import office_file_names


def test_previous_meeting_is_the_end_of_the_month_before():
    assert month_end_before(date(2024, 9, 30)) == date(2024, 8, 31)
    assert month_end_before(date(2024, 3, 15)) == date(2024, 2, 29)  # 2024 is a leap year


def test_ranking_change_compares_with_the_previous_scoring():
    scores = pl.DataFrame({"scheme_code": "s", "unit_code": ["a", "b"], "score_rank": [1, 2],
                           "total_score": [5.7, 5.1]})
    previous = pl.DataFrame({"scheme_code": "s", "unit_code": ["a", "b"], "score_rank": [2, 1],
                             "total_score": [5.0, 5.4]})
    ranked = ranking(scores, previous).select("unit_code", "rank_change", "total_change").rows()
    assert ranked == [("a", 1, 0.7), ("b", -1, -0.3)]


def test_waterfall_steps_add_up_to_the_total_even_after_group_caps():
    # two items lose 2 + 3 points, but a group cap (composition) limits the loss to 4
    unit = {"base_points": 100, "total_score": 96}
    moved = pl.DataFrame({"item_code": ["1.1", "1.2"], "item_name": ["甲", "乙"], "points": [-2.0, -3.0]})
    steps = waterfall_steps(unit, moved)
    assert steps == [("1.1<br>甲", -2.0), ("1.2<br>乙", -3.0), ("组合规则调整<br>（封顶、数据缺失等）", 1.0)]
    assert 100 + sum(p for _, p in steps) == 96


def test_a_waterfall_of_many_items_draws_the_largest_and_one_step_for_the_rest():
    """资源县's waterfall had ~50 steps: the 12 largest are drawn, the rest are 其他 N 项, and
    the steps still add up to the total."""
    moved = pl.DataFrame({"item_code": [f"{i}.1" for i in range(1, 41)],
                          "item_name": [f"指标{i}" for i in range(1, 41)],
                          "points": [-0.1 * i for i in range(1, 41)]})
    total = 100 + float(moved["points"].sum())
    steps = waterfall_steps({"base_points": 100, "total_score": total}, moved)
    assert len(steps) == 13 and steps[-1][0] == "其他 28 项"
    assert [label.split("<br>")[0] for label, _ in steps[:12]] == [f"{i}.1" for i in range(29, 41)]
    assert 100 + sum(p for _, p in steps) == pytest.approx(total)


def _gap(**row) -> dict:
    base = {"measure_code": "air.pm2_5_annual_mean", "target": 29.2, "year_to_date_value": 28.9,
            "days_left": 92, "reason": None, "rest_of_year_good_days_needed": None}
    return base | row


def test_target_gap_verdicts_for_the_meeting():
    assert gap_verdict(_gap()) == "目前达标，须保持"
    assert gap_verdict(_gap(year_to_date_value=30.1)) == "目前未达标，须改善"
    assert gap_verdict(_gap(reason="余下 92 天即使浓度为 0 也无法达到 29.2")) == "已无法达标"
    assert gap_verdict(_gap(days_left=0, year_to_date_value=29.3)) == "未达标"
    good = _gap(measure_code="air.good_day_ratio", target=96.4, year_to_date_value=97.8,
                rest_of_year_good_days_needed=0)
    assert gap_verdict(good) == "已锁定达标"  # higher is better for the good-day ratio


def test_missing_target_data_is_grey_with_words_never_green_or_null():
    # issue 14 part 6: a unit without daily data (资源县 in the sample) is "缺少数据", grey
    missing = _gap(year_to_date_value=None, days_so_far=None,
                   reason="截至2024年12月31日没有本单位的有效空气日监测数据，无法计算")
    assert gap_verdict(missing) == "缺少数据，无法判断"
    assert verdict_colour("缺少数据，无法判断") == "#D9D9D9"
    assert verdict_colour(gap_verdict(_gap(reason="百分位数或综合指数不能按日均值倒推"))) == "#D9D9D9"
    assert verdict_colour("已达标") == "#C8E6C9" != verdict_colour("未达标")
    gaps = pl.DataFrame([_gap(unit_code="ziyuan", item_code="5.1.1", item_name="优良天数比率",
                              days_so_far=None, year_to_date_value=None, requirement=None,
                              reason="截至2024年12月31日没有本单位的有效空气日监测数据，无法计算")])
    panel = target_gap_panel(gaps, {"ziyuan": "资源县"}, ["ziyuan"], date(2024, 12, 31))
    (table,) = panel.tables
    shown = [str(v) for row in table.rows for v in row]
    assert "None" not in shown and "null" not in shown and "—" in shown
    assert all("as_of" not in v for v in shown)
    assert table.fills[(0, 7)] == "#D9D9D9"


def test_a_unit_scored_on_published_figures_gets_one_answer_on_the_air_panel():
    """The air panel said 资源县 had no air data while its scorecard deducted PM2.5 points: the
    annual value scoring used (published figures, fct_score_movements.measure_value) is shown,
    with its verdict, and the table says where it comes from."""
    gaps = pl.DataFrame([_gap(unit_code="ziyuan", item_code="5.1.2", item_name="细颗粒物（PM2.5）浓度",
                              target=26.5, days_so_far=None, year_to_date_value=None, days_left=0,
                              requirement=None, reason="没有本单位的有效空气日监测数据，无法计算")])
    movements = pl.DataFrame({"unit_code": ["ziyuan"], "measure_code": ["air.pm2_5_annual_mean"],
                              "measure_value": [28.0]})
    (table,) = target_gap_panel(gaps, {"ziyuan": "资源县"}, ["ziyuan"], date(2024, 12, 31),
                                movements).tables
    assert table.rows[0][3] == "28（公布数据）" and table.rows[0][7] == "未达标"
    assert "公布的年度数据" in table.rows[0][6]


def test_water_matrix_marks_the_months_a_section_missed_its_target():
    monthly = pl.DataFrame({"section_code": "S1", "section_name": "甲断面", "unit_code": "u",
                            "target_class": 3, "obs_month": [1, 2], "class": [3, 4],
                            "meets_target": [True, False]})
    classes = pl.DataFrame({"class": [1, 2, 3, 4, 5, 6],
                            "label_zh": ["Ⅰ类", "Ⅱ类", "Ⅲ类", "Ⅳ类", "Ⅴ类", "劣Ⅴ类"],
                            "colour": ["#44C5FD", "#1C89E6", "#05B050", "#FFFF00", "#FF9B00", "#FF0000"]})
    fig = water_panel(monthly, classes, {"u": "甲县"}).figures[0]
    heatmap, misses = fig.data
    assert list(heatmap.y) == ["甲县 甲断面（目标Ⅲ类）"] and list(heatmap.text[0][:2]) == ["Ⅲ类", "Ⅳ类"]
    assert list(misses.x) == ["2月"]


def test_nightly_dashboard_finds_the_previous_month_end_scores(tmp_path: Path):
    """The change since the previous month end: the release's own month-end history
    (fct_unit_score_monthly, issue 35) first, else an as-of dashboard made for that date."""
    settings = Settings(data_dir=tmp_path)
    release = tmp_path / "release"
    release.mkdir()
    assert published_previous_scores(settings, release, 2024, date(2024, 10, 15)) is None
    folder = asof_dir(settings, 2024, date(2024, 9, 30))
    folder.mkdir(parents=True)
    pl.DataFrame({"unit_code": ["a"], "score_rank": [1], "total_score": [6.0]}).write_parquet(
        folder / "fct_unit_scores.parquet")
    scores, when = published_previous_scores(settings, release, 2024, date(2024, 10, 15))
    assert when == date(2024, 9, 30) and scores["unit_code"].to_list() == ["a"]
    pl.DataFrame({"unit_code": ["a", "a"], "month_end": [date(2024, 8, 31), date(2024, 9, 30)],
                  "score_rank": [2, 3], "total_score": [7.0, 5.5]}).write_parquet(
        release / "fct_unit_score_monthly.parquet")
    scores, when = published_previous_scores(settings, release, 2024, date(2024, 10, 15))
    assert when == date(2024, 9, 30) and scores["total_score"].to_list() == [5.5]


def test_published_dashboard_is_one_offline_chinese_file(sample_run: Settings):
    page = (sample_run.current_release / "dashboard" / "index.html").read_text(encoding="utf-8")
    plotly_js = get_plotlyjs()
    assert page.count(plotly_js[:300]) == 1  # plotly.js embedded once, not per chart
    ours = page.replace(plotly_js, "")  # the rest of the page loads nothing from anywhere
    assert "<script src=" not in ours and "src=\"http" not in ours and "href=\"http" not in ours
    assert '<html lang="zh-CN">' in page and "Noto Sans CJK SC" in page
    top = pl.read_parquet(sample_run.current_release / "fct_unit_scores.parquet").sort("score_rank")
    assert top["unit_name"][0] in page
    for heading in ("考核单位排名", "单位得分卡", "空气质量日历", "距年度目标", "地表水", "数据质量"):
        assert heading in page


def test_a_panel_whose_mart_is_missing_says_so(sample_run: Settings, tmp_path: Path):
    release = tmp_path / "release"
    shutil.copytree(sample_run.current_release, release, ignore=shutil.ignore_patterns("dashboard"))
    (release / "fct_air_unit_daily.parquet").unlink()
    result = build_dashboard(release, "测试", year=2024, out_dir=tmp_path / "out", static=False)
    page = result.html.read_text(encoding="utf-8")
    assert "本期未发布每日空气质量，此栏暂缺。" in page  # the calendar (no model names on the page)
    assert "考核单位排名" in page


@pytest.mark.slow  # a pipeline run of its own (the as-of release)
def test_as_of_dashboard_ignores_later_data_and_leaves_the_live_release_alone(data_settings: Settings):
    # January: no previous month in the year, so one pipeline run (as of 2024-01-31)
    made = build_as_of(data_settings, 2024, date(2024, 1, 31), static=False)
    assert made.out_dir == data_settings.marts_dir / "dashboards" / "2024-asof-2024-01-31"
    page = made.result.html.read_text(encoding="utf-8")
    assert "数据截至 2024 年 1 月 31 日" in page
    assert "2024-01-31：AQI" in page and "2024-02-01：AQI" not in page  # February not counted
    assert (made.out_dir / "fct_unit_scores.parquet").exists()
    for name in office_file_names("qinzhou_2024", 2024):  # issue 17: the as-of Excel and Word, linked
        assert (made.out_dir / "office" / name).exists() and f"href='office/{name}'" in page
    assert not data_settings.current_release.exists()  # no live release was made or replaced
    assert not (data_settings.data_dir / "scratch" / "asof-2024-01-31").exists()


def test_cli_refuses_an_as_of_date_outside_the_year(capsys):
    from pipelines.cli import main

    assert main(["dashboard", "--year", "2024", "--as-of", "2023-12-31"]) == 2
    assert "不在考核年度 2024 内" in capsys.readouterr().err


def _scores(scheme: str, year: int, unit: str, name: str) -> dict:
    return {"scheme_code": scheme, "scheme_year": year, "unit_code": unit, "unit_name": name,
            "base_points": 100.0, "deductions": 0.0, "deductions_with_overflow": 0.0, "bonuses": 0.0,
            "total_score": 100.0,
            "grade": "优秀", "score_rank": 1}


def test_a_year_dashboard_shows_only_that_year_schemes_and_says_what_is_missing(tmp_path: Path):
    release = tmp_path / "release"
    release.mkdir()
    rows = [_scores("a_2024", 2024, "jia", "甲县"), _scores("b_2022", 2022, "yi", "乙县")]
    pl.DataFrame(rows).write_parquet(release / "fct_unit_scores.parquet")
    result = build_dashboard(release, "测试", year=2024, as_of="2024-09-30", out_dir=tmp_path / "out",
                             static=False)
    page = result.html.read_text(encoding="utf-8")
    assert "甲县" in page and "乙县" not in page
    for missing in ("扣分加分明细", "空气质量目标差距", "地表水断面逐月水质类别"):
        assert f"本期未发布{missing}，此栏暂缺。" in page
