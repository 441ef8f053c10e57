"""Every optional parameter of every rule shape has one meaning or is an error (issue 32).

Seed 003 二.2 written with `below_per_unit` but no floor scored 54 instead of 50: a parameter left
out must never change a rule silently. For each shape a rule with all its parameters loads; then
each optional parameter is left out in turn: either the scheme still loads and the schema says
what the absence means (`x-absent`), or loading fails with a message naming the item and the
parameter, because another parameter or the mode needs it (`dependentRequired`,
`x-required-when`). What each absence scores is a dbt unit test beside the shape's model
(models/intermediate/scoring/_scoring__models.yml: interpolation_one_slope_without_a_floor_003_2_2,
steps_no_cap_of_its_own_without_base_points_001_17, …)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from pipelines.lib.files import read_yaml
from pipelines.scheme.loader import REQUIRED_WHEN, SCHEMA_PATH, SchemeError, _shape_branches, load_scheme

SCHEMA = read_yaml(SCHEMA_PATH)
BRANCHES = _shape_branches(SCHEMA)

# A rule of each shape with every parameter it can take (ranking once per mode), and what the
# item reads: the seed clause each follows is named.
FULL: dict[str, tuple[dict, dict]] = {
    # 001 2(2)① 桂林市完成…未完成各县均不得分; 7(1)② 另加扣2分
    "all_or_nothing": ({"shape": "all_or_nothing", "event_kinds": ["task_completed"], "evaluate_on": "city",
                        "extra_deduction": 2}, {}),
    # 001 10 / 10(4), 4 (桂林市完成…各县均得2分), 5(10) 同台锅炉, 5(2)② 火点2处
    "per_event": ({"shape": "per_event", "event_kinds": ["inspection_finding"], "amount": 1, "cap": 5,
                   "clause_caps": {"拨付率每低1个百分点": 2}, "unless_city_completed": "2",
                   "per_quantity": True, "severity_amounts": {"拨付率每低1个百分点": 0.5},
                   "escalation": [0.2, 0.5, 1]}, {}),
    # 001 5(1)① 每低0.1个百分点扣0.3分，最高扣3分
    "step_shortfall": ({"shape": "step_shortfall", "direction": "higher_is_better", "step": 0.1,
                        "amount_per_step": 0.3, "cap": 3, "rounding": "proportional",
                        "step_unit": "percentage_point"}, {"measure": "air.good_day_ratio", "target": 96.5}),
    # 001 加分项(6)① 每高于控制目标水平0.1个百分点加0.1分
    "step_surplus": ({"shape": "step_surplus", "direction": "higher_is_better", "step": 0.1,
                      "amount_per_step": 0.1, "cap": 1, "rounding": "down", "step_unit": "percentage_point"},
                     {"measure": "air.good_day_ratio", "target": 96.5}),
    # 003 二.2 确保 54 / 力争 60, 每差1个百分点扣2分（其中≥90%的部分，每差1个百分点扣1分）
    "interpolation": ({"shape": "interpolation",
                       "anchors": [{"value": 91, "points": 54}, {"value": 93, "points": 60}],
                       "below_per_unit": 1, "below_floor_value": 90, "below_per_unit_under_floor": 2},
                      {"measure": "air.good_day_ratio"}),
    # 001 5(11)① 高于75微克/立方米的，扣1分…
    "tiers": ({"shape": "tiers", "tiers": [{"op": "gt", "value": 75, "points": -1}]},
              {"measure": "air.fireworks_pm2_5_mean"}),
    # 001 6(2)② 完成率低于80%的，该项不得分
    "proportional": ({"shape": "proportional", "floor_pct": 80}, {"measure": "ledger.completion_pct"}),
    # 001 5(1)④ 后10位 0.3、后3位 0.6，同比提升3%以上不扣分
    "ranking/bottom_n": ({"shape": "ranking", "peer_group": "pg", "indicator": "good_day_ratio",
                          "mode": "bottom_n",
                          "direction": "higher_is_better", "bottom": [{"n": 10, "points": 0.3}],
                          "exempt_improvement_pct": 3, "cap": 1}, {}),
    # 003 三.13(3) 保护率最好的得满分，最差的得60%分数
    "ranking/linear": ({"shape": "ranking", "peer_group": "pg", "indicator": "good_day_ratio",
                        "mode": "linear",
                        "worst_share": 0.6}, {}),
    # 001 6(5)④ 排名同比下降的，每下降1名扣0.3分，最高扣3分
    "ranking/rank_change": ({"shape": "ranking", "peer_group": "pg", "indicator": "good_day_ratio",
                             "mode": "rank_change", "direction": "lower_is_better", "per_place": 0.3,
                             "cap": 3}, {}),
    # 003 三.16(7)④ 推迟1-30天按比例扣分，推迟30天以上扣80%分数
    "lateness": ({"shape": "lateness", "within_days": 30, "within_share": 0.5, "beyond_share": 0.8},
                 {"measure": "ledger.days_late"}),
    # 003 一.1 每月次扣5分…劣Ⅴ类10分…年均值达到年度目标的，月度扣分免扣…升类的，每个断面加5分，加分不超过20分
    "monthly_waiver": ({"shape": "monthly_waiver",
                        "months_below_measure": "water.section_months_below_target_charged",
                        "months_worst_measure": "water.section_months_class_6_charged",
                        "months_below_all_measure": "water.section_months_below_target",
                        "months_worst_all_measure": "water.section_months_class_6",
                        "annual_met_measure": "water.annual_targets_all_met",
                        "improvement_measure": "water.sections_class_improved",
                        "per_month": 5, "per_worst_month": 10, "per_class_improved": 5, "bonus_cap": 20,
                        "cap": 100}, {}),
    # 001 5(1)⑤ 每出现1天，扣该站点所在辖区1分，扣分不封顶
    "station_outlier_days": ({"shape": "station_outlier_days", "amount_per_day": 1, "cap": 10},
                             {"measure": "air.station_outlier_days"}),
    # 001 21(2) 考核结果为“不合格”
    "veto": ({"shape": "veto", "grade": "合格", "event_kinds": ["incident"]}, {}),
    # national rule: 不得确定为优秀
    "grade_cap": ({"shape": "grade_cap", "max_grade": "合格", "event_kinds": ["incident"]}, {}),
}


def scheme(rule: dict, reads: dict) -> dict:
    item = {"code": "1", "name": "被测条款", "points": 5, "source": {"seed": "t", "item": "1", "text": "…"},
            "rule": rule, **reads}
    return {
        "scheme": {"code": "t", "name": "测试", "year": 2024, "source": "test", "city_unit": "city"},
        "units": [{"code": "a", "name": "甲"}, {"code": "city", "name": "市", "assessed": False}],
        "grades": [{"grade": "优秀", "min_score": 90}, {"grade": "合格", "min_score": 0}],
        "peer_groups": [{"code": "pg", "name": "同组", "size": 10}],
        "items": [item, {"code": "2", "name": "市级任务", "points": 1, "units": ["city"],
                         "source": {"seed": "t", "item": "2", "text": "…"},
                         "rule": {"shape": "all_or_nothing", "event_kinds": ["task_completed"]}}],
    }


def load(tmp_path: Path, body: dict):
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return load_scheme(path)


def optional_parameters(shape: str) -> list[str]:
    branch = BRANCHES[shape]
    return [p for p in branch.get("properties", {}) if p not in branch.get("required", [])]


CASES = [(key, param) for key, (rule, _) in FULL.items() for param in optional_parameters(rule["shape"])
         if param in rule]


def test_every_optional_parameter_is_exercised():
    """Each shape's full rule above carries every optional parameter its schema branch lists."""
    for shape in BRANCHES:
        given = {p for key, (rule, _) in FULL.items() if rule["shape"] == shape for p in rule}
        assert set(optional_parameters(shape)) <= given, shape


