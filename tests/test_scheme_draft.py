"""`ecoscore scheme draft`: the government's own table → a draft scheme. Each grammar pattern is
tested with the seed clause it was written from (seed + item in the test name); the agreement
with the hand-written schemes is measured on tables built from the seed texts (docx with merged and
multi-line cells, xlsx, txt); a draft still holding needs_review items is refused by load_scheme."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.lib.settings import PROJECT_ROOT
from pipelines.scheme.draft import grammar
from pipelines.scheme.draft.compare import agreement, compare
from pipelines.scheme.draft.draft import draft_scheme, read_pieces, segment, summary
from pipelines.scheme.draft.layouts import word_text_cells as _word_text_cells
from pipelines.scheme.draft.numbers import normalize
from pipelines.scheme.draft.output import ResolutionError, apply_resolutions, dump, load_answers
from pipelines.scheme.draft.tables import chunk_cells as _chunk_cells
from pipelines.scheme.draft.tables import read_document
from pipelines.scheme.loader import SchemeError, load_scheme

SEEDS = Path(__file__).parent / "data" / "seeds"
SEED_001 = SEEDS / "001_85e261af43ba1034.txt"
SCHEMES = PROJECT_ROOT / "data" / "raw" / "schemes"
# the figures README.md reports: seed 001, scorable items of ziyuan_2024.yaml identical in shape
# and parameters (event_kinds aside, see compare.py); seed 003 before and after the answers file
AGREEMENT_001 = (153, 167)
AGREEMENT_003_DRAFT = (2, 11)
AGREEMENT_003_RESOLVED = (10, 11)


def read(text: str, points: float = 0, **ctx: Any) -> grammar.Reading:
    """One clause as the drafter reads it (a single rule expected)."""
    pieces = read_pieces(text, {"points": points, "targets": ctx.get("targets", {}), "pool": not points,
                                "name": ctx.get("name", ""),
                                "count_targets": ctx.get("count_targets", {})})
    assert len(pieces) == 1, [p.rule for _, p in pieces]
    return pieces[0][1]


# ---------------------------------------------------------------- numbers

def test_chinese_numerals_before_a_unit_become_digits():
    """三分 / 百分之五十 / 半年 / 零点五 (the issue's examples); 一票否决, 第一次, 千吨万人 untouched."""
    assert normalize("扣三分") == "扣3分"
    assert normalize("百分之五十") == "50%"
    assert normalize("半年内完成") == "6个月内完成"
    assert normalize("每发现一起扣零点五分") == "每发现1起扣0.5分"
    assert normalize("每低一个百分点扣二分") == "每低1个百分点扣2分"
    assert normalize("一票否决") == "一票否决"
    assert normalize("第一次扣0.2分") == "第一次扣0.2分"
    assert normalize("千吨万人") == "千吨万人"
    assert normalize("（１）最高扣３分；") == "(1)最高扣3分;"


def test_chinese_numeral_clause_reads_like_digits():
    """001 2(3) written in words: 每发现一起扣零点二分，扣完一分为止 → per_event 0.2, cap 1."""
    rule = read("各类检查发现存在“两高”未批先建项目的，每发现一起扣零点二分，扣完一分为止。", 1).rule
    assert rule == {"shape": "per_event", "event_kinds": ["inspection_finding"], "amount": 0.2, "cap": 1}


# ---------------------------------------------------------------- one test per clause pattern

def test_pattern_step_shortfall_001_5_1_1_good_day_ratio():
    """001 5(1)① 完成年度环境空气质量优良天数比率控制目标，得3分。每低0.1个百分点扣0.3分。最高扣3分。"""
    r = read("①完成年度环境空气质量优良天数比率控制目标，得3分。每低0.1个百分点扣0.3分。最高扣3分。", 3,
             targets={"air.good_day_ratio": 96.5})
    assert r.rule == {"shape": "step_shortfall", "direction": "higher_is_better", "step": 0.1,
                      "amount_per_step": 0.3, "cap": 3, "rounding": "proportional"}
    assert r.fields == {"measure": "air.good_day_ratio", "target": 96.5} and r.status == grammar.PARSED


def test_pattern_step_shortfall_001_5_1_2_pm25_higher_is_worse():
    """001 5(1)② 每高0.1微克/立方米扣0.3分，最高扣3分 → lower_is_better."""
    r = read("②完成年度细颗粒物（PM2.5）浓度控制目标，得3分。每高0.1微克/立方米扣0.3分，最高扣3分。", 3)
    assert r.rule["direction"] == "lower_is_better" and r.fields["measure"] == "air.pm2_5_annual_mean"


def test_pattern_step_rounding_up_001_7_5():
    """001 7(5) 每低1个百分点（不到1个百分点的按1个百分点计）扣0.2分，最高扣2分;
    target: 以2023年度完成91%进行考核."""
    r = read("2024年农用地安全利用率稳定在92%以上（因核算时间为每年6月完成，以2023年度完成91%进行考核），"
             "得2分。每低1个百分点（不到1个百分点的按1个百分点计）扣0.2分，最高扣2分。", 2)
    assert r.rule == {"shape": "step_shortfall", "direction": "higher_is_better", "step": 1,
                      "amount_per_step": 0.2, "cap": 2, "rounding": "up"}
    assert r.fields["target"] == 91


def test_pattern_step_amount_001_23_1():
    """001 23(1) 安排不少于50万元…每少于5万元扣0.1分（不足5万元的按5万元计）→ ledger.amount_wan,
    target 50, capped at what spending nothing costs (50 / 5 × 0.1 = 1: the bound made explicit)."""
    r = read("安排不少于50万元的专项资金用于生态监测监察等相关工作，"
             "每少于5万元扣0.1分（不足5万元的按5万元计）。")
    assert r.rule == {"shape": "step_shortfall", "direction": "higher_is_better", "step": 5,
                      "amount_per_step": 0.1, "rounding": "up", "cap": 1}
    assert r.fields == {"measure": "ledger.amount_wan", "target": 50}


def test_pattern_step_surplus_rounding_down_001_bonus_11():
    """001 加分项 (11) 每增加10万元加0.1分（不足10万元部分不得加分）→ step_surplus, rounding down."""
    r = read("安排不少于50万元的专项资金用于生态监测监察等相关工作，"
             "每增加10万元加0.1分（不足10万元部分不得加分）。")
    assert r.rule == {"shape": "step_surplus", "direction": "higher_is_better", "step": 10,
                      "amount_per_step": 0.1, "rounding": "down"}


def test_pattern_per_event_with_cap_001_2_3():
    """001 2(3) 无“两高”未批先建项目，得1分。…每发现1起扣0.2分，扣完1分为止。"""
    r = read("无“两高”未批先建项目，得1分。各类检查发现存在“两高”未批先建项目的，"
             "每发现1起扣0.2分，扣完1分为止。", 1)
    assert r.rule == {"shape": "per_event", "event_kinds": ["inspection_finding"], "amount": 0.2, "cap": 1}


def test_pattern_per_event_quantity_001_5_4_2():
    """001 5(4)② 联合检查每少一次扣0.25分；路检路查时间间隔不足每次扣0.1分；抽测数量不足的每少1台扣0.1分，
    最多扣1分 → per_quantity; the three deductions, each counted its own way, are cases of one rule
    (severity_amounts, default the smallest), flagged."""
    r = read("联合检查每少一次扣0.25分；路检路查时间间隔不足每次扣0.1分；"
             "抽测数量不足的每少1台扣0.1分，最多扣1分。", 1)
    assert r.rule["per_quantity"] is True and r.rule["cap"] == 1
    assert r.rule["amount"] == 0.1 and r.rule["severity_amounts"] == \
        {"联合检查": 0.25, "路检路查时间间隔不足": 0.1, "抽测数量不足": 0.1}
    assert r.status == grammar.GUESSED and "情形名取自原文" in r.reasons[0]


def test_pattern_deduction_cases_counted_apart_001_5_2_2():
    """001 5(2)② 每通报1处火点扣0.2分，未及时调查处理或开展执法检查的，每次扣0.5分，最高扣3分（经自治区核实
    剔除的火点不扣分） → one rule, two cases; the struck-off fire points are no case (no event)."""
    r = read("②自治区通报遥感卫星监测火点，每通报1处火点扣0.2分，未及时调查处理或开展执法检查的，"
             "每次扣0.5分，最高扣3分（经自治区核实剔除的火点不扣分）。")
    assert r.rule["amount"] == 0.2 and r.rule["cap"] == 3
    assert sorted(r.rule["severity_amounts"].values()) == [0.2, 0.5]


def test_pattern_lighter_case_in_brackets_001_5_6_1_and_5_6_3():
    """001 5(6)① 每项扣0.2分（当日开展现场整治并在全市大气污染防治群中反馈的，每项少扣0.1分） → a 0.1 case;
    5(6)③ 每种情形每次扣0.2分（自行发现并予以处罚的不扣分） → a 0 case; 6(5)① …方可不扣分 is a waiver on
    proof, no case."""
    r = read("①施工工地的扬尘治理达到9个100%，检查的施工工地任意一项未达标的，每项扣0.2分"
             "（当日开展现场整治并在全市大气污染防治群中反馈的，每项少扣0.1分）。")
    assert r.rule["amount"] == 0.2
    assert r.rule["severity_amounts"] == {"当日开展现场整治并在全市大气污染防治群中反馈": 0.1}
    r = read("③检查发现渣土运输等车辆有遗洒、未覆盖（或者未全部覆盖）、带泥上路等情形的，每种情形每次扣0.2分"
             "（自行发现并予以处罚的不扣分）。")
    assert r.rule["amount"] == 0.2 and r.rule["severity_amounts"] == {"自行发现并予以处罚": 0}
    r = read("辖区内区控断面水质每超标一次扣1分最高扣2分。"
             "（若国控、区控断面水质因其他辖区污染水体汇入导致超标，"
             "需提供调查依据，并得到市生态环境局认可，方可不扣分）", 2)
    assert "severity_amounts" not in r.rule


def test_pattern_each_rule_its_own_cap_001_5_7_and_5_8():
    """001 5(7) 检查发现无证企业违法生产的，每家（次）扣0.5分；有违反大气法相关规定，没有进行处罚的，
    每家（次）扣0.2分。每项最高扣1分。 → two per_event rules, each capped at 1 (每项最高扣: the cap is
    each rule's)."""
    pieces = read_pieces("检查发现无证企业违法生产的，每家（次）扣0.5分；"
                         "有违反大气法相关规定，没有进行处罚的，每家（次）扣0.2分。每项最高扣1分。",
                         {"points": 0, "targets": {}, "pool": True})
    assert [(p.rule["amount"], p.rule["cap"]) for _, p in pieces] == [(0.5, 1), (0.2, 1)]
    assert all("每项最高扣1分" in t for t, _ in pieces)


def test_pattern_extra_deduction_001_7_1_2():
    """001 7(1)② 完成目标任务得3分，未完成不得分，另加扣2分。 → all_or_nothing with extra_deduction 2."""
    r = read("②…确保重点建设用地安全利用得到有效保障，完成目标任务得3分，未完成不得分，另加扣2分。", 3)
    assert r.rule == {"shape": "all_or_nothing", "event_kinds": ["task_completed"], "extra_deduction": 2}
    assert r.fields["overflow_to_total"] and r.status == grammar.PARSED


def test_pattern_late_submission_counts_rows_001_26():
    """001 26 未按市环委办…等要求报送材料的，每次扣0.2分 → per_quantity false (a late submission counts once,
    not by its days late)."""
    r = read("未按市环委办、市整改办、市大气办、市河（湖）长办等要求报送材料的，每次扣0.2分。")
    assert r.rule["per_quantity"] is False and r.rule["amount"] == 0.2


def test_pattern_amounts_by_class_001_bonus_1():
    """001 加分项 (1) 获中央、国家领导人批示肯定的，每有1次加2分；获自治区…批示肯定的，每有1次加1.5分；获市委…
    每有1次加1分 → severity_amounts by the class phrase, default amount the smallest; flagged (the class
    names must match the ledger's severity values)."""
    r = read("（1）生态环境保护工作或生态环境问题整改取得显著成效，"
             "获中央、国家领导人批示肯定的，每有1次加2分；"
             "获自治区党委、自治区人民政府主要领导批示肯定的，每有1次加1.5分；"
             "获市委、市人民政府主要领导批示肯定的，每有1次加1分。")
    assert r.rule["amount"] == 1
    assert list(r.rule["severity_amounts"].values()) == [2, 1.5, 1]
    assert "获中央、国家领导人批示肯定" in r.rule["severity_amounts"]
    assert r.status == grammar.GUESSED and "情形名取自原文" in r.reasons[0]


def test_pattern_amounts_by_class_per_time_001_bonus_6_4():
    """001 加分项 (6)④ 500元—1000元（含）1次加0.05分，1000元—2000元（含）1次加0.1分，1万以上1次加0.3分，
    最高加1分 → three classes (the cap is not a class), capped at 1."""
    r = read("④露天焚烧管理，对违反禁烧规定的行为进行罚款，500元—1000元（含）1次加0.05分，"
             "1000元—2000元（含）1次加0.1分，1万以上1次加0.3分，最高加1分。")
    assert r.rule["severity_amounts"] == {"500元—1000元(含)": 0.05, "1000元—2000元(含)": 0.1, "1万以上": 0.3}
    assert r.rule["amount"] == 0.05 and r.rule["cap"] == 1


def test_pattern_amounts_by_class_per_quantity_001_bonus_7_2():
    """001 加分项 (7)② 国控断面水质每提升一类加1分，区考断面水质每提升一类加0.5分。本项最高加2分 → classes
    国控/区考, each class step counted (每提升1类 → per_quantity)."""
    r = read("②辖区内地表水十四五考核断面水环境质量与上年度相比，国控断面水质每提升一类加1分，"
             "区考断面水质每提升一类加0.5分。本项最高加2分。")
    assert r.rule["per_quantity"] is True and r.rule["cap"] == 2 and r.rule["amount"] == 0.5
    assert sorted(r.rule["severity_amounts"].values()) == [0.5, 1]


def test_pattern_bonus_case_without_per_event_wording_001_bonus_2():
    """001 加分项 (2) …列为优秀经验全国推广的，每有1项加1.5分；…部委全国转发…的，每有1项加1分；
    获市委办或市政府办通报表扬的，每有1项加0.5分；…在全市起到引领示范作用的，加1分。 → four classes of
    one bonus (no cap between them), default the smallest."""
    r = read("（2）生态环境保护工作有关做法获国务院大督查（或同等级别相关工作）列为优秀经验全国推广的，"
             "每有1项加1.5分；获国家发展改革委、生态环境部等部委全国转发、授予荣誉称号、"
             "通报表扬或列入正面典型案例的，每有1项加1分；"
             "获市委办或市政府办通报表扬的，每有1项加0.5分；"
             "生态环境保护相关工作表现突出，在全市起到引领示范作用的，加1分。")
    assert r.rule["amount"] == 0.5
    assert sorted(r.rule["severity_amounts"].values()) == [0.5, 1, 1, 1.5]
    assert "在全市起到引领示范作用" in r.rule["severity_amounts"]


def test_bonuses_with_different_wording_are_not_classes_001_bonus_13():
    """加分项 (13) …每超过1篇（次）加0.1分…举办地的加0.2分: bonuses worded differently phrase to phrase are
    separate rules, not classes of one: no severity_amounts."""
    pieces = read_pieces("报道本辖区生态环境内容超过8篇（次）以上，每超过1篇（次）加0.1分，最多加0.8分；"
                         "被选为六五环境日全市主场活动举办地的加0.2分。",
                         {"points": 0, "targets": {}, "pool": True})
    assert [(p.rule["amount"], p.rule.get("cap")) for _, p in pieces] == [(0.1, 0.8), (0.2, None)]
    assert not any("severity_amounts" in p.rule for _, p in pieces)


def test_listed_cases_are_classes_of_one_deduction_001_12_1():
    """001 12(1) …得2分。违法违规破坏发生后未及时处置的按以下情形扣分，最高扣2分。
    ①…每起扣0.4分 … ④违法违规行为
    被国家或自治区督办的，每起扣0.8分 → one per_event item 12.1 (its 2 points, cap 2), the cases as
    severity_amounts, default the smallest; flagged (case names to match the ledger)."""
    from pipelines.scheme.draft.draft import Drafter, segment

    text = ("（1）开展“绿盾”行动，…整改到位，得2分。"
            "违法违规破坏发生后未及时处置的按以下情形扣分，最高扣2分。\n"
            "①30天内未到现场核查相关情况和上报的，每起扣0.4分。\n②达到行政处罚立案标准未在45天内立案的，每起扣0.4分。\n"
            "③达到刑事立案标准未在45天内移交的，每起扣0.4分。\n④违法违规行为被国家或自治区督办的，每起扣0.8分。")
    drafter = Drafter(seed="001")
    drafter.clause(segment(text), "12", "监管", "12", 4, False, [], {})
    items = {i["code"]: i for i in drafter.items}
    assert "12.1.1" not in items
    rule = items["12.1"]["rule"]
    assert (rule["shape"], rule["amount"], rule["cap"], items["12.1"]["points"]) == ("per_event", 0.4, 2, 2)
    assert list(rule["severity_amounts"].values()) == [0.4, 0.4, 0.4, 0.8]
    assert "①30天内未到现场核查相关情况和上报" in rule["severity_amounts"]
    assert items["12.1"]["needs_review"]


def test_listed_cases_with_other_rules_stay_apart_001_10():
    """001 10 未完成的按以下情形扣分，最高扣5分。（4）…每低于一个百分点扣0.5分 is a step,
    not a per-event case:
    the cases are kept as separate items and the lead is flagged as before."""
    from pipelines.scheme.draft.draft import Drafter, segment

    text = ("完成农村环境整治工作任务，得5分。未完成的按以下情形扣分，最高扣5分。\n"
            "（1） 完成…治理任务，每少完成1个行政村的治理任务扣1分。\n"
            "（2）完成农整专项资金项目建设和资金拨付目标要求。年底前项目资金拨付率达到95%，每低于一个百分点扣0.5分，最高扣2分。")
    drafter = Drafter(seed="001")
    drafter.clause(segment(text), "10", "农村环境整治", "10", 5, False, [], {})
    items = {i["code"]: i for i in drafter.items}
    assert "rule" not in items["10"] and "按以下情形扣分" in items["10"]["review_reason"]
    assert items["10.2"]["rule"]["shape"] == "step_shortfall"


def test_pattern_count_target_in_the_clause_001_17():
    """001 17 每年至少办理2件生态损害赔偿案件…。每少完成一件生态损害赔偿案件，扣1分。 → step_shortfall on the
    count from the printed target 2, capped at missing both (2 points)."""
    r = read("每年至少办理2件生态损害赔偿案件，并将案件办理情况于启动后20日内报送至市生态环境损害赔偿改革工作"
             "领导小组办公室（设在市生态环境局）。每少完成一件生态损害赔偿案件，扣1分。")
    assert r.rule == {"shape": "step_shortfall", "direction": "higher_is_better", "step": 1,
                      "amount_per_step": 1, "rounding": "up", "cap": 2}
    assert r.fields == {"measure": "ledger.count_done", "target": 2}


def test_pattern_count_target_named_in_another_clause_001_bonus_10():
    """001 加分项 (10) 完成生态环境损害赔偿案件办理目标任务，每超额办理一件加0.2分，最多加1分 —
    the target is the one indicator 17 (生态环境损害赔偿案件办理) prints; without such a named target
    it stays a per-event bonus
    (加分项 (8) 每超额完成1个行政村加0.2分)."""
    text = "（10）完成生态环境损害赔偿案件办理目标任务，每超额办理一件加0.2分，最多加1分。"
    r = read(text, count_targets={"生态环境损害赔偿案件办理": 2})
    assert r.rule == {"shape": "step_surplus", "direction": "higher_is_better", "step": 1,
                      "amount_per_step": 0.2, "rounding": "down", "cap": 1}
    assert r.fields == {"measure": "ledger.count_done", "target": 2}
    assert read(text).rule["shape"] == "per_event"


def test_pattern_escalation_001_5_10():
    """001 5(10) 同台锅炉第一次扣0.2分，第二次扣0.5分，第三次及以上扣1分。最多扣2分。"""
    r = read("整治完成的企业有返烧不成型生物质燃料情形或未规范使用治污设备的，同台锅炉第一次扣0.2分，"
             "第二次扣0.5分，第三次及以上扣1分。最多扣2分。")
    assert r.rule["escalation"] == [0.2, 0.5, 1] and r.rule["cap"] == 2


def test_pattern_escalation_with_another_case_001_5_10():
    """001 5(10) 检查发现，应当整治而没有整治的，每台扣1分；…同台锅炉第一次扣0.2分，第二次扣0.5分，
    第三次及以上扣1分。最多扣2分。 → the escalation, and the 1-point case as a severity class (flagged)."""
    r = read("检查发现，应当整治而没有整治的，每台扣1分；"
             "整治完成的企业有返烧不成型生物质燃料情形或未规范使用治污设备的，同台锅炉第一次扣0.2分，第二次扣0.5分，第三次及以上扣1分。最多扣2分。")
    assert r.rule["escalation"] == [0.2, 0.5, 1] and r.rule["amount"] == 0.2 and r.rule["cap"] == 2
    assert r.rule["severity_amounts"] == {"应当整治而没有整治": 1} and r.status == grammar.GUESSED


def test_pattern_failure_voids_the_item_001_8_2():
    """001 8(2) 生活垃圾填埋场存量渗滤液不超过…1/3标准的，且地下水质监测达到国家标准，得1分，
    超量或地下水不达标的该项不得分。 → per_event of the item's points, capped at them."""
    r = read("（2）生活垃圾填埋场存量渗滤液不超过调节池、应急池总库容1/3标准的，"
             "且地下水质监测达到国家标准，得1分，超量或地下水不达标的该项不得分。", 1)
    assert r.rule == {"shape": "per_event", "event_kinds": ["inspection_finding"], "amount": 1, "cap": 1}


def test_pattern_all_or_nothing_001_2_1_and_city_2_2_1():
    """001 2(1) 完成…得1分，未完成不得分; 2(2)① 桂林市完成…得1分，未完成各县（市、区）均不得分 → city."""
    assert read("完成自治区下达的淘汰落后产能和落后工艺装备目标任务，得1分，未完成不得分。", 1).rule == \
        {"shape": "all_or_nothing", "event_kinds": ["task_completed"]}
    rule = read("①桂林市完成自治区下达的年度考核指标，得1分，未完成各县（市、区）均不得分。", 1).rule
    assert rule["evaluate_on"] == "city"


def test_pattern_city_completion_waives_the_deductions_001_4():
    """001 4 完成主要污染物减排目标，得2分。桂林市完成自治区下达目标的，各县（市、区）均得2分。
    桂林市未完成自治区下达目标情况下，…每项扣0.5分；…扣0.5分。最高扣2分。 → 4.1 the city's all_or_nothing
    (0 points), 4.2 the county's deductions (the 2 points, cap 2) unless the city completed
    (unless_city_completed: 4.1)."""
    from pipelines.scheme.draft.draft import Drafter

    drafter = Drafter(seed="001")
    drafter.leaf("4", "控制污染物排放总量", "4",
                 "完成主要污染物减排目标，得2分。桂林市完成自治区下达目标的，各县（市、区）均得2分。"
                 "桂林市未完成自治区下达目标情况下，对各县（市、区）完成情况进行考核，挥发性有机物、氮氧化物、"
                 "化学需氧量、氨氮重点工程减排量未完成的，每项扣0.5分；重金属削减比例未达到目标值的，"
                 "对涉及的县（市、区）扣0.5分。最高扣2分。", 2, False, [], {})
    items = {i["code"]: i for i in drafter.items}
    assert items["4.1"]["rule"] == {"shape": "all_or_nothing", "event_kinds": ["task_completed"],
                                    "evaluate_on": "city"}
    assert items["4.1"]["points"] == 0 and items["4.1"]["charged_to"] == ["4.2"]
    assert items["4.2"]["points"] == 2
    assert items["4.2"]["rule"] == {"shape": "per_event", "event_kinds": ["inspection_finding"],
                                    "amount": 0.5, "cap": 2, "unless_city_completed": "4.1"}
    # the city's own pass/fail, without a deduction of the county's: a plain city all_or_nothing
    rule = read("①桂林市完成自治区下达的年度考核指标，得1分，未完成各县（市、区）均不得分。", 1).rule
    assert rule["evaluate_on"] == "city" and "unless_city_completed" not in rule


def test_pattern_points_for_no_event_go_with_the_deduction_001_5_2_1():
    """001 5(2)① 建立秸秆科学有序焚烧工作制度或方案…并报市大气办备案的，得1分；
    未发生因焚烧秸秆导致污染天气的，得2分。2024年度在实施有序焚烧中造成空气质量当天污染的，扣2分。
    → all_or_nothing (1 point) and a per_event deduction holding the 2 points of 未发生 (cap 2)."""
    pieces = read_pieces("①建立秸秆科学有序焚烧工作制度或方案、秸秆存量管理台账，"
                         "开展有组织焚烧并报市大气办备案的，得1分；未发生因焚烧秸秆导致污染天气的，得2分。"
                         "2024年度在实施有序焚烧中造成空气质量当天污染的，扣2分。",
                         {"points": 3, "targets": {}, "pool": False})
    assert [p.rule["shape"] for _, p in pieces] == ["all_or_nothing", "per_event"]
    assert pieces[1][1].rule["amount"] == 2 and pieces[1][1].rule["cap"] == 2
    assert pieces[1][0].startswith("未发生因焚烧秸秆导致污染天气的")


def test_pattern_split_rules_001_3_1():
    """001 3(1) …得1分，否则不得分。每发现一例…扣0.1分，最多扣1分 → two rules in one clause."""
    text = ("县级行政区用水总量、地下水用水总量均小于等于年度控制目标值的，得1分，否则不得分。"
            "每发现一例区域取用水统计台账取用水量与上报的相应取用水量数据不一致的，扣0.1分，最多扣1分。")
    pieces = read_pieces(text, {"points": 1, "targets": {}, "pool": False})
    assert [p.rule["shape"] for _, p in pieces] == ["all_or_nothing", "per_event"]
    assert pieces[1][1].rule["amount"] == 0.1 and pieces[1][1].rule["cap"] == 1


def test_pattern_proportional_with_floor_001_6_2_2():
    """001 6(2)② 未完成的按实际完成项目的比例计分，完成率低于80%的，该项不得分。"""
    r = read("②辖区内所有镇级污水处理设施正常运行，得2分。"
             "未完成的按实际完成项目的比例计分，完成率低于80%的，该项不得分。", 2)
    assert r.rule == {"shape": "proportional", "floor_pct": 80}


def test_pattern_once_voids_001_6_1_2():
    """001 6(1)② 集中式饮用水水源地水质达标率100%，得1分。超标一次不得分 → per_event of the 1 point."""
    r = read("②集中式饮用水水源地水质达标率100%，得1分。超标一次不得分。", 1)
    assert r.rule == {"shape": "per_event", "event_kinds": ["inspection_finding"], "amount": 1, "cap": 1}


def test_pattern_tiers_001_5_11_1_fireworks():
    """001 5(11)① PM2.5小时均值浓度高于75微克/立方米的，扣1分，高于115…扣2分，高于150…扣3分。"""
    r = read("①2025年1月28日（除夕）19点至29日初一6点PM2.5小时均值浓度高于75微克/立方米的，扣1分，"
             "高于115微克/立方米的，扣2分，高于150微克/立方米的，扣3分。")
    assert r.rule["tiers"] == [{"op": "gt", "value": 150, "points": -3},
                               {"op": "gt", "value": 115, "points": -2},
                               {"op": "gt", "value": 75, "points": -1}]
    assert r.fields["measure"] == "air.fireworks_pm2_5_mean"


def test_pattern_ranking_bottom_n_001_5_1_4():
    """001 5(1)④ 4项指标分别排名全区75个县区后10位的（含并列），每项指标扣0.3分，…后3位…扣0.6分
    （指标同比提升达到3%以上的，该项指标不扣分）→ guessed (the peer group must be defined)."""
    r = read("④全年优良天数比率，PM10、PM2.5年均浓度，年度综合指数4项指标分别排名全区75个县区"
             "后10位的（含并列），每项指标扣0.3分，分别排名后3位的（含并列），每项指标扣0.6分。"
             "（指标同比提升达到3%以上的，该项指标不扣分。）")
    assert r.rule["bottom"] == [{"n": 10, "points": 0.3}, {"n": 3, "points": 0.6}]
    assert r.rule["exempt_improvement_pct"] == 3 and r.rule["peer_group"] == "peers75"
    assert [i for i, _ in r.fields["indicators"]] == ["good_day_ratio", "pm10_annual_mean",
                                                     "pm2_5_annual_mean", "comprehensive_index"]
    assert r.status == grammar.GUESSED


def test_pattern_ranking_bottom_places_and_rank_change_001_6_5_4():
    """001 6(5)④ 辖区内国控断面2024年度水质指数排名倒数第一的扣3分，排名倒数第二的扣2分，排名倒数第三的扣1分；
    2024年度水质指数排名同比下降的，每下降1名扣0.3分，最高扣3分 → two rules: ranking bottom_n (places
    1, 2, 3 from the bottom) and ranking rank_change 0.3 capped 3; the peer group is not printed (guessed)."""
    pieces = read_pieces("④辖区内国控断面2024年度水质指数排名倒数第一的扣3分，排名倒数第二的扣2分，"
                         "排名倒数第三的扣1分；2024年度水质指数排名同比下降的，每下降1名扣0.3分，最高扣3分。",
                         {"points": 0, "targets": {}, "pool": True})
    first, second = (r for _, r in pieces)
    assert first.rule["mode"] == "bottom_n" and first.rule["indicator"] == "water_quality_index"
    assert first.rule["bottom"] == [{"n": 1, "points": 3}, {"n": 2, "points": 2}, {"n": 3, "points": 1}]
    assert second.rule["mode"] == "rank_change" and second.rule["per_place"] == 0.3
    assert second.rule["cap"] == 3
    assert second.rule["indicator"] == "water_quality_index"
    assert first.status == second.status == grammar.GUESSED


def test_pattern_rank_place_bonus_and_rank_change_001_bonus_7_1():
    """001 加分项 (7)① 辖区内国控断面2024年度水质指数排名全市第一的加3分，排名第二的加2分，排名第三的加1分；
    2024年度水质指数排名同比上年度排名上升的，每上升1名，加0.3分。本项最高加3分。 → per_event bonus whose
    classes are the places (第一 3, 第二 2, 第三 1) and a ranking rank_change bonus capped 3."""
    pieces = read_pieces("①辖区内国控断面2024年度水质指数排名全市第一的加3分，排名第二的加2分，"
                         "排名第三的加1分；"
                         "2024年度水质指数排名同比上年度排名上升的，每上升1名，加0.3分。本项最高加3分。",
                         {"points": 0, "targets": {}, "pool": True})
    places, change = (r for _, r in pieces)
    assert places.rule == {"shape": "per_event", "event_kinds": ["task_completed"], "amount": 1,
                           "severity_amounts": {"第一": 3, "第二": 2, "第三": 1}}
    assert change.rule["mode"] == "rank_change" and change.rule["per_place"] == 0.3
    assert change.rule["cap"] == 3
    groups = {g["code"]: g for g in draft_001(SEED_001)["groups"]}
    # 本项最高加3分: the cap of both rules together
    assert groups["B7.1"]["items"] == ["B7.1.1", "B7.1.2"] and groups["B7.1"]["bonus_cap"] == 3


def test_pattern_rank_place_classes_after_an_earned_bonus_001_bonus_9():
    """001 加分项 (9) 完成…目标任务，加0.3分；完成目标任务且…在全市17县（市、区）排名第一至三的再加0.2分，
    排名第四至六的再加0.1分，排名第七、八的加0.05分。 → a one-off bonus 0.3 and per-place classes."""
    pieces = read_pieces("（9）完成年度新增获得低碳产品认证证书数、新增绿色产品认证证书数、"
                         "新增森林认证证书目标任务，加0.3分；完成目标任务且新增获得上述三项认证证书总数"
                         "在全市17县（市、区）排名第一至三的再加0.2分，排名第四至六的再加0.1分，"
                         "排名第七、八的加0.05分。", {"points": 0, "targets": {}, "pool": True})
    once, places = (r for _, r in pieces)
    assert once.rule == {"shape": "per_event", "event_kinds": ["task_completed"], "amount": 0.3}
    assert places.rule["severity_amounts"] == {"第一至三": 0.2, "第四至六": 0.1, "第七、八": 0.05}
    assert places.rule["amount"] == 0.05 and places.status == grammar.GUESSED


def test_pattern_cap_run_into_the_next_rule_001_5_9_2():
    """001 5(9)② 应急期间，发现有露天焚烧现象的，在原扣分基础上每次加扣0.05分，最高扣2分
    发现仍未停止有组织焚烧的，发现一次扣1分，最高扣2分。 → two per_event rules out of the pool, each its
    own cap (the cap ends a rule
    even without a stop after it)."""
    pieces = read_pieces("②应急期间，发现有露天焚烧现象的，在原扣分基础上每次加扣0.05分，最高扣2分"
                         "发现仍未停止有组织焚烧的，发现一次扣1分，最高扣2分。",
                         {"points": 0, "targets": {}, "pool": True})
    assert [(p.rule["amount"], p.rule["cap"]) for _, p in pieces] == [(0.05, 2), (1, 2)]


def test_deductions_capped_at_the_item_points_stay_one_rule_001_6_5_2():
    """001 6(5)② 得2分。…每次每个断面扣0.5分，最高扣2分；…每次每个断面扣0.5分，最高扣2分 — caps equal to the
    item's 2 points score as one rule (as ziyuan_2024.yaml keeps it)."""
    pieces = read_pieces("②加强国控断面上游辖区内污染源管控和附近河面保洁，确保辖区内国控断面水质不下降，"
                         "得2分。在窑市国控断面上游辖区内发现新增大中型污染源或排污口的，该辖区每次每个断面"
                         "扣0.5分，最高扣2分；检查发现或群众举报，在国控断面附近河面确实存在大量漂浮垃圾的，"
                         "每次每个断面扣0.5分，最高扣2分。",
                         {"points": 2, "targets": {}, "pool": False})
    assert len(pieces) == 1 and pieces[0][1].rule["cap"] == 2


def test_pattern_one_off_bonus_after_a_capped_bonus_001_bonus_6_6():
    """001 加分项 (6)⑥ …每家加0.2分，最高加1分。积极推进区域性汽车维修集中喷涂中心建设，项目成功落地加2分。
    → two bonus rules: 0.2 per firm capped 1, and 2 once (no per-event wording)."""
    pieces = read_pieces("⑥发性有机物治理。本年度内，实施工业企业挥发性有机物（VOCs）治理项目且申报"
                         "总量减排项目得到认可的，每家加0.2分，最高加1分。积极推进区域性汽车维修集中喷涂"
                         "中心建设，项目成功落地加2分。",
                         {"points": 0, "targets": {}, "pool": True})
    assert [p.rule for _, p in pieces] == [
        {"shape": "per_event", "event_kinds": ["task_completed"], "amount": 0.2, "cap": 1},
        {"shape": "per_event", "event_kinds": ["task_completed"], "amount": 2}]


def test_pattern_bonus_with_a_bracketed_condition_001_bonus_7_3():
    """001 加分项 (7)③ …整治后水质指数对比整治前提升明显的（需得到市生态环境局认可），加3分；
    整治后…无明显提升的，不加分。 → per_event bonus 3."""
    r = read("③加大环保投入，2024年对辖区内国控断面上游及上游支流开展污染源整治并投入资金100万元以上"
             "（中央、自治区环保专项资金项目投入除外），整治后水质指数对比整治前提升明显的（需得到市生态环境局认可），"
             "加3分；整治后水质指数对比整治前无明显提升的，不加分。")
    assert r.rule == {"shape": "per_event", "event_kinds": ["task_completed"], "amount": 3}


def test_bonus_classes_with_the_cap_after_the_last_case_001_bonus_5():
    """001 加分项 (5) 获得国家部委开展试点工作的加1分；…每有1个加1分，…每有1个加0.5分；…每有一个加0.6分；…
    每有1个加0.2分。本项最高加1.5分。 → one per_event bonus, its cases classes (the cap stands after them)."""
    r = read("（5）获得国家部委开展试点工作的加1分；获得国家生态文明建设示范区或“绿水青山就是金山银山”"
             "实践创新基地命名的每有1个加1分，未获得命名但进入自治区推荐至生态环境部的候选申报名单的每有1个加0.5分；"
             "获得自治区生态文明建设示范区的，每有一个加0.6分；获得国家生态环境科普基地命名的，每有1个加0.5分；"
             "获得自治区百镇千村命名、获得自治区生态环境科普基地命名、获得生态环境教育实践基地命名、成功创建国际"
             "生态学校的，每有1个加0.2分。本项最高加1.5分。")
    assert r.rule["cap"] == 1.5 and r.rule["amount"] == 0.2
    assert sorted(r.rule["severity_amounts"].values()) == [0.2, 0.5, 0.5, 0.6, 1, 1]


def test_bonus_rule_in_a_base_indicator_is_a_bonus_item_001_24():
    """001 24 未完成的每家扣0.5分，最多扣2分；完成自治区下达的清洁生产目标任务后每自主超额完成1家
    加0.25分，最多加1分 → 24.1 deduction (off the total: 不设基础分) and 24.2 a bonus item (kind bonus,
    capped 1)."""
    items = {i["code"]: i for i in draft_001(SEED_001)["items"]}
    assert items["24.1"]["rule"]["amount"] == 0.5 and items["24.1"]["overflow_to_total"]
    assert items["24.2"]["kind"] == "bonus" and items["24.2"]["rule"]["cap"] == 1
    assert "overflow_to_total" not in items["24.2"]


def test_pattern_earned_points_part_by_part_001_22_3_and_19():
    """001 22(3) 开展环保设施向公众开放活动，得0.25分；开展…创建工作（三项中任何一项均可）得0.25分 → two
    all_or_nothing parts of 0.25; 19 …得0.6分，…得0.2分，…得0.2分 → three parts (nothing is deducted)."""
    ctx = {"points": 0.5, "targets": {}, "pool": False}
    pieces = read_pieces("（3）广泛动员社会参与。开展环保设施向公众开放活动，得0.25分；"
                         "开展国际生态学校生态环境教育实践基地、生态环境科普基地等创建工作"
                         "（三项中任何一项均可）得0.25分。", ctx)
    assert [p.rule for _, p in pieces] == [{"shape": "all_or_nothing", "event_kinds": ["task_completed"]}] * 2
    assert pieces[0][0].startswith("(3)广泛动员社会参与") and pieces[1][0].startswith("开展国际生态学校")
    items = {i["code"]: i for i in draft_001(SEED_001)["items"]}
    assert [items[c]["points"] for c in ("19.1", "19.2", "19.3", "22.3.1", "22.3.2")] == \
        [0.6, 0.2, 0.2, 0.25, 0.25]


def test_pattern_bonus_per_event_001_bonus_8():
    """001 加分项 (8) 每超额完成1个行政村加0.2分，最多加1分 → per_event bonus, per quantity."""
    r = read("（8）完成桂林市下达的年度农村生活污水治理任务，每超额完成1个行政村加0.2分，最多加1分。")
    assert r.rule == {"shape": "per_event", "event_kinds": ["task_completed"], "amount": 0.2, "cap": 1,
                      "per_quantity": True}


def test_pattern_station_outlier_001_5_1_5():
    """001 5(1)⑤ …每出现1天，扣该站点所在辖区1分，扣分不封顶。"""
    r = read("⑤当全市发生污染天时，单个国控站点日均值较高（高出其他站点平均值5%以上），"
             "拉高全市平均值，导致全市污染，则每出现1天，扣该站点所在辖区1分，扣分不封顶。")
    assert r.rule == {"shape": "station_outlier_days", "amount_per_day": 1}
    assert r.fields["overflow_to_total"] is True


def test_pattern_veto_001_21_2_inherited_by_its_cases():
    """001 21(2) 具有以下情形之一的，考核结果为“不合格”：①…④ → each case a veto 不合格."""
    root = segment("（2）具有以下情形之一的，考核结果为“不合格”：\n"
                   "①行政区域内发生重大级及以上突发环境事件。\n②在考核过程中弄虚作假，隐瞒事实真相的。")
    assert [c.number for c in root.children[0].children] == ["1", "2"]
    assert grammar.veto_of(normalize(root.children[0].text)).rule == {"shape": "veto", "grade": "不合格"}


def test_pattern_grade_cap_and_one_vote_veto_are_flagged():
    """不得评为优秀 → grade_cap 良好, 一票否决 → veto 不合格: both read with a guess (the grade names)."""
    cap = grammar.veto_of("发生重大环境污染事件的，年度考核不得评为优秀。")
    assert cap.rule == {"shape": "grade_cap", "max_grade": "良好"} and cap.status == grammar.GUESSED
    veto = grammar.veto_of("发生特别重大突发环境事件的，实行一票否决。")
    assert veto.rule["shape"] == "veto" and veto.status == grammar.GUESSED


def test_pattern_interpolation_guaranteed_and_striving_003_2_2():
    """003 二.2 达到力争目标值,得60分;达到确保目标值,得54分;…未达到确保目标值的,每差1个百分点扣2分
    (其中环境空气优良天数比例≥90%的部分,每差1个百分点扣1分) → anchors without values: flagged."""
    r = read("达到力争目标值,得60分;达到确保目标值,得54分;在确保值和力争值之间的,按比例得分;"
             "未达到确保目标值的,每差1个百分点扣2分(其中环境空气优良天数比例≥90%的部分,"
             "每差1个百分点扣1分),扣完为止。", 60)
    assert r.rule == {"shape": "interpolation", "anchors": [{"points": 54}, {"points": 60}],
                      "below_per_unit": 1, "below_floor_value": 90, "below_per_unit_under_floor": 2}
    assert r.status == grammar.GUESSED and "确保值" in r.reasons[0]


def test_pattern_interpolation_rate_003_1_4_1():
    """003 一.4(1) 达标率达到100%,得分10分;达标率低于90%的,得0分 → anchors 90 → 0, 100 → 10."""
    r = read("集中式饮用水源地水质达标率达到100%,得分10分;达标率低于90%的,得0分;90%标率低于地的,"
             "得分=10分(达标率-90%)÷÷%率。", 10)
    assert r.rule["anchors"] == [{"value": 90, "points": 0}, {"value": 100, "points": 10}]


def test_pattern_interpolation_around_target_003_2_3():
    """003 二.3 达到考核要求,得16分;…每改善1微克/立方米,加2分,加满为止;每增加1微克/立方米,扣3分,扣完为止."""
    r = read("达到考核要求,得16分;在考核目标的基础上每改善1微克/立方米,加2分,加满为止;"
             "每增加1微克/立方米,扣3分,扣完为止(不足1微克/立方米的,按比例加扣分)。", 20,
             name="PM10年均浓度达到年度考核要求")
    assert r.rule["anchors"] == [{"points": 20}, {"points": 16}, {"points": 0}]
    assert r.fields["measure"] == "air.pm10_annual_mean" and "T−2、T、T+5.3333" in r.reasons[0]


def test_pattern_threshold_003_2_4():
    """003 二.4 低于考核目标值得20分,高于考核目标值不得分 → any excess costs the 20 points."""
    r = read("低于考核目标值得20分,高于考核目标值不得分。", 20, name="降尘量达到年度考核考求")
    assert r.rule == {"shape": "step_shortfall", "direction": "lower_is_better", "step": 1,
                      "amount_per_step": 20, "cap": 20, "rounding": "up"}
    assert r.fields["measure"] == "air.dustfall_mean" and r.status == grammar.GUESSED


def test_pattern_monthly_waiver_003_1_1():
    """003 一.1 每月次分别扣5分;…劣Ⅴ类的,每月次10分,扣分扣完为止。…年均值达到年度目标的,月度扣分免扣。
    …升类的,每个断面加5分,加分不超过20分。"""
    r = read("“水十条”考核断面地表水考核断面部分月份水质不达标的,每月次分别扣5分;"
             "水质反弹为劣Ⅴ类的,每月次10分,扣分扣完为止。“水十条”考核断面年均值达到年度目标的,"
             "月度扣分免扣。“水十条”考核断面年均水质类别较上一年度升类的,每个断面加5分,"
             "加分不超过20分。", 100)
    assert r.rule == {"shape": "monthly_waiver", "per_month": 5, "per_worst_month": 10,
                      "per_class_improved": 5, "bonus_cap": 20, "cap": 100}
    assert r.status == grammar.GUESSED


def test_pattern_grade_points_003_1_2_1():
    """003 一.2(1) 五个等次,分别得基本分60、45、30、10和0分 → tiers on the grade number."""
    r = read("(1)等级评定得分:河道交接断面水质评定等级达到优秀、良好、合格、"
             "不合格但至少一项指标合格以上和所有指标不合格五个等次,分别得基本分60、45、30、10和0分。", 60)
    assert [t["points"] for t in r.rule["tiers"]] == [0, -15, -30, -50, -60]


def test_pattern_lateness_003_3_16_7_4():
    """003 三.16(7)④ 推迟30天扣50%分数,推迟1-30天按比例扣分,推迟30天以上扣80%分数 (tests/data/seeds)."""
    clause = yaml.safe_load((SEEDS / "003_sections_1_2.yaml").read_text(encoding="utf-8"))["lateness_clause"]
    r = read(clause, 5)
    assert r.rule == {"shape": "lateness", "within_days": 30, "within_share": 0.5, "beyond_share": 0.8}


def test_delegated_and_unreadable_clauses_are_flagged_001_12_2():
    """001 12(2) …得2分。考核具体内容、计分标准按照自治区考核市级的标准进行 → read as earned points
    but flagged (the rule lives in another document); the delegation alone → not parsed."""
    r = read("完成桂林市下达的松材线虫病疫情防控年度目标任务及林业有害生物成灾率指标，得2分。"
             "考核具体内容、计分标准按照自治区考核市级的标准进行。", 2)
    assert r.rule == {"shape": "all_or_nothing", "event_kinds": ["task_completed"]}
    assert r.status == grammar.GUESSED and "其他文件" in r.reasons[-1]
    r = read("考核具体内容、计分标准按照自治区考核市级的标准进行。")
    assert r.rule is None and r.status == grammar.UNPARSED and r.reasons


# ---------------------------------------------------------------- tables built from the seed text

def test_vendored_seed_001_is_the_seed_unchanged():
    """tests/data/seeds/001_….txt is seed 001 byte for byte (its sha256 is in that folder's README)."""
    import hashlib

    digest = hashlib.sha256(SEED_001.read_bytes()).hexdigest()
    assert digest in (SEEDS / "README.md").read_text(encoding="utf-8")


def seed_001_tables() -> list[list[list[str]]]:
    """Seed 001 as its two tables (the Word plain-text export the seed is)."""
    _, cells = _word_text_cells(SEED_001.read_text(encoding="utf-8"))
    return _chunk_cells(cells)


def write_docx(tables: list[list[list[str]]], path: Path, merge_columns: int = 3) -> Path:
    """A Word file: the title, each table (consecutive equal cells of the first columns merged
    vertically, as the printed table shows them), 「二、加分项」 between the tables."""
    import docx

    doc = docx.Document()
    doc.add_paragraph("2024年度资源县生态环境保护目标任务分解表")
    for n, rows in enumerate(tables):
        rows = [r for r in rows if r != ["二、加分项"]]
        if n:
            doc.add_paragraph("二、加分项")
        width = max(len(r) for r in rows)
        table = doc.add_table(rows=len(rows), cols=width)
        for r, row in enumerate(rows):
            for c in range(width):
                table.cell(r, c).text = row[c] if c < len(row) else ""
        for c in range(min(merge_columns, width)):
            r = 1
            while r < len(rows):
                end = r
                while end + 1 < len(rows) and rows[end + 1][c] == rows[r][c] and rows[r][c] \
                        and rows[end + 1][1] == rows[r][1]:
                    end += 1
                if end > r:
                    for k in range(r + 1, end + 1):
                        table.cell(k, c).text = ""
                    table.cell(r, c).merge(table.cell(end, c))
                r = end + 1
    doc.save(str(path))
    return path


def write_xlsx(rows: list[list[str]], path: Path, merge_columns: tuple[int, ...] = ()) -> Path:
    """An Excel sheet (a title row, then the table); equal consecutive cells of merge_columns merged."""
    import openpyxl
    from openpyxl.styles import Alignment

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["《XX市2020年度生态文明(“美丽XX”)建设目标责任书》任务分解表"])
    for row in rows:
        sheet.append(row)
    for c in merge_columns:
        r = 2
        while r <= len(rows) + 1:
            end = r
            while end + 1 <= len(rows) + 1 and sheet.cell(end + 1, c + 1).value == sheet.cell(r, c + 1).value:
                end += 1
            if end > r:
                for k in range(r + 1, end + 1):
                    sheet.cell(k, c + 1).value = None
                sheet.merge_cells(start_row=r, start_column=c + 1, end_row=end, end_column=c + 1)
            r = end + 1
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True)
    book.save(str(path))
    return path


