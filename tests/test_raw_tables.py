"""A domain's small raw tables load in one Dagster step (pipelines/lib/raw_tables.py, issue 37:
a step costs the nightly run its events whatever it reads). Each table stays an asset of its own;
a bad file fails the step naming the file, row and column, and never takes the good tables with
it. Fast: the water domain's step in a one-step Dagster job on a copy of the sample's files."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.lib.resources import shared_resources
from pipelines.lib.settings import Settings
from pipelines.water.assets import TABLES, raw_water

ROOT = Path(__file__).resolve().parents[1]
KEYS = [dg.AssetKey(["raw", t.table]) for t in TABLES]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    settings = Settings(data_dir=tmp_path / "data")
    shutil.copytree(ROOT / "data" / "raw" / "water", settings.raw_dir / "water")
    return settings


def materialize(settings: Settings, keys: list[dg.AssetKey] | None = None) -> dg.ExecuteInProcessResult:
    return dg.materialize([raw_water], resources=shared_resources(settings, assessment_year=2024),
                          selection=keys, raise_on_error=False)


def tables(settings: Settings) -> dict[str, int]:
    with duckdb.connect(str(settings.warehouse_path), read_only=True) as con:
        return {t: con.execute(f"select count(*) from raw.{t}").fetchone()[0]
                for (t,) in con.execute("select table_name from information_schema.tables "
                                        "where table_schema = 'raw' order by 1").fetchall()}


def test_the_domains_tables_are_four_assets_of_one_step(settings: Settings):
    result = materialize(settings)
    assert result.success
    assert {e.asset_key for e in result.get_asset_materialization_events()} == set(KEYS)
    assert {s.step_key for s in result.get_step_success_events()} == {"raw_water"}
    written = tables(settings)
    assert set(written) == {t.table for t in TABLES} and all(written.values())


def test_a_selection_of_one_table_loads_that_table_only(settings: Settings):
    """The UI may materialise one asset of the step (`can_subset`)."""
    result = materialize(settings, [dg.AssetKey(["raw", "water_sections"])])
    assert result.success
    assert set(tables(settings)) == {"water_sections"}


def test_a_truncated_file_fails_the_step_naming_it_and_the_good_tables_load(settings: Settings):
    monthly = settings.raw_dir / "water" / "section_monthly_2024.csv"
    lines = monthly.read_text(encoding="utf-8").splitlines()
    monthly.write_text("\n".join([*lines[:-1], lines[-1].rsplit(",", 3)[0]]), encoding="utf-8")
    result = materialize(settings)
    assert not result.success
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    message = failure.event_specific_data.error.cause.message
    assert f"water/section_monthly_2024.csv: 第 {len(lines)} 行不完整" in message
    assert set(tables(settings)) == {"water_sections", "water_drinking_samples", "water_wastewater_plants"}


def test_two_bad_files_are_both_named(settings: Settings):
    for name in ("sections.csv", "section_monthly_2024.csv"):
        path = settings.raw_dir / "water" / name
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    result = materialize(settings)
    [failure] = [e for e in result.all_events if e.event_type_value == "STEP_FAILURE"]
    data = failure.event_specific_data
    assert "raw.water_sections" in data.user_failure_data.description
    assert "raw.water_section_monthly" in data.user_failure_data.description
    assert "water/sections.csv: 只有表头" in data.user_failure_data.description
    assert set(tables(settings)) == {"water_drinking_samples", "water_wastewater_plants"}
