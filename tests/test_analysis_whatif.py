"""Issue 10: `ecoscore whatif` re-scores in a scratch copy and never touches published results."""

from __future__ import annotations

import hashlib
from pathlib import Path

import polars as pl
import pytest

from pipelines.analysis.whatif import Scenario, ScenarioError, parse_setting, run_scenario
from pipelines.lib.settings import PROJECT_ROOT, Settings


def release_digest(settings: Settings) -> str:
    live = settings.current_release.resolve()
    digest = hashlib.sha256()
    for path in sorted(p for p in live.rglob("*") if p.is_file()):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def cleaner_lingshan(sample_run: Settings):
    # seed 001 item 5(1)②: PM2.5 at 20 μg/m³ all year is far below 灵山县's 29.2 target
    before = release_digest(sample_run)
    scenario = Scenario.from_yaml(PROJECT_ROOT / "notebooks/scenarios/lingshan_cleaner_year.yaml")
    result = run_scenario(sample_run, scenario)
    return result, before, release_digest(sample_run)


def test_a_cleaner_year_wins_back_the_pm2_5_item(cleaner_lingshan):
    result, _, _ = cleaner_lingshan
    pm = result["items"].filter((pl.col("scheme_code") == "qinzhou_2024") & (pl.col("item_code") == "1.2"))
    assert float(pm["score_before"][0]) == 0.0
    assert float(pm["score_after"][0]) == 3.0


def test_the_ranking_shows_the_unit_moving_up(cleaner_lingshan):
    result, _, _ = cleaner_lingshan
    row = result["ranking"].filter((pl.col("scheme_code") == "qinzhou_2024")
                                   & (pl.col("unit_code") == "lingshan")).row(0, named=True)
    assert row["rank_after"] < row["rank_before"]
    assert row["total_after"] > row["total_before"]


def test_published_results_stay_byte_identical(cleaner_lingshan):
    _, before, after = cleaner_lingshan
    assert before == after


def test_a_setting_must_name_a_known_pollutant(sample_run: Settings):
    with pytest.raises(ScenarioError, match="无法识别"):
        run_scenario(sample_run, Scenario(year=2024, unit="lingshan", settings={"air.pm25.2024": 1}))


def test_a_setting_must_be_a_number():
    with pytest.raises(ScenarioError, match="key=数值"):
        parse_setting("air.pm2_5.2024-12=thirty")


def test_an_unknown_unit_is_refused(sample_run: Settings, tmp_path: Path):
    with pytest.raises(ScenarioError, match="nowhere"):
        run_scenario(sample_run, Scenario(year=2024, unit="nowhere"))
