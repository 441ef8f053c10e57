"""The checks every drafted item passes before it goes out without a flag (pipelines/scheme/draft/audit.py)
and the sweep that leaves nothing of a document unread (coverage.py).

The cases are the drafter's own past errors: every item it emitted silently wrong in the blind
validation rounds 1–7 (tests/data/drafting/history/silent_wrong.yaml, drafted by the code of each
round's measurement) must come out of today's audit flagged, whatever its document's words — each
cause closed by a general check (or, for a reader's error, by the reader: its document drafted today
holds the item right or flagged)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.scheme.draft.audit import (
    audit,
    hedges,
    inconsistencies,
    quantities,
    reading_doubts,
    task_doubts,
    unused_quantities,
)
from pipelines.scheme.draft.draft import draft_file
from pipelines.scheme.draft.evaluate import FLAGGED, RIGHT, evaluate

CORPUS = Path(__file__).parent / "data" / "drafting"
HISTORY = CORPUS / "history" / "silent_wrong.yaml"
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
    # rounds 4–6
    "garbled_copy": ("乱码",),
    "heading_read_as_task": ("只有所考核内容的标题和分值",),
    "split_in_the_wrong_place": ("上一部分的分值",),
    "exception_to_all_or_nothing": ("不扣分的例外",),
    "charged_to_a_doubtful_part": ("扣分计入的条目",),
    "counting_unit_unread": ("未被规则用上",),
    "completed_by_a_clause_below": ("下文另有承接本条的评分",),
    "opens_on_the_clause_before": ("承接上文",),
    "title_closing_the_clause": ("另一标题及其分值",),
    "points_apart_from_their_rules": ("分值与扣分标准分列两处",),
    # round 7
    "indicator_named_with_points": ("所测指标的名称和分值", "全文只有指标名称和分值"),
}
# causes closed by a reader change: the draft no longer holds the item as the round drafted it
READER_CAUSES = {"points_run_into_next_number", "points_cell_after_its_clause"}
ENTRIES = [(case, wrong) for case in CASES for wrong in case["silently_wrong"]
           if wrong["cause"] not in READER_CAUSES]
READER_ENTRIES = [(case, wrong) for case in CASES for wrong in case["silently_wrong"]
                  if wrong["cause"] in READER_CAUSES]


def item(text: str, points: float, rule: dict[str, Any] | None = None, **more: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"code": "1", "name": "x", "points": points, "source": {"text": text}, **more}
    if rule is not None:
        out["rule"] = rule
    return out


def test_the_history_holds_every_silently_wrong_item_of_rounds_1_to_7():
    """72 items against today's expected files: rounds 1, 2, 3 29, 4, 3; rounds 4, 5, 6, 7 7, 13, 2, 10
    (round 4's 8 counted two expected items quoting one draft item, xidian R2.3), every cause named."""
    rounds = [case["round"] for case, _ in ENTRIES + READER_ENTRIES]
    assert [rounds.count(r) for r in (1, 2, 3, 4, 5, 6, 7)] == [29, 4, 3, 7, 13, 2, 10]
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


@pytest.mark.parametrize("case,wrong", READER_ENTRIES,
                         ids=[f"r{c['round']}-{c['document']}-{w['code']}" for c, w in READER_ENTRIES])
def test_every_silently_wrong_item_a_reader_misread_is_read_right_or_flagged_today(case, wrong):
    """xidian_village_garbage (round 4): 「…每发现1处扣0.5分。33…」 — the points cell run into the next
    row's number (3 and row 3, drafted as 33); the reader now splits them
    (test_points_run_into_the_next_rows_number_are_split_from_it). rural_env_rectification_cells
    (round 7): each wrapped line a paragraph and each row's points after its clause — 经费保障到位 drafted
    with the next row's 4 points and a fragment of its clause; the reader now joins the lines and reads
    the points after the clause (test_lines_cut_at_one_width_are_joined_and_points_close_their_clause).
    Every expected item the wrong item quoted is right or flagged in today's draft."""
    want = yaml.safe_load((CORPUS / "expected" / f"{case['document']}.yaml").read_text(encoding="utf-8"))
    body = draft_file(CORPUS / "docs" / want["document"], case["document"], "corpus", [], year=2024)
    result = evaluate(body, want, case["document"])
    wrong_item = next(i for i in case["items"] if i["code"] == wrong["code"])
    drafted = wrong_item["source"]["text"] + "\n" + wrong_item["name"]     # a fragment's row: its name
    quoted = [r for r in result.items if _bare(r.quote) in _bare(drafted)]
    assert quoted and all(r.status in (RIGHT, FLAGGED) for r in quoted), quoted


def _bare(text: str) -> str:
    return "".join(text.split())


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
    under = {"items": [item("甲（30分）", 30, rule, code="1"), item("乙，未完成不得分", 20, rule, code="2")],
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


# ---------------------------------------------------------------- rounds 4 and 5: their silent errors
# Each check below closes a cause of an item rounds 4 and 5 (opened for development) drafted silently
# wrong or left out; the texts are written for the check, their documents named.

AON = {"shape": "all_or_nothing", "event_kinds": ["task_completed"]}


def test_a_clause_opening_on_the_one_before_it_flags_itself_and_the_awards_it_refers_to():
    """township_sewage_project 施工安全检查评定(2分): 「1.…合格…得2分。2.不符合以上要求，每发生1次投诉扣
    0.5分」 — the award is not the whole rule; the part opening on 以上 is not a rule of its own."""
    body = {"items": [
        item("开展安全培训，得1分", 1, AON, code="1"),
        item("施工安全检查评定等级合格及以上，得2分。", 2, AON, code="2"),
        item("不符合以上要求，每发生1次投诉扣0.5分", 0,
             {"shape": "per_event", "event_kinds": ["x"], "amount": 0.5}, code="3")]}
    audit(body)
    flagged = {i["code"]: i.get("review_reason", "") for i in body["items"] if i.get("needs_review")}
    assert "承接上文" in flagged["3"]
    assert "下文另有承接本条的评分" in flagged["2"] and "下文另有承接本条的评分" in flagged["1"]


def test_a_part_opening_on_the_points_of_the_part_before_it_is_a_split_in_the_wrong_place():
    """village_living_environment 巷道 row: 「…每发现一处扣1分,共计5分。未硬化巷道…」 split after 扣1分."""
    rule = {"shape": "per_event", "event_kinds": ["x"], "amount": 1, "cap": 5}
    split_late = item("共计5分。未硬化巷道不平整的，每发现1处扣1分", 5, rule)
    assert "上一部分的分值" in "".join(reading_doubts(split_late))
    assert reading_doubts(item("未硬化巷道不平整的，每发现1处扣1分，共计5分。", 5, rule)) == []


def test_garbage_in_a_copy_flags_the_clause():
    """xidian_village_garbage: 「…污水横流,每发31从ECSAS34公共投放区…」 — two rows run together
    through a copy's garbage: the clause is not to be trusted as read."""
    rule = {"shape": "per_event", "event_kinds": ["x"], "amount": 0.5, "cap": 3}
    garbled = item("污水横流,每发31从ECSAS34公共投放区满溢。每发现1处扣0.5分。", 3, rule)
    assert "乱码" in "".join(reading_doubts(garbled))
    assert reading_doubts(item("VOCs治理不到位，PM2.5浓度上升的，每处扣0.5分", 3, rule)) == []


def test_a_heading_of_what_is_assessed_with_its_points_is_no_task():
    """town_forest_fire_part 「(四)队伍建设情况(15分)」 read as an all-or-nothing task of 15 points;
    a task named with its points (「成立河长制工作领导小组（1分）」) is one."""
    assert "只有所考核内容的标题和分值" in "".join(task_doubts(item("队伍建设情况(15分)", 15, AON)))
    assert task_doubts(item("成立河长制工作领导小组（1分）", 1, AON)) == []


def test_a_part_charged_to_a_flagged_part_of_its_row_is_flagged_with_it():
    """lvliang_farmland 耕地占补平衡(10分): 「…得10分…未完成任务的按比例扣分」 — the proportional part
    charged to the 10 points stands or falls with their reading; a deduction charged to another row's
    points does not (seed 001 12(3))."""
    body = {"items": [
        item("耕地占补平衡", 10, None, code="4"),
        item("足额开垦耕地(含折算面积)，得10分", 10, AON, code="4.1"),
        item("未完成任务的按比例扣分", 0, {"shape": "proportional"}, code="4.2", charged_to=["4.1"],
             overflow_to_total=True, measure="ledger.completion_pct")]}
    audit(body)
    flagged = {i["code"]: i.get("review_reason", "") for i in body["items"] if i.get("needs_review")}
    assert "4.1" in flagged and "扣分计入的条目（4.1）待核对" in flagged["4.2"]


def test_a_proportional_rule_on_no_points_is_flagged_even_under_a_section():
    rule = {"shape": "proportional"}
    assert "按比例或分档计分的规则，但本项分值为 0" in "".join(
        inconsistencies(item("未完成的按比例扣分", 0, rule), pooled=True))


def test_the_size_of_the_unit_a_rule_counts_in_is_a_condition_it_must_hold():
    """lvliang_farmland 「超额部分每增加500亩加1分」: per 500 亩, not per 亩 — a per-event bonus
    without the 500 leaves it out."""
    bonus = {"shape": "per_event", "event_kinds": ["task_completed"], "amount": 1}
    assert "500亩" in "".join(unused_quantities(item("超额部分每增加500亩加1分", 0, bonus, kind="bonus"), []))


def test_a_title_and_its_points_closing_a_clause_and_an_exception_to_all_or_nothing():
    """township_sewage_project: 「…发生通报,不得分。应急管理(3分)」 (the next item's heading read as
    this one's points); an all-or-nothing whose clause names a case that costs nothing (可不扣分)."""
    doubts = "".join(reading_doubts(item("发生通报,不得分。应急管理(3分)", 3, AON)))
    assert "另一标题及其分值" in doubts
    excused = item("按期完成整改得5分；因不可抗力延误的，可不扣分", 5, AON)
    assert "不扣分的例外" in "".join(reading_doubts(excused))


def test_points_run_into_the_next_rows_number_are_split_from_it(tmp_path):
    """xidian_village_garbage: a table run together, 序号 before the points — 「…扣0.5分。33主要…」 is
    3 points, then row 3 (the digits end on the number the next row must have)."""
    path = tmp_path / "glued.txt"
    path.write_text("某镇村庄环境卫生考核评分表序号评分细则标准分值"
                    "1主要道路有垃圾堆积,每发现1处扣0.5分。42绿化带内有白色垃圾,每发现1处扣0.5分。"
                    "33建筑外立面有乱涂乱贴的,每发现1处扣0.5分。34公共投放区垃圾桶满溢,每发现1处扣1分。5\n",
                    encoding="utf-8")
    body = draft_file(path, "glued", "glued", [], year=2024)
    points = {i["source"]["text"][:4]: i["points"] for i in body["items"] if "rule" in i}
    assert points.get("绿化带内") == 3 and points.get("建筑外立") == 3 and points.get("公共投放") == 5


def test_an_outline_item_closing_on_its_points_after_a_long_clause_is_an_item(tmp_path):
    """town_forest_fire_part 「3、各村(社区)要对应急分队建档造册,…必须固定联系20名在家群众。…集结到位。
    (3分)」: its points are where the clause ends, not in its first words — the row is not lost."""
    path = tmp_path / "outline.txt"
    path.write_text("某镇森林防灭火考核细则\n(一)队伍建设情况(4分)\n"
                    "1、本防火年度各村级应急扑火队要进行一次安全扑火培训。(1分)\n"
                    "2、各村(社区)要对应急分队建档造册,每个村干部是应急分队小组长,必须固定联系20名在家群众。"
                    "一旦发生火灾,各村应急扑火队确保30分钟内队伍集结到位。(3分)\n", encoding="utf-8")
    body = draft_file(path, "outline", "outline", [], year=2024)
    quoting = [i for i in body["items"] if "固定联系20名在家群众" in i["source"]["text"] and i["points"] == 3]
    assert quoting and not any(i["code"].startswith("X") for i in body["items"])


def test_a_section_total_no_item_is_read_under_is_reported_not_reconciled(tmp_path):
    """county_sanitation_cells: 「社区」「(50分)」 one cell a line, its rows not read as its items — the
    total is reported as not checked (the draft cannot tell which items it covers), never passed over."""
    path = tmp_path / "cells.txt"
    path.write_text("某县城乡环境卫生考核评分标准\n\n社区\n\n(50分)\n\n早上7:30前完成第一次普扫。\n\n(25分)\n\n"
                    "(1)未按时完成普扫,每条路扣2分;\n\n(2)存在卫生死角,每处扣3分。\n", encoding="utf-8")
    body = draft_file(path, "cells", "cells", [], year=2024)
    assert any(t["label"] == "社区" and not t["adds_up"] and t.get("unchecked") for t in body["_totals"])
    assert "合计未能核对" in body["scheme"]["review_reason"]


def test_a_table_whose_cells_each_open_a_line_with_a_bar_is_read_as_a_table(tmp_path):
    """energy_county_scorecard / hubei_env_responsibility (a law site's text of an HTML table): each
    cell opens a line with |, each row ends on a line that is only |."""
    path = tmp_path / "led.txt"
    path.write_text("某县节能目标责任评价考核计分表\n序号\n| 考核指标\n| 分值\n| 评分标准\n|\n"
                    "1\n| 节能目标完成情况\n| 40\n| 完成得40分，未完成不得分\n|\n"
                    "2\n| 节能工作组织领导\n| 5\n| 建立领导小组得5分\n|\n"
                    "3\n| 节能目标分解落实\n| 5\n| 每少分解1个单位扣1分\n|\n", encoding="utf-8")
    body = draft_file(path, "led", "led", [], year=2024)
    points = {i["name"]: i["points"] for i in body["items"] if "rule" in i}
    assert points.get("节能目标完成情况") == 40 and points.get("节能目标分解落实") == 5


# ---------------------------------------------------------------- round 6: its silent errors

def test_a_title_with_points_beside_unpointed_deductions_under_its_heading_is_no_task():
    """town_animal_epidemic 二 1 「专业大户实行「一对一」监管(60分)」 and 二 2 「免疫密度(40分)」 (round 6,
    drafted 1.1 and 2.1): the points are printed in 二、计分标准, the deductions in 三、扣分标准
    (「未落实专业户监管人员的一户扣5分」) — the title and its points are no all-or-nothing task of 60
    points. A task beside a deduction with points of its own, or a task with words of its own, stays
    a task."""
    deduction = {"shape": "per_event", "event_kinds": ["inspection_finding"], "amount": 5}
    body = {"items": [
        item("专业大户实行「一对一」监管", 60, None, code="1"),
        item("专业大户实行「一对一」监管(60分)", 60, AON, code="1.1"),
        item("未落实专业户监管人员的一户扣5分", 0, deduction, code="1.2", overflow_to_total=True)]}
    audit(body)
    assert "分值与扣分标准分列两处" in body["items"][1].get("review_reason", "")
    tasks = {"items": [
        item("河长制", 3, None, code="2"),
        item("成立河长制工作领导小组（1分）", 1, AON, code="2.1"),
        item("每少巡河1次扣1分（2分）", 2, dict(deduction, amount=1, cap=2), code="2.2"),
        item("制定年度工作方案，得1分", 1, AON, code="3.1"),
        item("未落实的一户扣5分", 0, deduction, code="3.2", overflow_to_total=True)]}
    audit(tasks)
    assert not any("分值与扣分标准分列两处" in i.get("review_reason", "") for i in tasks["items"])


# ---------------------------------------------------------------- rounds 4–6: totals and readings
# Found while looking at why rounds 4 and 5 have stated totals the draft did not find
# (docs/drafting.md); the texts are written for the reading, their documents named.

def test_an_outline_item_scored_with_any_word_for_earning_is_a_row_with_its_points(tmp_path):
    """zhejiang_farmland (四) 2.–4.: 「…核准，记2分。」 — 记 is the vocabulary's word for earning like 得:
    the line is a scoring row (not swept into X items), its points the 2 it earns; the section's (20分)
    is then checked against its rows. 合计10分 is a sum, not points earned."""
    path = tmp_path / "outline.txt"
    path.write_text("某省耕地保护考核办法\n(四)积极开展标准农田建设。(4分)\n"
                    "1、基本农田示范区建设方案已编制，并经省国土资源厅核准，记2分。\n"
                    "2、1-2个乡镇的先行试点工作已完成，经过市级验收，记2分。\n", encoding="utf-8")
    body = draft_file(path, "outline", "outline", [], year=2024)
    rows = {i["source"]["text"][:6]: i for i in body["items"] if "rule" in i}
    assert rows["基本农田示范"]["points"] == 2 and not rows["基本农田示范"].get("needs_review")
    assert rows["1-2个乡镇"]["points"] == 2, "1-2个 is a range of a count, not of points"
    assert not any(i["code"].startswith("X") for i in body["items"])
    assert any(t["stated"] == 4 and t["adds_up"] for t in body["_totals"])
    from pipelines.scheme.draft.draft import EARNED
    assert EARNED.findall("合计10分，记2分，共计4分，均得1分") == ["2"]


def test_a_scoring_word_in_quotes_is_read_as_the_word_not_as_a_grade():
    """village_forest_fire 「出现下列情况之一的,予以“一票否决”」: the quotes are emphasis — a veto read
    (and flagged for its grade), not a grade named 一票否决 left unread under an unflagged deduction;
    「考核结果为“不合格”」 still names a grade (001 21(2))."""
    from pipelines.scheme.draft import grammar
    assert grammar.veto_of("出现下列情况之一的，予以“一票否决”。").rule["shape"] == "veto"
    graded = grammar.veto_of("具有以下情形之一的，考核结果为“不合格”：")
    assert graded.rule == {"shape": "veto", "grade": "不合格"}


def test_numbering_that_starts_again_makes_two_items_not_one_rows_parts(tmp_path):
    """village_forest_fire: 护林防火 1.～5., then 安全生产考核细则 1、打非治违工作(30分) — the second 1 is a
    new part's first row, not a second row of 1 (a container 1 of 20 + 30 points would be a total the
    document never stated)."""
    path = tmp_path / "two_parts.txt"
    path.write_text("护林防火工作考核细则\n\n1.网格化管理制度完善,设立检查站的,计20分;\n\n"
                    "2.防火期内无野外用火案件,计20分,每发现一起扣20分;\n\n安全生产考核细则\n\n"
                    "1、打非治违工作(30分)。出现安全生产非法违法行为没有及时制止的,此项不得分。\n",
                    encoding="utf-8")
    body = draft_file(path, "two_parts", "two_parts", [], year=2024)
    assert not any(t.get("scope") == "item" and t["stated"] == 50 for t in body["_totals"])
    assert sorted(i["points"] for i in body["items"] if "." not in i["code"]) == [20, 20, 30]


def test_parts_of_one_clause_at_two_levels_of_government_are_flagged(tmp_path):
    """zhejiang_farmland (四) 3.: 「市级已建立示范区建设领导小组，记0.5分，示范区所在县(市、区)已建立
    示范区建设领导小组，记0.5分」 — which of the two the assessed unit answers for is not said."""
    path = tmp_path / "levels.txt"
    path.write_text("某省耕地保护考核办法\n(四)示范区建设。(1分)\n"
                    "1、市级已建立示范区建设领导小组，记0.5分，示范区所在县(市、区)已建立示范区建设领导小组，"
                    "记0.5分。\n", encoding="utf-8")
    body = draft_file(path, "levels", "levels", [], year=2024)
    parts = [i for i in body["items"] if "rule" in i]
    assert len(parts) == 2 and all("不同层级" in i.get("review_reason", "") for i in parts)


def test_the_scorer_pairs_a_documents_section_mark_with_the_drafts_code():
    """lvliang_farmland 「(五)专项资金的收缴使用(10分)」: the draft checks it as item 5 (5 + 5); the
    expected file names it (五). Two totals of the same points are told apart by the mark."""
    from pipelines.scheme.draft.evaluate import evaluate
    draft = {"items": [], "_totals": [
        {"label": "4", "stated": 10, "sum": 10, "adds_up": True, "scope": "item"},
        {"label": "5", "stated": 10, "sum": 10, "adds_up": True, "scope": "item"}]}
    result = evaluate(draft, {"items": [], "totals": [{"label": "(五)", "points": 10, "adds_up": True}]})
    assert result.totals_checked == 1 and result.totals_wrong == []
    result = evaluate(draft, {"items": [], "totals": [{"label": "(六)", "points": 10, "adds_up": True}]})
    assert result.totals_wrong == ["(六): 草稿未核对此合计"]


def test_merged_cells_a_copy_ran_into_a_row_are_totals_over_their_rows(tmp_path):
    """xidian_village_garbage: 「…农村村庄环境卫生考核评分45分村庄环境公共区域18分1主要道路…」 and
    「…厕所12分7公共厕所…」 — the 类别 and 检查内容 cells over the rows, with their points, run into the
    row's text before its number: each is a total over its rows (厕所 12 = 3 + 9), the outer over the
    inner ones; the row's clause is its own text."""
    path = tmp_path / "glued.txt"
    path.write_text("某镇村庄环境卫生考核评分表类别检查内容序号评分细则标准分值"
                    "村庄环境考核评分12分公共区域6分1主要道路有垃圾堆积,每发现1处扣0.5分。22绿化带内有白色垃圾,"
                    "每发现1处扣0.5分。23建筑外立面有乱涂乱贴的,每发现1处扣0.5分。2厕所6分4公共厕所设施损坏的,"
                    "每发现1处扣1分。35露天粪缸,每发现1处扣3分。3\n", encoding="utf-8")
    body = draft_file(path, "glued", "glued", [], year=2024)
    totals = {t["label"][-4:]: (t["stated"], t["adds_up"])
              for t in body["_totals"] if t["scope"] == "section"}
    assert totals.get("公共区域") == (6, True) and totals.get("厕所") == (6, True)
    assert totals.get("考核评分") == (12, True)
    toilets = next(i for i in body["items"] if "公共厕所设施损坏" in i["source"]["text"])
    assert "厕所6分" not in toilets["source"]["text"] and toilets["points"] == 3
    assert not any(i["code"].startswith("X") for i in body["items"])


def test_a_document_total_beside_its_word_is_reported_when_the_draft_cannot_check_it(tmp_path):
    """longtian_2013_village_sanitation: 「…可视范围墙体无商业广告。5合计100龙田镇…」 in a sheet no reader
    takes — the 合计 100 is reported as not checked (the draft cannot tell which items it covers), never
    passed over; 共计5分，扣完为止 is a part's cap, not the document's total."""
    path = tmp_path / "sheet.txt"
    path.write_text("某镇乡村环境卫生检查评比公示栏\n杂物、农具堆码整齐。5做到不占道,垃圾及时收集。5未规范不得分"
                    "可视范围墙体无商业广告。5合计100某镇评比人员:每发现一处扣1分,共计5分,扣完为止。\n",
                    encoding="utf-8")
    body = draft_file(path, "sheet", "sheet", [], year=2024)
    stated = [t for t in body["_totals"] if t.get("unchecked") and t["scope"] == "document"]
    assert [(t["label"], t["stated"]) for t in stated] == [("合计", 100)]
    assert "合计未能核对" in body["scheme"]["review_reason"]


def test_rows_numbered_like_the_sections_that_are_items_keep_codes_of_their_own(tmp_path):
    """A document listing its parts and their points first (「三、考核办法 … (一)…共计20分; (二)…共计30分」)
    and then the parts with their items (「四、考核内容 (一)… 1、…(10分)」): the parts of 四 are items 1 and
    2 with their rows 1.1, 1.2 …; the list's rows, numbered 1, 2, 3 by the reader, must not take the
    same codes (every item its own code: `scheme check` and the ledgers key on it). Written for the
    invariant after round 7's blind measurement (its documents' items not looked at)."""
    path = tmp_path / "parts.txt"
    path.write_text("某市河道管理工作考核办法(试行)\n一、考核办法\n考核内容分为以下3个方面;\n"
                    "(一)河道保洁工作情况,共计20分;\n(二)河道巡查制度情况,共计30分;\n(三)河道整治工作情况,共计50分。\n"
                    "二、考核内容\n(一)河道保洁工作情况,共20分。\n1、各河段保洁员是否按要求落实;(10分)\n"
                    "2、是否明确各级河段保洁职责。(10分)\n(二)河道巡查制度情况,共30分。\n"
                    "1、是否成立巡查工作领导小组;(10分)\n2、是否建立各项巡查制度;(20分)\n", encoding="utf-8")
    body = draft_file(path, "parts", "parts", [], year=2024)
    codes = [i["code"] for i in body["items"]]
    assert len(codes) == len(set(codes)), codes
    assert {"1.1", "1.2", "2.1", "2.2"} <= set(codes)


# ---------------------------------------------------------------- round 7: its silent errors and misses
# Each check below closes a cause of an item round 7 (opened for development) drafted silently wrong or
# left out; the texts are written for the check, their documents named.

def test_lines_cut_at_one_width_are_joined_and_points_close_their_clause(tmp_path):
    """rural_env_rectification_cells (round 7, 经费保障到位 drafted with the next row's points): a copy
    keeping each wrapped line of a cell as a paragraph, each row's clause before its points cell
    (「1、成立…每缺」「一项扣0.5分」「1」「10分」): the lines cut at the document's width are one cell again,
    a points cell closes the clause before it, and a second points cell right after the first (10分) is
    the merged 项目 cell's total, not a row."""
    cut = ["某市农村环境综合整治管理考核标准及评分细则", "序号项", "考核标准", "具体", "分值", "项目",
           "分值", "扣分得分", "1 队",
           "1、成立农村环境综合整治领导机构,确", "定专人负责,制定具体实施方案,每缺", "一项扣0.5分", "1",
           "10分",
           "2、经费保障到位。镇街、村居有专项的", "农村保洁经费,查看文件、预算及相关",
           "财务报表和收据。资金未落实扣2分;", "资金配额不足扣1分。", "4",
           "3、管理制度健全。有日常保洁管理制度", "和检查考核评比制度,管理制度查阅资", "料。缺少一项扣1分。",
           "2"]
    path = tmp_path / "cut.txt"
    path.write_text("\n\n".join(cut) + "\n", encoding="utf-8")
    body = draft_file(path, "cut", "cut", [], year=2024)
    rows = {i["source"]["text"][2:8]: i for i in body["items"] if "rule" in i}
    first = rows["成立农村环境"]
    assert first["points"] == 1 and "每缺一项扣0.5分" in first["source"]["text"]
    funds = rows["经费保障到位"]
    assert funds["points"] == 4 and "资金配额不足扣1分" in funds["source"]["text"]
    assert rows["管理制度健全"]["points"] == 2
    assert not any(i["points"] == 10 and "rule" in i for i in body["items"])


def _cut(paragraph: str, width: int) -> list[str]:
    """A paragraph as a copy cut at one width keeps it: lines of at most `width` columns (CJK two)."""
    from pipelines.scheme.draft.layouts import _width
    lines, line = [], ""
    for ch in paragraph:
        if _width(line + ch) > width:
            lines.append(line)
            line = ""
        line += ch
    return lines + [line]


def test_a_sentence_a_line_break_cut_is_quoted_whole_by_the_sweep(tmp_path):
    """zhejiang_small_town_counties (round 7, four items missed): cells run together, no layout known,
    each paragraph cut at the copy's width (「…列入对乡镇的年度目标」「责任制考核的,得1.5分。」): the lines
    are joined before the document is read, so the item a person is shown quotes the whole sentence."""
    paragraphs = ["1.5县(市、区)将小城镇环境综合整治行动列入对乡镇的年度目标责任制考核的,得1.5分。",
                  "1.53.1主要领导挂帅的得0.5分,非主要领导挂帅的得0.1分,无领导挂帅的不得分;3.2成立小城镇环境综合"
                  "整治行动领导小组及其办公室的得0.5分,未成立的不得分;3.3各成员部门分工明确的得0.5分,分工不明确的不"
                  "得分。",
                  "25.1制定小城镇环境综合整治行动方案的得0.5分,未制定的不得分,制定并组织落实的,得0.5分;5.2制定小城"
                  "镇环境综合整治行动年度工作计划的得0.5分,未制定的不得分,制定并组织落实的,得0.5分。"]
    path = tmp_path / "wrapped.txt"
    path.write_text("某省小城镇环境综合整治行动县市区考核计分表\n"
                    + "\n\n".join("\n".join(_cut(p, 58)) for p in paragraphs) + "\n", encoding="utf-8")
    texts = [_bare(i["source"]["text"]) for i in draft_file(path, "w", "w", [], year=2024)["items"]]
    for quote in ("列入对乡镇的年度目标责任制考核的,得1.5分",
                  "成立小城镇环境综合整治行动领导小组及其办公室的得0.5分",
                  "制定小城镇环境综合整治行动年度工作计划的得0.5分"):
        assert any(quote in t for t in texts), quote


def test_lines_that_end_where_their_text_ends_are_kept_apart():
    """An outline or a table of cells whose lines end on a stop, a bracket or a short word keeps its
    lines: only a copy cut at one width (five lines or more, a quarter of them) is joined."""
    from pipelines.scheme.draft.layouts import unwrap
    outline = "某县考核细则\n一、组织领导(10分)\n1、成立领导小组，得5分。\n2、制定工作方案，得5分。\n"
    assert unwrap(outline) == outline
    cells = "某表\n\n序号\n\n考核内容\n\n分值\n\n1\n\n建立台账\n\n5\n"
    assert unwrap(cells) == cells


def test_a_measures_name_with_its_points_is_no_task():
    """guangdong_env_responsibility_index (round 7, eight items): 「集中式饮用水源地水质达标率(6分)」
    「城市环境空气质量(18分)」 name what is measured — a rate or a quality whose target and scoring are not
    printed (vocabulary.yaml `indicator_names`), not a task done for its points; a task named with its
    points keeps its reading (shicheng 「制定景区污染防治方案（10分）」)."""
    assert "所测指标的名称和分值" in "".join(task_doubts(item("集中式饮用水源地水质达标率(6分)", 6, AON)))
    assert "所测指标的名称和分值" in "".join(task_doubts(item("城市环境空气质量(18分)", 18, AON)))
    assert task_doubts(item("制定景区污染防治方案（10分）", 10, AON)) == []


def test_an_index_of_indicators_and_weights_says_nothing_of_how_they_score():
    """guangdong_env_responsibility_index: 「五、主要污染物总量减排任务(15分)」「六、重金属污染综合防治(8分)」
    — in a draft where no clause holds a scoring word (the document lists indicators and their points
    only), a title and its points are flagged; beside clauses that score, a task named with its points
    stays a task."""
    index = {"items": [item("主要污染物总量减排任务(15分)", 15, AON, code="5"),
                       item("重金属污染综合防治(8分)", 8, AON, code="6")]}
    audit(index)
    assert all("全文只有指标名称和分值" in i.get("review_reason", "") for i in index["items"])
    scored = {"items": [item("重金属污染综合防治(8分)", 8, AON, code="6"),
                        item("每少巡河1次扣1分（2分）", 2,
                             {"shape": "per_event", "event_kinds": ["x"], "amount": 1, "cap": 2}, code="7")]}
    audit(scored)
    assert not scored["items"][0].get("needs_review")


def test_a_heading_whose_clause_says_what_is_checked_after_doubled_stops_is_no_task():
    """forest_farm_management (round 7, (三) read as a 30-point task): 「森林管护站运行和一线管护人员管理
    情况(30分)。。检查管护站运行和护林员的管理。」 — the copy doubled the stop; the clause still only says
    what is checked."""
    heading = "森林管护站运行和一线管护人员管理情况(30分)。。检查管护站运行和护林员的管理。"
    doubts = "".join(task_doubts(item(heading, 30, AON)))
    assert "只说明考核什么" in doubts


def test_a_sections_points_written_in_words_are_its_total(tmp_path):
    """arxan_grid_supervision (round 7, its two stated totals not checked): 「(一)网格化环境监管工作安排
    部署情况,共20分。」 over 1、…(10分) and 2、…(10分) — 共20分 closing a heading is the section's points,
    checked against its rows; the same heading listed before with 共计20分 and nothing under it is flagged
    as a title with its points, not read as a 20-point task."""
    path = tmp_path / "words.txt"
    path.write_text("某市环境监管网格化管理工作考核办法\n三、考核办法\n(一)网格安排部署情况,共计20分;\n"
                    "(二)网格体系建立情况,共计30分。\n四、考核内容\n(一)网格安排部署情况,共20分。\n"
                    "1、各网格责任人按要求落实,未落实的每个扣2分;(10分)\n2、明确各级网格职责,未明确的不得分。(10分)\n"
                    "(二)网格体系建立情况,共30分。\n1、成立网格化工作领导小组,未成立的不得分;(10分)\n"
                    "2、建立巡查制度,每缺一项扣5分;(20分)\n", encoding="utf-8")
    body = draft_file(path, "words", "words", [], year=2024)
    totals = {(t["stated"], t["adds_up"]) for t in body["_totals"] if not t.get("unchecked")}
    assert {(20, True), (30, True)} <= totals
    listed = [i for i in body["items"] if i["source"]["text"].endswith(("共计20分;", "共计30分。"))]
    assert listed and all(i.get("needs_review") for i in listed if "rule" in i)


def test_an_unnumbered_category_on_its_own_line_heads_the_numbered_items_after_it(tmp_path):
    """guangdong_env_responsibility_index (round 7, its two stated totals not checked, 「污染控制指标(40分)」
    read as the end of 四's title): a category and its points alone on a line, between numbered
    headings, heads those after it — its total checked against them, no item's text."""
    path = tmp_path / "index.txt"
    path.write_text("某省环境保护责任考核指标体系\n环境质量指标(20分)\n一、城市空气质量优良天数比例(12分)\n"
                    "二、集中式饮用水源地水质达标率(8分)\n污染控制指标(15分)\n三、主要污染物总量减排任务(10分)\n"
                    "四、危险废物处置率(5分)\n", encoding="utf-8")
    body = draft_file(path, "index", "index", [], year=2024)
    totals = {t["label"]: (t["stated"], t["adds_up"]) for t in body["_totals"]}
    assert any("环境质量指标" in k and v == (20, True) for k, v in totals.items()), totals
    assert any("污染控制指标" in k and v == (15, True) for k, v in totals.items()), totals
    assert not any("污染控制指标" in i["source"]["text"] for i in body["items"] if "rule" in i)


def test_a_column_of_what_is_assessed_is_found_by_what_it_holds(tmp_path):
    """A header naming the column of what is assessed in words of its own (「考核验收内容」), rows of `|`:
    the first column before the points holding short names, not numbers or clauses, is that column —
    every row's item has its name and quotes it (no item without its source text: `scheme check` and a
    person need it). Written for the invariant after round 8's blind measurement (the corpus test that
    every item quotes its text failed on one of its documents; its items not looked at)."""
    path = tmp_path / "pipes.txt"
    path.write_text("某省农村改厕工作评分标准\n考核验收内容 | 分值 | 评审要点 | 得分 |\n"
                    "1.行政推动 | 10 | 查相关文件 1.2项:到位率每下降10%扣2分,低于80%不得分。 | |\n"
                    "1.1政府召开会议部署任务 | 5 | |\n1.2到位率达100% | 5 | |\n"
                    "2.机构建设 | 10 | 查相关文件 2.2项:无工作经费扣3分,未列入年度预算,扣2分。 | |\n"
                    "2.1有专职人员 | 5 | |\n2.2有工作经费 | 5 | |\n", encoding="utf-8")
    items = draft_file(path, "pipes", "pipes", [], year=2024)["items"]
    assert all(i["source"]["text"].strip() for i in items)
    names = " ".join(i["name"] for i in items)
    assert "政府召开会议部署任务" in names and "有工作经费" in names
