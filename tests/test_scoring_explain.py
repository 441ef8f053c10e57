"""`ecoscore explain` on a hand-made published warehouse: which scheme, the unit by code or
Chinese name, movements in rule order, no raw None (issue 14 part 7)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from pipelines.scoring.commands import explain

ITEMS = """
create table marts.fct_unit_item_scores as select * from (values
  ('qinzhou_2024', 2024, 'lingshan', '灵山县', '1.2', 'PM2.5浓度', 3.0, 0.0, 0.0, 0.0, null, null,
   'missing', 3.0),
  ('other_2024',   2024, 'lingshan', '灵山县', '1.2', 'PM2.5浓度', 5.0, 1.0, 0.0, 4.0, null, null,
   'scored', 0.0),
  ('ziyuan_2024',  2024, 'ziyuan',   '资源县', '5.2.2', '遥感卫星监测火点', 0.0, 0.0, 0.0, 0.0, null, null,
   'scored', 0.0)
) as t(scheme_code, scheme_year, unit_code, unit_name, item_code, item_name, points, deductions,
       bonuses, score, self_score, composition_zh, status, missing_points)
"""

MOVES = """
create table marts.fct_score_movements as select * from (values
  ('qinzhou_2024', 'lingshan', '1.2', 1, 'steps', 'deduction', -3.0, 0.0, 'air.pm2_5_annual_mean', null, null,
   'int_scoring__measures:lingshan:2024:air.pm2_5_annual_mean:无数据', 'PM2.5 缺少有效数据，无法评分'),
  ('other_2024', 'lingshan', '1.2', 1, 'steps', 'deduction', -1.0, 0.0, 'air.pm2_5_annual_mean', 30.2, 29.2,
   'k', 'PM2.5 30.2'),
  ('ziyuan_2024', 'ziyuan', '5.2.2', 2, 'per_event', 'deduction', -0.2, 0.0, null, null, null, 'late',
   '2024-03-16 火点：扣 0.2 分'),
  ('ziyuan_2024', 'ziyuan', '5.2.2', 1, 'per_event', 'deduction', -0.4, 0.0, null, null, null, 'early',
   '2024-02-20 火点 2 处（次）：扣 0.4 分'),
  ('ziyuan_2024', 'ziyuan', '5.2.2', 3, 'composition', 'pool_transfer', 0.6, 0.0, null, null, null, 'pool',
   '本项不设基础分：扣分 0.6 分转从第 5.2.1 项得分中扣减')
) as t(scheme_code, unit_code, item_code, movement_order, rule_shape, movement_kind, points, cap_cut,
       measure_code, measure_value, target, source_keys, explanation_zh)