@pytest.mark.parametrize(("key", "_"), [(k, None) for k in FULL])
def test_a_rule_with_every_parameter_loads(tmp_path: Path, key: str, _):
    rule, reads = FULL[key]
    load(tmp_path, scheme(rule, reads))


@pytest.mark.parametrize(("key", "param"), CASES, ids=[f"{k}-without-{p}" for k, p in CASES])
def test_each_parameter_left_out_has_a_meaning_or_is_an_error(tmp_path: Path, key: str, param: str):
    rule, reads = FULL[key]
    shape = rule["shape"]
    branch = BRANCHES[shape]
    left = copy.deepcopy(rule)
    del left[param]
    needed_by_others = any(param in needs for given, needs in branch.get("dependentRequired", {}).items()
                           if given in left)
    needed_here = (shape, param) in REQUIRED_WHEN and REQUIRED_WHEN[(shape, param)](left)
    if needed_by_others or needed_here:
        with pytest.raises(SchemeError) as err:
            load(tmp_path, scheme(left, reads))
        assert "items/0 (1)" in str(err.value) and param in str(err.value)
    else:
        load(tmp_path, scheme(left, reads))
        assert branch["properties"][param].get("x-absent"), (
            f"{shape}.{param}: left out it loads, so the schema must say what its absence means (x-absent)")


