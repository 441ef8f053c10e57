"""The leadership dashboard (issue 8): what it computes, and the one offline HTML file."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import polars as pl
from plotly.offline import get_plotlyjs

from pipelines.lib.settings import Settings
from pipelines.publish.dashboard import build_dashboard
from pipelines.publish.dashboard.asof import asof_dir, build_as_of, published_previous_scores
from pipelines.publish.dashboard.data import month_end_before, ranking, target_gap


def test_previous_meeting_is_the_end_of_the_month_before():
    assert month_end_before(date(2024, 9, 30)) == date(2024, 8, 31)
    assert month_end_before(date(2024, 3, 15)) == date(2024, 2, 29)  # 2024 is a leap year


def test_ranking_change_compares_with_the_previous_scoring():
    scores = pl.DataFrame({"unit_code": ["a", "b"], "score_rank": [1, 2], "total_score": [5.7, 5.1]})
    previous = pl.DataFrame({"unit_code": ["a", "b"], "score_rank": [2, 1], "total_score": [5.0, 5.4]})
    ranked = ranking(scores, previous).select("unit_code", "rank_change", "total_change").rows()
    assert ranked == [("a", 1, 0.7), ("b", -1, -0.3)]


def _days(as_of: date, aqi: list[int], pm2_5: list[float]) -> pl.DataFrame:
    dates = [as_of - timedelta(days=i) for i in range(len(aqi))]
    return pl.DataFrame({"unit_code": "u", "obs_date": dates, "aqi": aqi, "pm2_5_24h": pm2_5,
                         "is_valid_day": True})


def _targets(measure: str, target: float) -> pl.DataFrame:
    return pl.DataFrame({"unit_code": ["u"], "unit_name": ["甲县"], "measure_code": [measure],
                         "target": [target]})


def test_rest_of_year_pm2_5_must_average_what_brings_the_annual_mean_to_target():
    # 10 days so far at 30 μg/m³, 10 days left (as of 12-21), target 25:
    # (25 × 20 − 300) / 10 = 20
    as_of = date(2024, 12, 21)
    gap, = target_gap(_days(as_of, [60] * 10, [30.0] * 10), _targets("air.pm2_5_annual_mean", 25), as_of)
    assert (gap.year_to_date, gap.days_left, gap.needed_rest_of_year) == (30.0, 10, 20.0)
    assert gap.verdict == "目前未达标，须改善"


def test_rest_of_year_good_days_needed_and_when_the_target_is_out_of_reach():
    as_of = date(2024, 12, 21)
    days = _days(as_of, [60] * 9 + [120], [20.0] * 10)  # 9 good days of 10
    reachable, = target_gap(days, _targets("air.good_day_ratio", 90), as_of)
    assert (reachable.year_to_date, reachable.needed_rest_of_year) == (90.0, 90.0)  # 100×(0.9×20−9)/10
    assert reachable.verdict == "目前达标，须保持"
    out_of_reach, = target_gap(days, _targets("air.good_day_ratio", 99), as_of)
    assert out_of_reach.needed_rest_of_year == 108.0 and out_of_reach.verdict == "已无法达标"


def test_nightly_dashboard_finds_the_previous_month_end_scores(tmp_path: Path):
    settings = Settings(data_dir=tmp_path)
    assert published_previous_scores(settings, 2024, date(2024, 10, 15)) is None
    folder = asof_dir(settings, 2024, date(2024, 9, 30))
    folder.mkdir(parents=True)
    pl.DataFrame({"unit_code": ["a"], "score_rank": [1], "total_score": [6.0]}).write_parquet(
        folder / "fct_unit_scores.parquet")
    scores, when = published_previous_scores(settings, 2024, date(2024, 10, 15))
    assert when == date(2024, 9, 30) and scores["unit_code"].to_list() == ["a"]


def test_published_dashboard_is_one_offline_chinese_file(sample_run: Settings):
    page = (sample_run.current_release / "dashboard" / "index.html").read_text(encoding="utf-8")
    plotly_js = get_plotlyjs()
    assert page.count(plotly_js[:300]) == 1  # plotly.js embedded once, not per chart
    ours = page.replace(plotly_js, "")  # the rest of the page loads nothing from anywhere
    assert "<script src=" not in ours and "src=\"http" not in ours and "href=\"http" not in ours
    assert '<html lang="zh-CN">' in page and "Noto Sans CJK SC" in page
    top = pl.read_parquet(sample_run.current_release / "fct_unit_scores.parquet").sort("score_rank")
    assert top["unit_name"][0] in page
    for heading in ("考核单位排名", "单位得分卡", "空气质量日历", "距年度目标", "数据质量"):
        assert heading in page


def test_a_panel_whose_mart_is_missing_says_so(sample_run: Settings, tmp_path: Path):
    release = tmp_path / "release"
    shutil.copytree(sample_run.current_release, release, ignore=shutil.ignore_patterns("dashboard"))
    (release / "fct_air_unit_daily.parquet").unlink()
    result = build_dashboard(release, "测试", year=2024, out_dir=tmp_path / "out", static=False)
    page = result.html.read_text(encoding="utf-8")
    assert "本期未发布每日空气质量（fct_air_unit_daily），此栏暂缺。" in page
    assert "考核单位排名" in page


def test_as_of_dashboard_ignores_later_data_and_leaves_the_live_release_alone(data_settings: Settings):
    # January: no previous month in the year, so one pipeline run (as of 2024-01-31)
    made = build_as_of(data_settings, 2024, date(2024, 1, 31), static=False)
    assert made.out_dir == data_settings.marts_dir / "dashboards" / "2024-asof-2024-01-31"
    page = made.result.html.read_text(encoding="utf-8")
    assert "数据截至 2024 年 1 月 31 日" in page
    assert "2024-01-31：AQI" in page and "2024-02-01：AQI" not in page  # February not counted
    assert (made.out_dir / "fct_unit_scores.parquet").exists()
    assert not data_settings.current_release.exists()  # no live release was made or replaced
    assert not (data_settings.data_dir / "scratch" / "asof-2024-01-31").exists()


def test_cli_refuses_an_as_of_date_outside_the_year(capsys):
    from pipelines.cli import main

    assert main(["dashboard", "--year", "2024", "--as-of", "2023-12-31"]) == 2
    assert "不在考核年度 2024 内" in capsys.readouterr().err