"""


@pytest.fixture
def release(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    current = tmp_path / "data" / "marts" / "current"
    current.mkdir(parents=True)
    with duckdb.connect(str(current / "ecoscore.duckdb")) as con:
        con.execute("create schema marts")
        con.execute(ITEMS)
        con.execute(MOVES)
        # explain reads the seed quote from the movements mart
        for column, value in [("source_seed", "'001'"), ("source_item", "'5(2)②'"),
                              ("source_text", "'每通报1处火点扣0.2分'")]:
            con.execute(f"alter table marts.fct_score_movements add column {column} varchar default {value}")
    monkeypatch.setenv("ECOSCORE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("ECOSCORE_WAREHOUSE", raising=False)
    return current


def test_two_schemes_holding_the_unit_and_item_ask_which(release: Path):
    asks = r"在 2 个方案中都有：other_2024（2024 年）、qinzhou_2024（2024 年）。请用 --scheme"
    with pytest.raises(LookupError, match=asks):
        explain("lingshan", "1.2", None, None)
    assert explain("lingshan", "1.2", None, "other_2024").startswith("other_2024 2024 · 灵山县")


def test_unit_by_chinese_name_and_no_raw_none(release: Path):
    text = explain("灵山县", "1.2", 2024, "qinzhou_2024")
    assert "None" not in text
    assert "指标 air.pm2_5_annual_mean = 缺少有效数据\n" in text  # no "目标 None"
    assert "数据缺失" in text and "3 分未计入" in text  # issue 14 part 2: the status, not a phrase
    assert "指标 air.pm2_5_annual_mean = 30.2，目标 29.2" in explain("灵山县", "1.2", None, "other_2024")


def test_movements_in_rule_order_001_5_2_2(release: Path):
    # seed 001 5(2)② fire points: the ledger events by date, then the pool transfer
    text = explain("资源县", "5.2.2", None, None)
    lines = [line for line in text.splitlines() if line.startswith("  [")]
    assert [line.split("  ")[-1] for line in lines] == [
        "2024-02-20 火点 2 处（次）：扣 0.4 分", "2024-03-16 火点：扣 0.2 分",
        "本项不设基础分：扣分 0.6 分转从第 5.2.1 项得分中扣减"]


def test_unknown_unit_and_missing_item_say_what_is_wrong(release: Path):
    # the one name resolver (pipelines/lib/names.py): what was asked, then the published units
    with pytest.raises(LookupError, match=r"没有单位 unit「甲县」.*\n  灵山县  lingshan\n  资源县  ziyuan"):
        explain("甲县", "1.2", None, None)
    with pytest.raises(LookupError, match=r"单位 资源县（ziyuan）在方案 ziyuan_2024 中没有指标 9.9"):
        explain("ziyuan", "9.9", None, None)


def test_a_ledger_source_is_named_by_file_and_row_issue_32(release: Path):
    """seed 001 5(2)② "每通报1处火点扣0.2分": each movement's ledger row is printed as the file
    and row it came from (fct_movement_sources), not as the row's hash; a release published
    before that mart existed still prints its keys."""
    assert "来源 early" in explain("资源县", "5.2.2", None, None)  # no fct_movement_sources yet
    with duckdb.connect(str(release / "ecoscore.duckdb")) as con:
        con.execute("alter table marts.fct_score_movements add column movement_id varchar")
        con.execute("update marts.fct_score_movements set movement_id = source_keys")
        con.execute("""create table marts.fct_movement_sources as select * from (values
            ('early', date '2024-02-20', 'ledgers/生态环境局/火点台账_gbk.csv', 3,
             '台账 生态环境局/火点台账_gbk.csv 第 3 行')) as t(movement_id, event_date, source_file,
            source_row, source_zh)""")
    text = explain("资源县", "5.2.2", None, None)
    assert "      来源 台账 生态环境局/火点台账_gbk.csv 第 3 行\n" in text
    assert "来源 early" not in text
    assert "来源 late" in text  # a movement without a located row keeps its key


def test_not_applicable_is_not_missing_001_14_1(release: Path):
    """seed 001 14(1) "（无治理面积任务的，此项不计分）": an item that does not apply to the unit
    says 不适用, never 数据缺失."""
    with duckdb.connect(str(release / "ecoscore.duckdb")) as con:
        con.execute("""insert into marts.fct_unit_item_scores values ('ziyuan_2024', 2024, 'ziyuan',
            '资源县', '14.1', '新增水土流失治理面积', 1.0, 0.0, 0.0, 0.0, null,
            null, 'not_applicable', 0.0)""")
        con.execute("""insert into marts.fct_score_movements values ('ziyuan_2024', 'ziyuan', '14.1', 1,
            'step_shortfall', 'not_applicable', 0.0, 0.0, 'ledger.count_required', 0.0, null, 'r13',
            '不适用：任务数量台账记为 0（无此项任务），依方案“（无治理面积任务的，此项不计分）”，此项不计分',
            '001', '14(1)', '（无治理面积任务的，此项不计分）')""")
    text = explain("资源县", "14.1", None, None)
    assert "不适用" in text and "数据缺失" not in text
