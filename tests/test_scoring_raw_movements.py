"""Issue 31 item 1: a cap never hides a wild input. dbt's data test
tests/scoring/assert_raw_movements_plausible.sql stops the run when a rule's raw movement (before
the item's cap, group caps and the bonus cap) counted from ledger rows exceeds
`raw_movement_limit` (10) times the larger of the item's points, its rule's cap and 1 point; a
measured value is judged by its own plausibility instead (the standards' physical bounds at
ingest), since a step rule on a fine step legitimately moves far beyond its cap. Run here on a copy of
the shared sample run's warehouse, with movements changed in place."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.lib import dbt_launcher
from pipelines.lib.settings import Settings

pytestmark = pytest.mark.e2e

TEST = "assert_raw_movements_plausible"


def check(warehouse: Path, target: Path) -> dbt_launcher.NodeResult:
    run = dbt_launcher.invoke(["test", "--select", TEST], warehouse=warehouse,
                              target_path=target, vars={"year": 2024, "as_of": ""}, check=False)
    (result,) = [r for r in run.results if r.name == TEST]
    return result


def set_movement(warehouse: Path, unit: str, item: str, raw: float,
                 measure_value: float | None = None) -> int:
    con = duckdb.connect(str(warehouse))
    try:
        changed = con.execute(
            "update intermediate.int_scoring__rule_movements set raw_points = ?,"
            " measure_value = coalesce(?, measure_value)"
            " where scheme_code like '%_2024' and unit_code = ? and item_code = ? returning 1",
            [raw, measure_value, unit, item]).fetchall()
    finally:
        con.close()
    assert changed, f"{unit} {item}: no movement to change"
    return len(changed)


@pytest.fixture
def warehouse(sample_run: Settings, tmp_path: Path) -> Path:
    copy = tmp_path / "raw_movements.duckdb"
    shutil.copy2(sample_run.warehouse_path, copy)
    return copy


def test_the_sample_passes_and_a_wild_count_fails_before_its_cap(warehouse: Path, tmp_path: Path):
    """pubei 2.2 (seed 001 2(2) shape: 火点 0.2 分/个, capped at 3): 2000 fire points give a raw
    400 points, far above 10 × 3 — hidden by the cap of 3, caught here."""
    assert check(warehouse, tmp_path / "target").status == "pass"
    changed = set_movement(warehouse, "pubei", "2.2", 400)  # each of its fire-point movements
    result = check(warehouse, tmp_path / "target")
    assert result.status == "fail"
    assert f"Got {changed} result" in (result.message or "")


def test_a_measured_value_far_from_its_target_is_not_a_wild_input(warehouse: Path, tmp_path: Path):
    """ziyuan 13.1 (seed 001 13(1): 每少于目标0.05个百分点扣0.3分，最高扣2分): a completion of 0 %
    (a mid-year as-of run) gives a raw 600 before the cap of 2; lingshan 1.2 (0.3 分 per
    0.1 μg/m³, cap 3): January's PM2.5 mean of 48.1 gives 57 — both plausible inputs."""
    set_movement(warehouse, "ziyuan", "13.1", 600, measure_value=0)
    set_movement(warehouse, "lingshan", "1.2", 56.7, measure_value=48.1)
    assert check(warehouse, tmp_path / "target").status == "pass"
