"""Issue 16 (calendar truth): which year(s) each nightly run scores, read from a simulated clock
(Beijing time), and which year's release each run changes; finalised years (定稿) are left
alone unless reopened with a reason."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import polars as pl
import pytest

from pipelines.lib.calendar import CalendarError, close_by, open_years
from pipelines.lib.settings import Settings
from pipelines.ops.schedules import nightly
from pipelines.publish import release
from pipelines.publish.finalize import (
    FinalisedYearError,
    finalize,
    guard_publish,
    record_reopen,
    status_zh,
    verify,
)

BEIJING = ZoneInfo("Asia/Shanghai")
NIGHTS = {"2024-12-31": datetime(2024, 12, 31, 2, tzinfo=BEIJING),
          "2025-01-01": datetime(2025, 1, 1, 2, tzinfo=BEIJING),
          "2025-01-15": datetime(2025, 1, 15, 2, tzinfo=BEIJING),
          "2025-02-01": datetime(2025, 2, 1, 2, tzinfo=BEIJING)}


def tick(night: str) -> list[dg.RunRequest]:
    context = dg.build_schedule_context(scheduled_execution_time=NIGHTS[night])
    return list(nightly.evaluate_tick(context).run_requests or [])


def plan(requests: list[dg.RunRequest]) -> list[tuple[int, str, str]]:
    """(year of the run's config, first month, last month) per run request."""
    return [(r.run_config["resources"]["run"]["config"]["year"],
             r.tags["dagster/asset_partition_range_start"],
             r.tags["dagster/asset_partition_range_end"]) for r in requests]


def publish(settings: Settings, run_id: str, year: int) -> None:
    """What a run's publish step does, without the pipeline: a staged release switched live."""
    staged = release.staging_dir(settings, run_id)
    staged.mkdir(parents=True)
    (staged / "fct_unit_scores.parquet").write_text(f"{run_id} {year}", encoding="utf-8")
    release.switch_live(settings, run_id, {"year": year, "as_of": ""})


def live_ids(settings: Settings) -> dict[str, str]:
    links = {str(y): settings.year_release(y) for y in release.published_years(settings)}
    return {name: link.resolve().name for name, link in
            {**links, "current": settings.current_release}.items()}


def run_nightly(settings: Settings, night: str) -> dict[str, str]:
    """Each run the night requests publishes its own year's release; returns the live ids."""
    for request in tick(night):
        year = request.run_config["resources"]["run"]["config"]["year"]
        publish(settings, f"{night}-{year}", year)
    return live_ids(settings)


def test_on_31_december_the_night_scores_that_year_alone(data_settings: Settings):
    assert plan(tick("2024-12-31")) == [(2024, "2024-12", "2024-12")]


def test_on_1_january_the_closing_year_and_the_new_one_each_get_a_run(data_settings: Settings):
    requests = tick("2025-01-01")
    # the closing year re-reads its December (still arriving); the new year starts in January
    assert plan(requests) == [(2024, "2024-12", "2024-12"), (2025, "2025-01", "2025-01")]
    assert len({r.run_key for r in requests}) == 2
    assert [r.tags["ecoscore/year"] for r in requests] == ["2024", "2025"]


def test_mid_january_both_years_are_scored_until_the_close_by_date(
        data_settings: Settings, monkeypatch: pytest.MonkeyPatch):
    assert [y for y, *_ in plan(tick("2025-01-15"))] == [2024, 2025]
    assert [y for y, *_ in plan(tick("2025-02-01"))] == [2025]
    monkeypatch.setenv("ECOSCORE_CLOSE_BY", "01-10")
    assert [y for y, *_ in plan(tick("2025-01-15"))] == [2025]


def test_the_close_by_setting_is_a_january_date():
    assert close_by(2025, "01-20").isoformat() == "2025-01-20"
    assert open_years(datetime(2025, 1, 20, 2, tzinfo=BEIJING), setting="01-20") == [2024, 2025]
    assert open_years(datetime(2025, 1, 21, 2, tzinfo=BEIJING), setting="01-20") == [2025]
    # 18:00 UTC on 31 December is already 1 January in Beijing
    assert open_years(datetime(2024, 12, 31, 18, tzinfo=ZoneInfo("UTC"))) == [2024, 2025]
    for bad in ("03-01", "1/31", "01-32"):
        with pytest.raises(CalendarError):
            close_by(2025, bad)


def test_each_night_changes_only_the_releases_of_the_years_it_scores(data_settings: Settings):
    settings = data_settings
    assert run_nightly(settings, "2024-12-31") == {
        "2024": "2024-12-31-2024", "current": "2024-12-31-2024"}
    # 1 January: both years' releases change; `current` follows the newest year
    assert run_nightly(settings, "2025-01-01") == {
        "2024": "2025-01-01-2024", "2025": "2025-01-01-2025", "current": "2025-01-01-2025"}
    assert run_nightly(settings, "2025-01-15") == {
        "2024": "2025-01-15-2024", "2025": "2025-01-15-2025", "current": "2025-01-15-2025"}
    record = finalize(settings, 2024, "年度考核结果经市政府审定", by="考核办")
    assert record["run_id"] == "2025-01-15-2024"
    assert sorted(record["manifest"]) == ["fct_unit_scores.parquet", "release.json"]
    assert all(len(digest) == 64 for digest in record["manifest"].values())
    # after finalisation (still before the close-by date) only 2025 is scored
    assert plan(tick("2025-01-15")) == [(2025, "2025-01", "2025-01")]
    for _ in range(release.KEEP_RELEASES + 2):  # more runs than releases kept
        after = run_nightly(settings, "2025-01-15")
    assert after["2024"] == "2025-01-15-2024" and after["current"] == "2025-01-15-2025"
    assert verify(settings, 2024) == []  # the finalised release is untouched and kept


def test_a_finalised_year_is_published_again_only_when_reopened_with_a_reason(
        data_settings: Settings):
    settings = data_settings
    publish(settings, "first", 2024)
    finalize(settings, 2024, "审定", by="考核办")
    assert status_zh(settings, 2024).startswith("定稿")
    with pytest.raises(FinalisedYearError, match="已定稿"):
        guard_publish(settings, 2024, reopen=False, reason="")
    with pytest.raises(FinalisedYearError, match="理由"):
        guard_publish(settings, 2024, reopen=True, reason=" ")
    guard_publish(settings, 2024, reopen=True, reason="市政府通报更正")
    publish(settings, "reopened", 2024)
    record_reopen(settings, 2024, "市政府通报更正", "reopened")
    assert release.final_record(settings, 2024) is None
    assert status_zh(settings, 2024).startswith("初步")
    history = [json.loads(line) for line in
               (settings.year_dir(2024) / "history.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(h["action"], h["run_id"], h["reason"]) for h in history] == [
        ("finalise", "first", "审定"), ("reopen", "reopened", "市政府通报更正")]
    assert (settings.releases_dir / "first").is_dir()  # the release once finalised is kept


def test_ecoscore_run_refuses_a_finalised_year_before_computing(
        data_settings: Settings, capsys: pytest.CaptureFixture):
    from pipelines.cli import main

    publish(data_settings, "first", 2024)
    finalize(data_settings, 2024, "审定", by="考核办")
    assert main(["run", "--year", "2024"]) == 4
    assert "--reopen" in capsys.readouterr().err
    assert not data_settings.warehouse_path.exists()


def test_a_release_published_before_per_year_folders_keeps_its_year(data_settings: Settings):
    settings = data_settings
    publish(settings, "old", 2024)
    settings.year_release(2024).unlink()  # the old layout: `current` alone
    settings.year_release(2024).parent.rmdir()
    publish(settings, "older-year", 2023)
    assert live_ids(settings) == {"2023": "older-year", "2024": "old", "current": "old"}


def test_a_changed_file_in_a_finalised_release_is_found(data_settings: Settings):
    publish(data_settings, "first", 2024)
    finalize(data_settings, 2024, "审定", by="考核办")
    (data_settings.releases_dir / "first" / "fct_unit_scores.parquet").write_text("edited")
    assert verify(data_settings, 2024) == ["fct_unit_scores.parquet"]


def scores_frame(year: int, totals: dict[str, float]) -> pl.DataFrame:
    ranked = sorted(totals, key=lambda u: -totals[u])
    return pl.DataFrame({"scheme_code": f"qinzhou_{year}", "scheme_year": year,
                         "unit_code": list(totals), "unit_name": [f"{u}县" for u in totals],
                         "total_score": list(totals.values()), "grade": "良好",
                         "score_rank": [ranked.index(u) + 1 for u in totals]})


def test_each_units_score_and_rank_over_the_years(data_settings: Settings):
    """Issue 16 part 5 (marts and dashboard): fct_unit_score_history holds every published
    year's total and rank per unit and the year's status. The other years come from their live
    releases (pipelines/publish/history.py; 定稿 once finalised), this run's year from its own
    scores (the union and the changes: dbt unit test score_history_unions_this_run_with_…)."""
    from pipelines.publish.dashboard.panels import history_panel
    from pipelines.publish.history import published_year_scores

    settings = data_settings
    publish(settings, "run-2023", 2023)
    scores_frame(2023, {"lingshan": 80.0, "qinnan": 90.0}).write_parquet(
        settings.releases_dir / "run-2023" / "fct_unit_scores.parquet")
    finalize(settings, 2023, "审定", by="考核办")
    published, this_run = published_year_scores(settings, 2024, "run-2024")
    assert published.sort("unit_code").select(
        "unit_code", "assessment_year", "score_rank", "year_status", "release_run_id").rows() == [
        ("lingshan", 2023, 2, "定稿", "run-2023"), ("qinnan", 2023, 1, "定稿", "run-2023")]
    assert this_run.rows() == [(2024, "run-2024", "初步")]
    # the year being run is never read from an older release of its own
    assert published_year_scores(settings, 2023, "run-x")[0].height == 0
    history = pl.DataFrame({
        "unit_code": ["lingshan", "lingshan"], "unit_name": ["灵山县"] * 2,
        "assessment_year": [2023, 2024], "scheme_code": ["qinzhou_2023", "qinzhou_2024"],
        "total_score": [80.0, 95.5], "score_rank": [2, 1], "year_status": ["定稿", "初步"],
        "rank_change": [None, 1], "total_change": [None, 15.5], "grade": ["良好", "优秀"]})
    panel = history_panel(history)
    assert panel is not None and panel.title == "历年得分与排名" and len(panel.figures) == 1
    assert history_panel(history.filter(pl.col("assessment_year") == 2024)) is None
