"""Scheme-level scoring behaviours that need the whole pipeline (SPEC §4). The rule shapes and
composition steps themselves are dbt unit tests beside the models
(dbt_project/models/*/scoring/_scoring__*.yml); these check what only a full run shows."""

from __future__ import annotations

from decimal import Decimal

import polars as pl

from pipelines.lib.settings import Settings


def read_mart(settings: Settings, name: str) -> pl.DataFrame:
    return pl.read_parquet(settings.current_release / f"{name}.parquet")


def test_every_unit_total_is_base_plus_every_movement(sample_run: Settings):
    # SPEC §4 "年度目标考核得分=各单项目标分值-扣分+加分": every lost or gained point is a row of
    # fct_score_movements (rule and composition movements), for both schemes.
    scores = read_mart(sample_run, "fct_unit_scores")
    moved = (
        read_mart(sample_run, "fct_score_movements")
        .group_by("scheme_code", "unit_code")
        .agg(pl.col("points").sum().alias("moved"))
    )
    joined = scores.join(moved, on=["scheme_code", "unit_code"], how="left")
    assert set(joined["scheme_code"]) >= {"qinzhou_2024", "ziyuan_2024"}
    for r in joined.iter_rows(named=True):
        assert r["total_score"] == r["base_points"] + (r["moved"] or Decimal(0)), r["unit_code"]


def test_ziyuan_ranking_deductions_land_on_the_air_items_not_below_zero(sample_run: Settings):
    # seed 001 5(1)④ is 不设基础分: its ranking deductions are charged to 5(1)①–③ (items
    # 5.1.1–5.1.3, 9 points with room left), so the ranking items keep score 0 and move their whole
    # deduction onto the air items; what pool items hand on, the items they name take.
    items = read_mart(sample_run, "fct_unit_item_scores").filter(pl.col("scheme_code") == "ziyuan_2024")
    ranking = items.filter(pl.col("item_code").str.starts_with("5.1.4."))
    assert (ranking["score"] == 0).all()
    assert ranking["pool_charged"].to_list() == ranking["deductions_before_composition"].to_list()
    assert items["pool_received"].sum() == items["pool_charged"].sum()
    assert (items["score"] >= 0).all()


def test_all_or_nothing_without_a_record_points_to_the_missing_ledger(sample_run: Settings):
    # seed 001 2(1) "完成…目标任务，得1分，未完成不得分": with no completion record in the ledgers the
    # points are lost, and the movement names what was looked for instead of pointing nowhere.
    moves = read_mart(sample_run, "fct_score_movements").filter(
        (pl.col("scheme_code") == "ziyuan_2024")
        & (pl.col("rule_shape") == "all_or_nothing")
        & ~pl.col("has_source_rows")
    )
    assert moves.height > 0
    for r in moves.iter_rows(named=True):
        assert r["source_keys"] == (
            f"int_scoring__events:{r['scheme_code']}:{r['unit_code']}:{r['item_code']}:无台账记录"
        )
        assert r["points"] < 0
        assert "未见" in r["explanation_zh"] and "完成记录" in r["explanation_zh"]