def draft_001(path: Path) -> dict[str, Any]:
    return draft_scheme(read_document(path), "001", "ziyuan_2024", [{"code": "ziyuan", "name": "资源县"}])


@pytest.fixture(scope="module")
def docx_001(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_docx(seed_001_tables(), tmp_path_factory.mktemp("draft") / "资源县2024.docx")


def test_docx_merged_and_multi_line_cells_are_read_once(docx_001):
    """Seed 001 indicator 5 spans four rows (一级指标/二级指标/分值 merged): one indicator, its
    criteria from all four rows in order, multi-line cells kept."""
    doc = read_document(docx_001)
    assert doc.title == "2024年度资源县生态环境保护目标任务分解表"
    rows_5 = [r for r in doc.records if r.cells.get("indicator", "").startswith("5．")]
    assert len(rows_5) == 4 and all(r.cells["points"] == "16" for r in rows_5)
    assert "\n" in rows_5[0].cells["criteria"]
    assert [r.bonus for r in doc.records].count(True) == 3


def test_seed_001_agreement_with_ziyuan_2024(docx_001):
    """Seed 001 (as a .docx) drafted, compared item by item with data/raw/schemes/ziyuan_2024.yaml:
    153 of its 167 scorable items identical in shape and parameters (91.6 %, the goal ≥ 90 %) — the
    figure in docs/drafting.md. The 14 that differ (peer group sizes and the default amount of a class
    list the document does not print, 001 10's mixed cases, 加分 (3), and issue 32's readings of 13(1)
    and 7(2)①) are listed there."""
    draft = draft_001(docx_001)
    hand = yaml.safe_load((SCHEMES / "ziyuan_2024.yaml").read_text(encoding="utf-8"))
    figures = agreement(compare(draft, hand))
    assert (figures["same_rule"], figures["items"]) == AGREEMENT_001
    counts = summary(draft)
    # the clause grammar reads 10(4)'s 未完成扣1分 as a rule of its own (the regex reader dropped it),
    # no longer
    # flags 5(6)④, 5(7)②, 5(8)② (their second amount is a cap, not a class), and flags 14(1)/(2)'s 此项不计分
    # (not applicable: no rule shape for it yet) where the regex reader said nothing. The audit
    # (audit.py: an item goes out unflagged only when complete and consistent) flags three more, each
    # identical to the hand scheme but holding a number its rule does not: 5(1)⑤ 高出其他站点平均值5%
    # (the station_outlier_days measure fixes the 5 %), 24(1) (no points printed, its deductions off the
    # total unsaid) and 加分 (13) 超过8篇(次)以上 (the 8 the per-event bonus counts from); and 10(1), which
    # differed from the hand scheme unflagged, is flagged now (10 载明 5 分 over parts that deduct)
    assert counts == {"parsed": 122, "guessed": 52, "not_parsed": 0}


def test_seed_001_txt_reads_like_the_docx(docx_001):
    """The seed's own plain-text export (.txt) drafts the same items as the .docx built from it."""
    from_txt = draft_001(SEED_001)
    from_docx = draft_001(docx_001)
    assert [(i["code"], i.get("rule")) for i in from_txt["items"]] == \
        [(i["code"], i.get("rule")) for i in from_docx["items"]]


def test_seed_001_pools_and_bonus_cap(docx_001):
    """001 5 第（5）—（11）项不设基础分…从第（1）—（4）项得分中扣分; 二、加分项 加分上限不超过10分."""
    draft = draft_001(docx_001)
    items = {i["code"]: i for i in draft["items"]}
    assert items["5.5"]["charged_to"] == ["5.1", "5.2", "5.3", "5.4"] and items["5.5"]["points"] == 0
    assert items["6.5.4.1"]["charged_to"] == items["6.5.4.2"]["charged_to"] == ["6.5.1", "6.5.2", "6.5.3"]
    assert draft["scheme"]["bonus_cap"] == 10
    assert items["5.1.1"]["source"]["seed"] == "001" and items["5.1.1"]["source"]["item"] == "5(1)①"
    assert items["5.1.1"]["source"]["text"].startswith("①完成年度环境空气质量优良天数比率控制目标")
    assert "资源生态环境局" in items["5.1.1"]["responsible_units"]
    # 责任单位 cell「（1）县督效办（2）县委办、县政府办、资源生态环境局，各乡（镇）…」per clause
    assert items["1.1"]["responsible_units"] == ["县督效办"]
    assert items["1.2"]["responsible_units"] == ["县委办", "县政府办", "资源生态环境局", "各乡（镇）"]


def test_draft_with_review_items_is_refused_by_load_scheme(docx_001, tmp_path):
    """A draft still holding needs_review items is not a scheme: load_scheme (hence `scheme check`
    and every run) refuses it, naming the items and why."""
    path = tmp_path / "draft.yaml"
    dump(draft_001(docx_001), path)
    with pytest.raises(SchemeError, match=r"(?s)needs_review.*items/\d+ \(5\.1\.4\.1\): 排名"):
        load_scheme(path)


def test_a_single_flagged_item_is_enough_to_refuse(tmp_path):
    """ziyuan_2024.yaml with one item marked needs_review: true is refused; without it, it loads."""
    body = yaml.safe_load((SCHEMES / "ziyuan_2024.yaml").read_text(encoding="utf-8"))
    body["items"][1]["needs_review"] = True
    body["items"][1]["review_reason"] = "待确认"
    path = tmp_path / "ziyuan.yaml"
    path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(SchemeError, match=r"items/1 \(1\.1\): 待确认"):
        load_scheme(path)
    body["items"][1]["needs_review"] = False
    path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    assert load_scheme(path).code == "ziyuan_2024"


# ---------------------------------------------------------------- seed 003 (xlsx) and its answers

def rows_003() -> list[list[str]]:
    return yaml.safe_load((SEEDS / "003_sections_1_2.yaml").read_text(encoding="utf-8"))["rows"]


def draft_003(path: Path) -> dict[str, Any]:
    return draft_scheme(read_document(path), "003", "xxcity_2020",
                        [{"code": "jia", "name": "甲区"}, {"code": "yi", "name": "乙县"}], year=2020)


def answers_003() -> dict[str, Any]:
    return yaml.safe_load((SEEDS / "003_answers.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def xlsx_003(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Seed 003 sections 一 and 二 as an Excel sheet: 考核指标 / 牵头单位 / 责任单位 merged."""
    return write_xlsx(rows_003(), tmp_path_factory.mktemp("draft") / "xx.xlsx", merge_columns=(0, 4, 5))


def test_seed_003_xlsx_sections_and_numbering(xlsx_003):
    """003: numbering restarts in each section, so codes are section.number (一.1 → 1.1); the
    sections carry their 基本分; the merged 牵头/责任单位 cells reach every row."""
    draft = draft_003(xlsx_003)
    items = {i["code"]: i for i in draft["items"]}
    assert items["1"]["points"] == 200 and items["2"]["points"] == 200
    assert items["1.1"]["points"] == 100 and items["1.1"]["source"]["item"] == "一.1"
    assert items["2.4"]["responsible_units"] == ["区大气办", "区大气和土壤污染防治领导小组成员单位"]
    assert items["1.2.1"]["source"]["item"] == "一.2(1)"


def test_seed_003_agreement_before_and_after_answers(xlsx_003, tmp_path):
    """003 drafted: 2 of xxcity_2020.yaml's 11 scorable items identical (the rest need measures,
    sample targets and four clauses a person writes); with tests/data/seeds/003_answers.yaml the
    draft validates and 10 of 11 are identical (二.3 keeps 3 anchors where the hand wrote a 4th on
    the same line — same scores, see tests/test_scheme_draft_xxcity.py)."""
    draft = draft_003(xlsx_003)
    items = {i["code"]: i for i in draft["items"]}
    assert items["1.4.2"]["measure"] == "water.backup_drinking_water_attainment_rate"   # 备用水水源地
    hand = yaml.safe_load((SCHEMES / "xxcity_2020.yaml").read_text(encoding="utf-8"))
    before = agreement(compare(draft, hand))
    assert (before["same_rule"], before["items"]) == AGREEMENT_003_DRAFT
    resolved = apply_resolutions(draft, answers_003())
    after = agreement(compare(resolved, hand))
    assert (after["same_rule"], after["items"]) == AGREEMENT_003_RESOLVED
    path = tmp_path / "xxcity_2020.yaml"
    dump(resolved, path)
    assert load_scheme(path).code == "xxcity_2020"


def test_resolution_naming_an_unknown_item_is_an_error(xlsx_003):
    """An answers file must name drafted items: a typo is an error naming the code, not ignored."""
    with pytest.raises(ResolutionError, match="9.9"):
        apply_resolutions(draft_003(xlsx_003), {"items": {"9.9": {"target": 1}}})


# ---------------------------------------------------------------- seed 000 (lead / cooperating shares)

def test_seed_000_lead_and_cooperating_shares(tmp_path):
    """000 items 3, 4: 牵头部门 share from「(3.0分)」in its task, 配合分值 per cooperating row — the
    same shares as data/raw/schemes/fangchenggang_2022.yaml (unit codes drafted as u01…)."""
    data = yaml.safe_load((SEEDS / "000_items_3_4.yaml").read_text(encoding="utf-8"))
    rows = [data["header"]]
    for item in data["items"]:
        for name, task, share in item["coop"]:
            rows.append([item["number"], item["indicator"], item["lead"], item["task"], name, task, share,
                         "12月31日"])
    path = tmp_path / "000.txt"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, dialect="excel-tab").writerows(rows)
    draft = draft_scheme(read_document(path), "000", "fangchenggang_2022", [], year=2022)
    hand = yaml.safe_load((SCHEMES / "fangchenggang_2022.yaml").read_text(encoding="utf-8"))
    names_d = {u["code"]: u["name"] for u in draft["units"]}
    names_h = {u["code"]: u["name"] for u in hand["units"]}
    for code in ("3", "4"):
        mine = next(i for i in draft["items"] if i["code"] == code)
        theirs = next(i for i in hand["items"] if i["code"] == code)
        assert [(names_d[r["unit"]], r["role"], r["points"]) for r in mine["responsible"]] == \
            [(names_h[r["unit"]], r["role"], r["points"]) for r in theirs["responsible"]]
        assert mine["rule"] == theirs["rule"] and mine["points"] == theirs["points"]
        assert not mine.get("needs_review")
    assert "u01" in draft["scheme"]["review_reason"]          # generated unit codes: to be renamed


# ---------------------------------------------------------------- CLI

def test_cli_scheme_draft_writes_the_draft_and_prints_the_summary(docx_001, tmp_path, capsys):
    """`ecoscore scheme draft DOC.docx -o draft.yaml` prints parsed / guessed / not parsed and the
    flagged items; `--compare` prints the per-item comparison."""
    from pipelines.cli import main

    out = tmp_path / "draft.yaml"
    code = main(["scheme", "draft", str(docx_001), "-o", str(out), "--seed", "001", "--code", "ziyuan_2024",
                 "--unit", "ziyuan=资源县", "--compare", str(SCHEMES / "ziyuan_2024.yaml")])
    printed = capsys.readouterr().out
    assert code == 0 and out.exists()
    assert "已解析 122，推测（待确认）52，未能解析 0" in printed
    assert "5.1.4.1 (5(1)④): 排名" in printed
    assert "形状与参数一致 153 项（91.6%）" in printed
    assert "needs_review: true" in out.read_text(encoding="utf-8")


def test_cli_scheme_draft_with_answers_validates(xlsx_003, tmp_path, capsys):
    """003 with its answers file: nothing left to review, the draft passes scheme validation."""
    from pipelines.cli import main

    out = tmp_path / "xx.yaml"
    code = main(["scheme", "draft", str(xlsx_003), "-o", str(out), "--seed", "003", "--code", "xxcity_2020",
                 "--year", "2020", "--resolve", str(SEEDS / "003_answers.yaml")])
    printed = capsys.readouterr().out
    assert code == 0 and "仍待确认 0 处" in printed and "草稿已通过方案校验" in printed


def test_cli_scheme_draft_unknown_file_type_is_an_error(tmp_path, capsys):
    from pipelines.cli import main

    bad = tmp_path / "x.pdf"
    bad.write_text("x")
    assert main(["scheme", "draft", str(bad), "-o", str(tmp_path / "o.yaml")]) == 1
    assert "不支持的文件类型" in capsys.readouterr().out


def test_an_answers_file_with_a_repeated_key_is_refused_naming_both_lines(tmp_path: Path):
    """PyYAML would keep the last of two equal keys without a word: an answer a person wrote
    twice (the second one silently winning) is refused, as a scheme file is."""
    answers = tmp_path / "answers.yaml"
    answers.write_text("items:\n  \"1.1\":\n    points: 3\n    points: 30\n", encoding="utf-8")
    with pytest.raises(ResolutionError, match="第 4 行: 键 points 重复（第 3 行已有同名键）"):
        load_answers(answers)
