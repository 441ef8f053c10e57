"""The checks every drafted item passes before it goes out without a flag (pipelines/scheme/draft/audit.py)
and the sweep that leaves nothing of a document unread (coverage.py).

The cases are the drafter's own past errors: every item it emitted silently wrong in the blind
validation rounds 1–3 (tests/data/drafting/history/silent_wrong.yaml, drafted by the code of each
round's measurement) must come out of today's audit flagged, whatever its document's words — each
cause closed by a general check."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.scheme.draft.audit import audit, hedges, inconsistencies, quantities, unused_quantities
from pipelines.scheme.draft.draft import draft_file

HISTORY = Path(__file__).parent / "data" / "drafting" / "history" / "silent_wrong.yaml"
CASES = yaml.safe_load(HISTORY.read_text(encoding="utf-8"))["cases"]
# what today's audit says for each cause (any one of the words in its reason)
REASONS = {
    "points_not_read": ("分值为 0", "未被规则用上", "本项无分值", "所含条目合计"),
    "levels_read_as_tasks": ("所含条目合计",),
    "bonus_in_base": ("应为加分项",),
    "scoring_words_unread": ("未读入的评分用语",),
    "scored_by_another_document": ("另一文件",),
    "description_read_as_task": ("只说明考核什么",),
    "structure_misread": ("所含条目合计", "本项无分值"),
    "measured_rule_read_as_event": ("未被规则用上", "人工判断"),
}
ENTRIES = [(case, wrong) for case in CASES for wrong in case["silently_wrong"]]


def item(text: str, points: float, rule: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"code": "1", "name": "x", "points": points, "source": {"text": text}, **more}
    if rule is not None:
        out["rule"] = rule
    return out


def test_the_history_holds_every_silently_wrong_item_of_rounds_1_to_3():
    """36 items (rounds 1, 2, 3: 29, 4, 3 against today's expected files), every cause named."""
    rounds = [case["round"] for case, _ in ENTRIES]
    assert (rounds.count(1), rounds.count(2), rounds.count(3)) == (29, 4, 3)
    assert {wrong["cause"] for _, wrong in ENTRIES} == set(REASONS)


@pytest.mark.parametrize("case,wrong", ENTRIES,
                         ids=[f"r{c['round']}-{c['document']}-{w['code']}" for c, w in ENTRIES])
def test_every_silently_wrong_item_of_the_blind_rounds_is_flagged_by_the_audit(case, wrong):
    """Drafted as the code of its round drafted it, the item passes today's audit only flagged, with a
    reason of its cause's check."""
    body = {"items": copy.deepcopy(case["items"]), "groups": copy.deepcopy(case["groups"])}
    before = next(i for i in body["items"] if i["code"] == wrong["code"]).get("review_reason", "")
    audit(body)
    after = next(i for i in body["items"] if i["code"] == wrong["code"])
    assert after.get("needs_review"), wrong
    added = after["review_reason"][len(before):]
    assert any(word in added for word in REASONS[wrong["cause"]]), (wrong, added)


# ---------------------------------------------------------------- complete: every number held

def test_quantities_are_points_levels_counts_and_shares_not_dates_names_or_one():
    """「2018年7月底前」 and 「PM2.5」 and 「每发现1起」 hold no quantity; 3分, 95%, 3次以上 (a level to
    pass), 得100%分 (a share of the points) do."""
    found = [(kind, words) for _, kind, words in
             quantities("2018年7月底前完成PM2.5监测，每发现1起扣3分；达标率95%；超标3次以上的；达到100%的得100%分")]
    assert found == [("points", "3分"), ("measure", "95%"), ("count+", "3次"), ("measure", "100%"),
                     ("share", "100%分")]


def test_a_threshold_on_how_many_events_count_is_a_condition_per_event_does_not_hold():
    """「超标3次以上的扣5分」 read as 扣5分 each time: the 3 is not the rule's — flagged; 「每天洒水不低于
    6次…每少1次扣0.2分」 counts the missing ones: its 6 says what an event is — held (001 5(6)②)."""
    once = item("超标排放3次以上的，扣5分", 5,
                {"shape": "per_event", "event_kinds": ["x"], "amount": 5, "cap": 5})
    assert unused_quantities(once, []) == ["3次"]
    short = item("每天洒水不低于6次，检查发现未达到要求，每少1次扣0.2分", 2,
                 {"shape": "per_event", "event_kinds": ["x"], "amount": 0.2, "cap": 2})
    assert unused_quantities(short, []) == []


def test_a_task_done_holds_its_levels_but_not_points_it_does_not_add_up_to():
    """建成区污水处理率达80%以上 (all_or_nothing) says what done is; 得1分；…得1分 adds up to the item's 2
    (001 7(2)①); 得3分 under an item of 5 does not."""
    done = item("确保县城污水处理率达80%以上（10分）", 10, {"shape": "all_or_nothing"})
    assert unused_quantities(done, []) == []
    parts = item("落实自行监测，得1分；完成隐患排查，得1分。未完成不得分。", 2, {"shape": "all_or_nothing"})
    assert unused_quantities(parts, []) == []
    short = item("开展宣传活动，得3分", 5, {"shape": "all_or_nothing"})
    assert unused_quantities(short, []) == ["3分"]


def test_words_that_leave_the_rule_to_a_person_or_another_text():
    assert hedges("考核办法另行制定，原则上按季度评分") == ["另行", "原则上"]
    assert hedges("按要求完成整改，得2分") == []


# ---------------------------------------------------------------- consistent: rule against points

def test_amounts_and_caps_above_the_items_points_and_points_earned_on_nothing():
    per_event = {"shape": "per_event", "event_kinds": ["x"], "amount": 510, "cap": 510}
    assert inconsistencies(item("专项方案无针对性，扣510分", 15, per_event)) == [
        "每次扣 510 分，超过本项分值 15 分", "扣分上限 510 分，超过本项分值 15 分"]
    assert inconsistencies(item("建立农村环卫保洁机制并运行正常", 0, {"shape": "all_or_nothing"})) == [
        "完成得分的规则，但本项分值为 0：分值或未读到（如在另一行）"]


def test_sign_against_kind_and_deductions_off_the_total_nobody_asked_for():
    bonus_rule = {"shape": "per_event", "event_kinds": ["task_completed"], "amount": 2}
    assert "应为加分项" in "".join(inconsistencies(item("每实现1个断面升类的，加2分", 40, bonus_rule)))
    off = {"shape": "per_event", "event_kinds": ["x"], "amount": 2}
    assert "本项无分值" in "".join(inconsistencies(item("排水沟积存垃圾，每处扣2分", 0, off,
                                                          overflow_to_total=True)))
    # …unless the clause (or the item above it) says so, or the points are held above it
    assert inconsistencies(item("从总分中扣，每处扣2分", 0, off, overflow_to_total=True)) == []
    assert inconsistencies(item("每处扣2分", 0, off, overflow_to_total=True), pooled=True) == []


def test_totals_that_do_not_add_up_flag_what_was_worked_out_not_what_was_printed():
    """A section stated at 60 holding 50: a row missing or a fragment — the rows whose points were
    printed for them stay unflagged, a part whose points were worked out is flagged; holding more
    than stated flags everything under it."""
    rule = {"shape": "all_or_nothing"}
    under = {"items": [item("甲（30分）", 30, rule, code="1"), item("乙", 20, rule, code="2")],
             "_totals": [{"label": "二", "stated": 60, "sum": 50, "adds_up": False, "scope": "section",
                          "codes": ["1", "2"]}]}
    audit(under)
    assert [bool(i.get("needs_review")) for i in under["items"]] == [False, True]
    over = {"items": [item("甲（30分）", 30, rule, code="1"), item("乙（40分）", 40, rule, code="2")],
            "_totals": [{"label": "二", "stated": 60, "sum": 70, "adds_up": False, "scope": "section",
                         "codes": ["1", "2"]}]}
    audit(over)
    assert all(i.get("needs_review") for i in over["items"])


# ---------------------------------------------------------------- nothing missed

def test_scoring_words_in_a_column_no_reader_takes_flag_the_row(tmp_path):
    """备注 「逾期报送另扣1分」: the row's rule (a task) may not be all of it."""
    path = tmp_path / "notes.tsv"
    path.write_text("序号\t考核内容\t分值\t评分标准\t备注\n"
                    "1\t建立河长制工作台账\t5\t建立台账得5分，未建立不得分\t逾期报送另扣1分\n"
                    "2\t开展巡河\t5\t每少巡河1次扣1分\t\n", encoding="utf-8")
    items = {i["code"]: i for i in draft_file(path, "notes", "notes", [], year=2024)["items"]}
    assert items["1"].get("needs_review") and "备注" in items["1"]["review_reason"]
    assert not items["2"].get("needs_review")


def test_scoring_text_outside_the_table_becomes_a_flagged_item(tmp_path):
    """Deductions printed under a table (prose no table reader takes): each quoted by a flagged item
    (X1…), none read silently."""
    path = tmp_path / "after.txt"
    path.write_text("某镇河长制考核评分表\n序号  考核内容    分值  评分标准\n"
                    "1     开展巡河    5     每少巡河1次扣1分\n"
                    "2     建立台账    5     未建立台账不得分\n\n"
                    "另：被市级通报批评的，从总分中扣3分；被省级通报的，扣5分。\n", encoding="utf-8")
    body = draft_file(path, "after", "after", [], year=2024)
    quoting = [i for i in body["items"] if "通报" in i["source"]["text"]]
    assert quoting and all(i.get("needs_review") for i in quoting)


def test_scores_standing_alone_in_cells_are_read_with_the_text_before_them(tmp_path):
    """A deduction list kept one cell a line, its scores signed (-3/项, -2分): no table reader takes it,
    and nothing of it is lost — each row a flagged item quoting its text and its score."""
    path = tmp_path / "signed.txt"
    path.write_text("某区排污单位环境管理扣分标准\n一级指标\n二级指标\n扣分\n环境管理\n未落实排污许可\n-3/项\n"
                    "未建立环境管理台账\n-2分\n", encoding="utf-8")
    body = draft_file(path, "signed", "signed", [], year=2024)
    texts = [i["source"]["text"] for i in body["items"]]
    assert any("未落实排污许可" in t and "-3/项" in t for t in texts)
    assert any("未建立环境管理台账" in t and "-2分" in t for t in texts)
    assert all(i.get("needs_review") for i in body["items"])


def test_a_table_whose_points_are_bare_numbers_under_a_points_header_is_never_refused(tmp_path):
    """Cells between | over several lines (a page index's copy of an HTML table), points bare numbers
    under 分值 and no scoring word: every cell of text reaches a person, grouped up to its points."""
    path = tmp_path / "bare.txt"
    path.write_text("| \n\t 考核项目 | \n\t 分值 | \n\t 考核内容 | \n"
                    "| \n\t 制度建设 | \n\t 15 | \n\t 建立河湖巡查制度 | \n"
                    "| \n\t 队伍建设 | \n\t 10 | \n\t 配齐河道保洁员 | \n", encoding="utf-8")
    body = draft_file(path, "bare", "bare", [], year=2024)
    texts = " ".join(i["source"]["text"] for i in body["items"])
    assert "建立河湖巡查制度" in texts and "配齐河道保洁员" in texts
    assert all(i.get("needs_review") for i in body["items"])


def test_a_scoring_phrase_cut_by_a_line_break_is_read_over_the_break(tmp_path):
    """A PDF's text breaks 「…方案得」 / 「1 分,否则不得分.」: the task and its points are one sentence."""
    path = tmp_path / "broken.txt"
    path.write_text("某市考核细则\n序号  考核内容    分值  评分标准\n"
                    "1     开展巡河    5     每少巡河1次扣1分\n\n"
                    "另:制定年度工作方案得\n1 分,否则不得分.\n", encoding="utf-8")
    body = draft_file(path, "broken", "broken", [], year=2024)
    quoting = [i for i in body["items"] if "年度工作方案得" in i["source"]["text"].replace(" ", "")]
    assert quoting and all(i.get("needs_review") for i in quoting)
