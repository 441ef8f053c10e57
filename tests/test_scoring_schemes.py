"""The bundled schemes (issue 5 item 4) and hand-computed results of the demo run.

Each test names the seed item whose rule it checks; the expected figures are computed by hand
from the sample ledgers in data/raw/ledgers/sample/ and the rule text quoted in the scheme."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest

from pipelines.lib.settings import PROJECT_ROOT, Settings
from pipelines.scheme.loader import load_scheme, load_schemes

SCHEMES = PROJECT_ROOT / "data" / "raw" / "schemes"


def read_mart(settings: Settings, name: str) -> pl.DataFrame:
    return pl.read_parquet(settings.current_release / f"{name}.parquet")


def movements(settings: Settings, scheme: str, unit: str, item: str) -> pl.DataFrame:
    moves = read_mart(settings, "fct_score_movements")
    return moves.filter((pl.col("scheme_code") == scheme) & (pl.col("unit_code") == unit)
                        & (pl.col("item_code") == item))


def item_score(settings: Settings, scheme: str, unit: str, item: str) -> Decimal:
    items = read_mart(settings, "fct_unit_item_scores")
    row = items.filter((pl.col("scheme_code") == scheme) & (pl.col("unit_code") == unit)
                       & (pl.col("item_code") == item))
    assert row.height == 1, (scheme, unit, item)
    return Decimal(str(row["score"][0]))


def unit_score(settings: Settings, scheme: str, unit: str) -> dict:
    scores = read_mart(settings, "fct_unit_scores")
    return scores.filter((pl.col("scheme_code") == scheme) & (pl.col("unit_code") == unit)).row(0, named=True)


# ---------- the scheme files


@pytest.mark.parametrize("path", sorted(SCHEMES.glob("*.yaml")), ids=lambda p: p.name)
def test_every_bundled_scheme_validates(path: Path):
    scheme = load_scheme(path)
    assert scheme.code == path.stem
    for item in scheme.body["items"]:
        assert item["source"]["seed"] and item["source"]["item"] and item["source"]["text"]


def test_schemes_of_a_year_are_loaded_together():
    assert {s.code for s in load_schemes(SCHEMES, 2024)} == {"qinzhou_2024", "ziyuan_2024"}
    assert {s.code for s in load_schemes(SCHEMES, 2022)} == {"fangchenggang_2022"}


def test_demo_scheme_is_a_100_point_scheme_for_a_unit_without_a_seed_000_share():
    scheme = load_scheme(SCHEMES / "qinzhou_2024.yaml")
    base = sum(i["points"] for i in scheme.body["items"]
               if "rule" in i and i.get("kind") != "bonus" and not i.get("responsible"))
    assert base == 100


def test_demo_scheme_keeps_seed_004_targets():
    # seed 004 附件: 优良天数比率 96.4 %; PM2.5 27.2 (灵山县、浦北县 29.2); 重度及以上污染 0.0 %
    items = {i["code"]: i for i in load_scheme(SCHEMES / "qinzhou_2024.yaml").body["items"]}
    assert set(items["1.1"]["targets"].values()) == {96.4}
    assert items["1.2"]["targets"] == {"zhongma": 27.2, "lingshan": 29.2, "pubei": 29.2,
                                       "qinnan": 27.2, "qinbei": 27.2}
    assert items["1.3"]["target"] == 0.0


def test_fangchenggang_shares_add_up_to_the_item_points():
    # seed 000 item 5 主要污染物减排(4分): 牵头 3.2 + 配合 0.2 × 4
    for item in load_scheme(SCHEMES / "fangchenggang_2022.yaml").body["items"]:
        assert sum(r["points"] for r in item["responsible"]) == pytest.approx(item["points"])


# ---------- the demo run (钦州 2024)


def test_excused_fire_point_is_shown_but_not_counted(sample_run: Settings):
    # seed 001 5(2)②: 每通报1处火点扣0.2分…最高扣3分（经自治区核实剔除的火点不扣分）
    # 灵山县: 1 + 2 confirmed fire points → −0.6; one excused (桂环函〔2024〕215号) → 0
    moves = movements(sample_run, "qinzhou_2024", "lingshan", "2.2")
    excused = moves.filter(pl.col("movement_kind") == "excused")
    assert excused.height == 1
    assert excused["points"][0] == 0
    assert "桂环函〔2024〕215号" in excused["explanation_zh"][0]
    assert sum(moves["points"]) == Decimal("-0.6")
    assert item_score(sample_run, "qinzhou_2024", "lingshan", "2.2") == Decimal("2.4")


def test_ziyuan_fire_points_count_each_row_quantity_001_5_2_2(sample_run: Settings):
    # seed 001 5(2)② "每通报1处火点扣0.2分": 资源县's ledger notifies 2 + 1 fire points (1 excused)
    # → 3 × 0.2 = 0.6, charged to 5(2)① (不设基础分), not 2 rows × 0.2
    moves = movements(sample_run, "ziyuan_2024", "ziyuan", "5.2.2")
    rules = moves.filter(pl.col("rule_shape") == "per_event")
    assert sum(rules["points"]) == Decimal("-0.6")
    assert "火点 2 处（次）：扣 0.4 分" in rules.sort("movement_order")["explanation_zh"][0]


def test_ziyuan_straw_burning_system_point_needs_its_record_001_5_2_1(sample_run: Settings):
    # seed 001 5(2)① "建立秸秆科学有序焚烧工作制度或方案…报市大气办备案的，得1分；未发生因焚烧秸秆
    # 导致污染天气的，得2分": the sample ledger records no 制度/备案 → that point is lost; no
    # incident keeps the 2 points, from which 5(2)②③'s 0.7 of deductions are charged
    assert item_score(sample_run, "ziyuan_2024", "ziyuan", "5.2.1.1") == 0
    assert "未见完成记录" in movements(sample_run, "ziyuan_2024", "ziyuan", "5.2.1.1")["explanation_zh"][0]
    assert item_score(sample_run, "ziyuan_2024", "ziyuan", "5.2.1.2") == Decimal("1.3")


def test_money_spent_bonus_rounds_the_part_under_10_wan_down(sample_run: Settings):
    # seed 001 加分项(11): 不少于50万元…每增加10万元加0.1分（不足10万元部分不得加分）
    # 钦南区 58 万元 + 95000 元 = 67.5 万元: 17.5 above 50 → one step → +0.1
    # 中马 35 万元 + 230000 元 = 58 万元: 8 above 50 → no step → 0
    qinnan = movements(sample_run, "qinzhou_2024", "qinnan", "B2")
    assert sum(qinnan["points"]) == Decimal("0.1")
    assert Decimal(str(qinnan["measure_value"][0])) == Decimal("67.5")
    zhongma = movements(sample_run, "qinzhou_2024", "zhongma", "B2")
    assert sum(zhongma["points"]) == 0


def test_two_notices_zero_a_cooperating_share(sample_run: Settings):
    # seed 000 items 6–8: 秋冬季…被通报2次以上的，本项不得分 (以上 includes 2)
    # 灵山县 (配合 0.4) notified twice → 0; 钦北区 (配合 0.4) once → keeps 0.4; 钦南区 牵头 3.2
    assert item_score(sample_run, "qinzhou_2024", "lingshan", "5.1") == 0
    assert item_score(sample_run, "qinzhou_2024", "qinbei", "5.1") == Decimal("0.4")
    assert item_score(sample_run, "qinzhou_2024", "qinnan", "5.1") == Decimal("3.2")
    zeroed = movements(sample_run, "qinzhou_2024", "lingshan", "5.1").filter(
        pl.col("rule_shape") == "zero_if_notices")
    assert zeroed["points"][0] == Decimal("-0.4")
    assert "被通报 2 次" in zeroed["explanation_zh"][0]


def test_lateness_over_30_days_costs_80_percent(sample_run: Settings):
    # seed 003 三.16(7)④: 推迟1-30天按比例扣分（至50%），推迟30天以上扣80%分数 (5分)
    # 灵山县 45 days late → −4; 钦南区 12 days late → 5 × 50 % × 12/30 = −1; 浦北县 on time → 5
    assert item_score(sample_run, "qinzhou_2024", "lingshan", "4.5") == Decimal("1")
    assert item_score(sample_run, "qinzhou_2024", "qinnan", "4.5") == Decimal("4")
    assert item_score(sample_run, "qinzhou_2024", "pubei", "4.5") == Decimal("5")


def test_counts_done_score_by_completion_ratio(sample_run: Settings):
    # seed 001 5(4)①: 按完成比例得分。任务数16台 — 灵山县 6 + 4 = 10 of 16 → 3 × 62.5 % = 1.875
    assert item_score(sample_run, "qinzhou_2024", "lingshan", "2.3") == Decimal("1.875")
    assert item_score(sample_run, "qinzhou_2024", "zhongma", "2.3") == Decimal("3")


def test_all_or_nothing_task_without_a_completion_record_scores_zero(sample_run: Settings):
    # seed 001 5(2)①: 建立秸秆科学有序焚烧工作制度…得分 — 浦北县 has no completion record
    assert item_score(sample_run, "qinzhou_2024", "pubei", "2.1") == 0
    assert item_score(sample_run, "qinzhou_2024", "qinbei", "2.1") == Decimal("2")


def test_lingshan_misses_its_air_targets_and_ranks_last_without_a_veto(sample_run: Settings):
    # seed 001 5(1)①②: 灵山县 misses both air targets (seed 004: 96.4 %, 29.2 μg/m³)
    assert item_score(sample_run, "qinzhou_2024", "lingshan", "1.1") == 0
    assert item_score(sample_run, "qinzhou_2024", "lingshan", "1.2") == 0
    scores = read_mart(sample_run, "fct_unit_scores").filter(pl.col("scheme_code") == "qinzhou_2024")
    assert scores.sort("score_rank")["unit_code"][-1] == "lingshan"
    assert scores["veto_items"].is_null().all()
    assert "score_grade" not in scores.columns  # one grade column (issue 32)
    assert scores["total_score"].n_unique() == 5


# ---------- 资源县 2024


def test_ziyuan_veto_makes_the_result_unqualified_whatever_the_score(sample_run: Settings):
    # seed 001 21(2)①: 一般及以上突发环境事件涉及饮用水安全 → 考核结果为“不合格”
    row = unit_score(sample_run, "ziyuan_2024", "ziyuan")
    assert row["grade"] == "不合格"
    assert "21(2)①" in (row["veto_items"] or "")
    assert row["total_score"] > 60


def test_ziyuan_city_item_not_done_costs_the_county(sample_run: Settings):
    # seed 001 2(2)①②: 桂林市完成…得1分，未完成各县（市、区）均不得分 — 桂林市 recorded ① only
    assert item_score(sample_run, "ziyuan_2024", "ziyuan", "2.2.1") == Decimal("1")
    assert item_score(sample_run, "ziyuan_2024", "ziyuan", "2.2.2") == 0


def test_ziyuan_partial_percentage_point_is_rounded_up(sample_run: Settings):
    # seed 001 7(5): 以2023年度完成91%进行考核…每低1个百分点（不到1个百分点的按1个百分点计）扣0.2分
    # 199 of 220 = 90.45 %: 0.55 below 91 → counted as 1 point → −0.2
    assert item_score(sample_run, "ziyuan_2024", "ziyuan", "7.5") == Decimal("1.8")