@pytest.mark.parametrize(("shape", "given"), [(s, g) for s, b in BRANCHES.items()
                                                for g in b.get("dependentRequired", {})])
def test_parameters_that_go_together_can_be_left_out_together(tmp_path: Path, shape: str, given: str):
    """003 二.2: below_floor_value and below_per_unit_under_floor are one reading together; left out
    together, the rule has one slope (x-absent), and loads."""
    rule, reads = next((r, m) for r, m in FULL.values() if r["shape"] == shape)
    branch = BRANCHES[shape]
    closed = {given, *branch["dependentRequired"][given]}
    grew = True
    while grew:  # what needs a parameter left out goes too (monthly_waiver: bonus_cap with the bonus)
        needing = {g for g, needs in branch["dependentRequired"].items() if set(needs) & closed}
        grew, closed = bool(needing - closed), closed | needing
    left = {k: v for k, v in rule.items() if k not in closed or k in branch.get("required", [])}
    keep_needed = [p for p in closed if (shape, p) in REQUIRED_WHEN and REQUIRED_WHEN[(shape, p)](left)]
    for p in keep_needed:  # a parameter the mode needs stays (003 二.2: the lowest anchor scores 54)
        left[p] = rule[p]
    load(tmp_path, scheme(left, reads))


def test_required_when_is_the_schema_list():
    """The loader's conditions and the schema's words (x-required-when) name the same parameters."""
    written = {(shape, p) for shape, b in BRANCHES.items() for p in b.get("x-required-when", {})}
    assert written == set(REQUIRED_WHEN)


def test_below_floor_without_its_slope_is_an_error_003_2_2(tmp_path: Path):
    """seed 003 二.2 "其中环境空气优良天数比例≥90%的部分，每差1个百分点扣1分": a floor value without
    the slope under it cannot be scored as written."""
    rule, reads = FULL["interpolation"]
    left = {k: v for k, v in rule.items() if k != "below_per_unit_under_floor"}
    with pytest.raises(SchemeError, match=r"items/0 \(1\)/rule/below_floor_value: 规则 interpolation 的参数 "
                                          r"below_floor_value 须与 below_per_unit_under_floor 同时写明"):
        load(tmp_path, scheme(left, reads))


def test_a_lowest_anchor_with_points_needs_a_slope_below_it_003_2_2(tmp_path: Path):
    """seed 003 二.2 达到确保目标值，得54分: below 确保 the scheme must say how points fall (0 keeps 54)."""
    left = {"shape": "interpolation", "anchors": FULL["interpolation"][0]["anchors"]}
    with pytest.raises(SchemeError, match=r"items/0 \(1\)/rule: 规则 interpolation 缺少参数 below_per_unit"):
        load(tmp_path, scheme(left, {"measure": "air.good_day_ratio"}))
    lowest_zero = {"shape": "interpolation",
                   "anchors": [{"value": 90, "points": 0}, {"value": 100, "points": 10}]}
    load(tmp_path, scheme(lowest_zero, {"measure": "air.good_day_ratio"}))  # 003 一.4 低于90%的，得0分


def case_body(change) -> dict:
    rule, reads = FULL["step_shortfall"]
    body = scheme(copy.deepcopy(rule), dict(reads))
    change(body)
    return body


@pytest.mark.parametrize(("change", "message"), [
    # a target per unit: without one there is no gap to count (it scored 0 silently)
    (lambda b: b["items"][0].pop("target"), r"items/0 \(1\): 规则 step_shortfall 须有目标值：单位 a 没有"),
    # 001 13(1) 个百分点: only a rate has percentage points
    (lambda b: b["items"][0].update(measure="air.pm2_5_annual_mean"),
     r"items/0 \(1\)/rule/step_unit: 百分点（percentage_point）只用于以 % 计的比率"),
    # a shape that scores a measure needs one
    (lambda b: b["items"][0].pop("measure"),
     r"items/0 \(1\): 规则 step_shortfall 按指标数据计分，须写明 measure"),
    # …and one that does not would ignore it
    (lambda b: b["items"][1].update(measure="air.good_day_ratio"),
     r"items/1 \(2\)/measure: 规则 all_or_nothing 不读取 measure"),
    # 001 2(2) 桂林市完成…: the city must be named
    (lambda b: (b["scheme"].pop("city_unit"), b["items"][1].update(
        rule={"shape": "all_or_nothing", "event_kinds": ["task_completed"], "evaluate_on": "city"}),
        b["items"][1].pop("units"), b["units"].pop()),
     r"items/1 \(2\)/rule: 规则按市级完成情况计分.*scheme/city_unit"),
    # 001 14(1) 无治理面积任务的，此项不计分: the scheme must say what not applicable does
    (lambda b: b["items"][0].update(measure="ledger.completion_pct", target=100, not_applicable={
        "when": "no_task",
        "source": {"seed": "001", "item": "14(1)", "text": "（无治理面积任务的，此项不计分）"}}),
     r"items/0 \(1\)/not_applicable: 方案须在 scheme/not_applicable 写明"),
    # …and no_task is read from the task quantity the item reads
    (lambda b: (b["scheme"].update(not_applicable={"policy": "exclude", "source": {
        "seed": "001", "item": "14(1)", "text": "此项不计分"}}), b["items"][0].update(not_applicable={
            "when": "no_task", "source": {"seed": "001", "item": "14(1)", "text": "…"}})),
     r"items/0 \(1\)/not_applicable: no_task 以台账“任务数量”为 0 判断"),
])
def test_what_a_rule_needs_from_the_file_is_checked(tmp_path: Path, change, message: str):
    with pytest.raises(SchemeError, match=message):
        load(tmp_path, case_body(change))


def test_clause_caps_name_a_priced_clause_001_10_4(tmp_path: Path):
    """001 10(4) 每低于一个百分点扣0.5分，最高扣2分: the clause is named by its severity class."""
    rule = dict(FULL["per_event"][0], clause_caps={"拨付率": 2})
    with pytest.raises(SchemeError,
                       match=r"items/0 \(1\)/rule/clause_caps: 条款 拨付率 不是 severity_amounts"):
        load(tmp_path, scheme(rule, {}))


def groups_body(groups: list[dict]) -> dict:
    body = scheme(*FULL["step_shortfall"])
    body["items"].append({"code": "3", "name": "第三项", "points": 1,
                          "source": {"seed": "t", "item": "3", "text": "…"},
                          "rule": {"shape": "per_event", "event_kinds": ["inspection_finding"],
                                   "amount": 0.5}})
    body["groups"] = groups
    return body


def test_a_capped_group_says_what_its_cap_belongs_to_001_bonus_6_2(tmp_path: Path):
    """001 加分项(6)② …最多加1分 (the clause) against (6)① 以上每项最高加1分 (each item): written."""
    with pytest.raises(SchemeError, match=r"groups/0 \(g\)/scope: 分组有封顶分值，须写明封顶属于哪一级"):
        load(tmp_path, groups_body([{"code": "g", "name": "g", "items": ["1", "3"], "deduction_cap": 2}]))
    load(tmp_path, groups_body([{"code": "g", "name": "g", "items": ["1", "3"], "deduction_cap": 2,
                                 "scope": "clause"}]))


def test_capped_groups_that_share_items_nest_innermost_narrower_001_10(tmp_path: Path):
    """001 10(4) 最高扣2分 inside 10 最高扣5分: a clause group inside an item group loads; two groups
    that only overlap, or an inner group as wide as the outer, are refused (no innermost first)."""
    inner = {"code": "c", "name": "c", "items": ["1"], "deduction_cap": 2, "scope": "clause"}
    outer = {"code": "i", "name": "i", "items": ["1", "3"], "deduction_cap": 5, "scope": "item"}
    load(tmp_path, groups_body([inner, outer]))
    with pytest.raises(SchemeError, match=r"groups \(c、i\): 两个封顶分组共有指标 1"):
        load(tmp_path, groups_body([dict(inner, scope="section"), outer]))
    with pytest.raises(SchemeError, match=r"两个封顶分组共有指标"):
        load(tmp_path, groups_body([dict(inner, items=["1", "2"]), outer]))
