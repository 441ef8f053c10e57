"""`ecoscore scheme draft` on published scoring tables it was not built on (tests/data/drafting):
every document of the corpus is drafted and scored item by item against its hand-written expected file
(right / flagged / silently wrong / missed, evaluate.py); the readers each layout needs, the grammar's
rules named by what they mean, the totals a document states and the report a draft prints — each
shown on the corpus document that needed it.

The development set's figures are pinned (nothing silently wrong, nothing missed); the validation set
(split.yaml: never tuned on) is held to the figures docs/drafting.md reports — a change that makes it
worse fails here, a change that makes it better is reported there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from pipelines.scheme.draft import grammar
from pipelines.scheme.draft.draft import draft_file, draft_scheme, read_pieces
from pipelines.scheme.draft.evaluate import MISSED, RIGHT, SILENT, evaluate, figures
from pipelines.scheme.draft.output import summary_text
from pipelines.scheme.draft.tables import TableError, read_document

CORPUS = Path(__file__).parent / "data" / "drafting"
SPLIT = yaml.safe_load((CORPUS / "split.yaml").read_text(encoding="utf-8"))
# the validation set's figures as docs/drafting.md reports them (never tuned on): not to get worse
# (round 8, measured blind once: 28 items, silently wrong 0, missed 8)
VALIDATION_REPORTED = {"items": 28, SILENT: 0, MISSED: 8}
# the rounds opened for development after they were measured (4–7) and those before (0–3)
FIRST_ROUNDS = [n for r in (0, 1, 2, 3) for n in SPLIT["rounds"][r]]
LATER_ROUNDS = [n for r in (4, 5, 6, 7) for n in SPLIT["rounds"][r]]


def expected(name: str) -> dict[str, Any]:
    return yaml.safe_load((CORPUS / "expected" / f"{name}.yaml").read_text(encoding="utf-8"))


def draft(name: str) -> dict[str, Any]:
    return draft_file(CORPUS / "docs" / expected(name)["document"], name, "corpus", [], year=2024)


@pytest.fixture(scope="module")
def drafts() -> dict[str, dict[str, Any] | None]:
    """Every corpus document drafted once (None: the reader refused it, with a TableError)."""
    out: dict[str, dict[str, Any] | None] = {}
    for name in SPLIT["dev"] + SPLIT["validation"]:
        try:
            out[name] = draft(name)
        except TableError:
            out[name] = None
    return out


def score(drafts: dict[str, Any], names: list[str]) -> dict[str, float | int]:
    return figures([evaluate(drafts[n] or {"items": []}, expected(n), n) for n in names])


# ---------------------------------------------------------------- the corpus and its two sets

def test_corpus_has_its_documents_provenance_and_a_split_written_down():
    """At least 12 documents, each with an expected file naming its source and what was kept; the
    validation set has at least four and shares none with the development set."""
    names = SPLIT["dev"] + SPLIT["validation"]
    assert len(names) >= 12 and len(SPLIT["validation"]) >= 4
    assert not set(SPLIT["dev"]) & set(SPLIT["validation"])
    for name in names:
        want = expected(name)
        assert (CORPUS / "docs" / want["document"]).exists(), name
        assert want["provenance"]["source"] and want["provenance"]["kept"], name
        assert want["items"], name


def test_development_set_nothing_silently_wrong_nothing_missed(drafts):
    """The documents the reader and grammar were built on: every item right or flagged. Rounds 0–3:
    70 % right, every stated total reported as it is; rounds 4–7 (opened after their blind
    measurement): a quarter right, and no stated total said to add up when it does not (some are not
    found at all: docs/drafting.md)."""
    assert sorted(FIRST_ROUNDS + LATER_ROUNDS) == sorted(SPLIT["dev"])
    f = score(drafts, SPLIT["dev"])
    assert f[SILENT] == 0 and f[MISSED] == 0, f
    first = score(drafts, FIRST_ROUNDS)
    assert first["right %"] >= 70 and first["totals wrong"] == 0, first
    assert score(drafts, LATER_ROUNDS)["right %"] >= 25
    for name in LATER_ROUNDS:
        result = evaluate(drafts[name] or {"items": []}, expected(name), name)
        assert not [t for t in result.totals_wrong if "认为相符" in t], (name, result.totals_wrong)


def test_validation_set_no_worse_than_reported(drafts):
    """Never tuned on: its figures are what docs/drafting.md reports, or better."""
    f = score(drafts, SPLIT["validation"])
    assert f["items"] == VALIDATION_REPORTED["items"]
    assert f[SILENT] <= VALIDATION_REPORTED.get(SILENT, f["items"]), f
    assert f[MISSED] <= VALIDATION_REPORTED.get(MISSED, f["items"]), f


def test_every_draft_passes_the_item_shape_the_schema_accepts(drafts):
    """What a draft holds is what the scheme schema accepts: every rule has a known shape, every item
    its points and its source text."""
    shapes = {"all_or_nothing", "per_event", "step_shortfall", "step_surplus", "interpolation", "tiers",
              "proportional", "ranking", "lateness", "monthly_waiver", "station_outlier_days", "veto",
              "grade_cap"}
    for name, body in drafts.items():
        codes = [i["code"] for i in (body or {"items": []})["items"]]
        assert len(codes) == len(set(codes)), name             # every item its own code
        for item in (body or {"items": []})["items"]:
            assert isinstance(item["points"], int | float), (name, item["code"])
            assert item["source"]["text"], (name, item["code"])
            if "rule" in item:
                assert item["rule"]["shape"] in shapes, (name, item["code"])


# ---------------------------------------------------------------- readers: a table by what it holds

def test_html_department_column_under_a_two_column_header(drafts):
    """石城 departments: 考核项目 spans two columns, the second names the department each row assesses;
    a department's three rows under one number are three items of that department."""
    body = drafts["shicheng_2018_departments"]
    units = {u["code"]: u["name"] for u in body["units"]}
    nongliang = [i for i in body["items"] if [units.get(c) for c in i.get("units", [])] == ["县农粮局"]
                 and "rule" in i]
    assert len(nongliang) >= 6
    result = evaluate(body, expected("shicheng_2018_departments"))
    assert result.count(SILENT) == 0 and result.count(RIGHT) >= 100


def test_tab_separated_table_with_an_empty_first_cell_is_a_table():
    """A merged 责任单位 cell copied as text leaves the rows below it an empty first cell: still a
    table (not Word's one-cell-per-line export), the department carried down; 附加分 in that column
    makes the rows below bonuses, each capped at its points."""
    doc = read_document(CORPUS / "docs" / "district_river_departments.tsv")
    rows = [r for r in doc.records if r.kind == "row"]
    assert [r.cells["units"] for r in rows[:3]] == ["区环保局", "区环保局", "区综合行政执法局区"]
    assert rows[-1].bonus and not rows[-1].cells["units"]
    body = draft_scheme(doc, "t", "t", [], 2024)
    bonus = [i for i in body["items"] if i.get("kind") == "bonus"]
    assert [(i["points"], i["rule"].get("cap")) for i in bonus] == [(0, 5), (0, 5)]


def test_table_run_together_on_one_line():
    """绍兴: 「序号重点工作分值评分标准1生态公益林建设管理8 补偿资金落实(4分)。…」 — the header words
    in order, a row at each next number followed by its name and points."""
    doc = read_document(CORPUS / "docs" / "shaoxing_2010_forestry.txt")
    rows = [r for r in doc.records if r.kind == "row"]
    assert [(r.cells["number"], r.cells["indicator"], r.cells["points"]) for r in rows] == [
        ("1", "生态公益林建设管理", "8"), ("2", "兴林富民建设", "10")]


def test_parts_titled_with_their_points_are_items_of_their_own(drafts):
    """「补偿资金落实(4分)。… 公益林保护管理(4分)。…」 in one cell: two parts of 4, adding up to the
    row's 8."""
    body = drafts["shaoxing_2010_forestry"]
    parts = [i for i in body["items"] if i["code"] in ("1.1", "1.2")]
    assert [i["points"] for i in parts] == [4, 4]
    totals = {t["label"]: t for t in body["_totals"]}
    assert totals["1"]["adds_up"] and not totals["2"]["adds_up"]      # 2: a fragment, 8 of 10 kept


@pytest.mark.parametrize("name, form", [
    ("shicheng_2018_township", None), ("town_sanitation_boxed", "boxed"), ("anhui_env_targets", "pipes"),
    ("zhoushan_2021_water", "cells"), ("liyang_2020_straw", "outline"), ("district_river_departments", "tsv"),
    ("shaoxing_2010_forestry", "glued")])
def test_each_layout_is_read(name, form):
    doc = read_document(CORPUS / "docs" / expected(name)["document"])
    assert doc.form == (form or doc.form)
    assert any(r.kind == "row" for r in doc.records)


def test_real_merged_cells_in_docx_and_xlsx_read_like_the_text_table(tmp_path):
    """The department table of district_river_departments as Word and Excel files with the 责任单位
    cells really merged: the same items, points, rules and departments as its tab-separated copy."""
    from tests.test_scheme_draft import write_docx, write_xlsx

    rows = [line.split("\t") for line in
            (CORPUS / "docs" / "district_river_departments.tsv").read_text(encoding="utf-8").splitlines()]
    filled, last = [], ""
    for row in rows:
        last = row[0] or last
        filled.append([last, *row[1:]])
    docx = write_docx([filled], tmp_path / "district.docx", merge_columns=1)
    xlsx = write_xlsx(filled, tmp_path / "district.xlsx", merge_columns=(0,))

    def items(path: Path) -> list[tuple[Any, ...]]:
        body = draft_file(path, "t", "t", [], 2024)
        return [(i["points"], i.get("kind"), (i.get("rule") or {}).get("shape"),
                 tuple(i.get("responsible_units", []))) for i in body["items"]]

    text = items(CORPUS / "docs" / "district_river_departments.tsv")
    assert items(docx) == text
    assert items(xlsx) == text


def test_space_aligned_text_reads_like_the_tab_separated_table(tmp_path):
    """district_river_departments printed as a plain-text export aligns it: columns padded with spaces
    (a CJK character two columns wide), a merged 责任单位 cell left blank, clauses wrapped onto
    indented lines — the same items as the tab-separated copy."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    rows = [line.split("\t") for line in
            (CORPUS / "docs" / "district_river_departments.tsv").read_text(encoding="utf-8").splitlines()]
    widths = [max(width(r[c]) for r in rows) + 2 for c in range(3)]
    lines = []
    for row in rows:
        head = "".join(row[c] + " " * (widths[c] - width(row[c])) for c in range(3))
        clause = row[3]
        lines.append(head + clause[:40])
        lines += [" " * sum(widths) + clause[k:k + 40] for k in range(40, len(clause), 40)]
    spaced = tmp_path / "district.txt"
    spaced.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert read_document(spaced).form == "spaced"

    def items(path: Path) -> list[tuple[Any, ...]]:
        body = draft_file(path, "t", "t", [], 2024)
        return [(i["code"], i["points"], i.get("rule"), tuple(i.get("responsible_units", [])),
                 i["source"]["text"]) for i in body["items"]]

    assert items(spaced) == items(CORPUS / "docs" / "district_river_departments.tsv")


# ---------------------------------------------------------------- the grammar, rule by meaning

def rules(text: str, points: float = 0) -> list[tuple[str, grammar.Reading]]:
    return read_pieces(text, {"points": points, "pool": not points})


def test_whole_deduction_costs_the_items_points():
    """全扣 (district_river_departments 企业排放): one case costs the item's 5 points."""
    [(_, reading)] = rules("发现一处工业污水乱排放口并在限期内未整改到位的全扣。", points=5)
    assert reading.rule == {"shape": "per_event", "event_kinds": ["rectification"], "amount": 5, "cap": 5}


def test_void_among_deductions_is_one_more_case():
    """无河长牌不得分；…缺一项扣1分，电话无人接听…扣2分: 不得分 is a case of the whole 5 points."""
    [(_, reading)] = rules("无河长牌不得分；标牌内容必须标明管理目标等，缺一项扣1分，"
                           "电话无人接听或打不通扣2分。", 5)
    assert sorted(reading.rule["severity_amounts"].values()) == [1, 2, 5]
    assert reading.status == grammar.GUESSED          # the case names are the text's: a person checks them


def test_pattern_left_to_a_person_is_flagged():
    """以此类推 (效能督查): the deduction grows with the periods — for a person, never guessed silently."""
    pieces = rules("未在限期内整改到位的按0.5分/个扣分，两个周期内未整改到位的扣1分，以此类推。", 5)
    assert all(r.status != grammar.PARSED for _, r in pieces)


def test_deduction_said_without_its_points_flags_the_clause():
    """anhui 1: 「超年度控制目标要求的扣分」 and 「具体得分见计算公式」 — nothing silently encoded."""
    pieces = rules("达到年度控制目标要求的,得10分;超年度控制目标要求的扣分;具体得分见计算公式,"
                   "超过年度控制目标10%的不得分。", 10)
    assert all(r.status != grammar.PARSED for _, r in pieces)


def test_scored_by_another_document_is_for_a_person():
    """anhui 3: 「依据《…考核办法》」 — and 按《…工作方案》要求完成 (seed 001 6(4)①) stays a task's
    standard."""
    [(_, reading)] = rules("依据《安徽省主要污染物总量减排考核办法》和《三大体系建设和运行评估办法》", 3)
    assert reading.rule is None and reading.status == grammar.UNPARSED
    pieces = rules("按《入河排污口监督管理工作方案》要求完成整治任务的，得3分。", 3)
    assert pieces[0][1].status == grammar.PARSED


def test_step_from_a_neutral_gap_takes_the_measures_direction():
    """city_2018_env_targets: 每差1微克/立方米扣0.5分 on PM10 — lower is better; 每差1个百分点 on
    优良天数比率 — higher."""
    [(_, pm10)] = rules("可吸入颗粒物(PM10)年均值:未达到年度目标值的,每差1微克/立方米扣0.5分,扣完为止。", 3)
    [(_, good)] = rules("优良天数比率:未完成年度目标任务的,每差1个百分点扣0.25分,扣完为止。", 1)
    assert pm10.rule["direction"] == "lower_is_better" and good.rule["direction"] == "higher_is_better"


def test_awards_falling_level_by_level_are_flagged(drafts):
    """石城 一.4.2: 省级…得3分；市级…得2分；县级…得1分 — one level reached, not three tasks added."""
    body = drafts["shicheng_2018_departments"]
    levels = [i for i in body["items"] if i["code"].startswith("1.4.2.")]
    assert len(levels) == 3 and all(i.get("needs_review") for i in levels)


def test_clause_points_at_its_end_and_in_brackets_with_a_rule(drafts):
    """石城: 「…建立农村环卫保洁机制并运行正常（20分）」 wrapped over two lines, 「…监测（20）」 without
    分, 「（3分，少一次扣1分）」 — each the clause's points."""
    body = drafts["shicheng_2018_departments"]
    by_text = {i["source"]["text"]: i for i in body["items"]}
    def points(words: str) -> float:
        return next(i["points"] for t, i in by_text.items() if words in t)
    assert points("建立农村环卫保洁机制并运行正常") == 20
    assert points("水功能区及乡镇跨界河流断面水质水量监测") == 20
    assert points("年内至少3次") == 3


def test_clause_points_against_the_points_column_are_flagged(drafts):
    """district 效能问责: the clause says （20分）, the points column 5 — a person decides."""
    item = next(i for i in drafts["district_river_departments"]["items"] if "完成亮点示范河道的创建" in
                i["source"]["text"])
    assert item.get("needs_review") and "20" in item["review_reason"]


# ---------------------------------------------------------------- totals and the report

def test_totals_reconciled_per_department_and_for_the_table(drafts):
    """石城: each department's rows against 二's 60 (县矿管局 20 + 10 + 20 does not add up); 舟山 2022:
    「(1000分)」 above the header is the table's total."""
    totals = {t["label"]: t for t in drafts["shicheng_2018_departments"]["_totals"]}
    assert not totals["县矿管局"]["adds_up"] and totals["县矿管局"]["sum"] == 50
    assert totals["县农粮局"]["adds_up"] and totals["总分"]["adds_up"]
    zhoushan = {t["label"]: t for t in drafts["zhoushan_2022_water"]["_totals"]}
    assert zhoushan["总分"]["stated"] == 1000 and not zhoushan["总分"]["adds_up"]


def test_report_counts_encoded_flagged_by_reason_and_totals(drafts):
    text = summary_text(drafts["shicheng_2018_departments"])
    assert "已编码且无需确认" in text and "按原因" in text
    assert "合计核对：载明的合计" in text and "县矿管局：载明 60 分，不符（条目合计 50 分）" in text


def test_cli_compare_lists_only_items_that_differ(tmp_path, capsys):
    from pipelines.cli import main

    seeds = Path(__file__).parent / "data" / "seeds"
    schemes = Path(__file__).parents[1] / "data" / "raw" / "schemes"
    out = tmp_path / "d.yaml"
    main(["scheme", "draft", str(seeds / "001_85e261af43ba1034.txt"), "-o", str(out), "--seed", "001",
          "--code", "ziyuan_2024", "--unit", "ziyuan=资源县", "--compare", str(schemes / "ziyuan_2024.yaml")])
    printed = capsys.readouterr().out
    table = printed.split("不一致的条目：", 1)[1].splitlines()[1:]
    rows = [line for line in table if "\t" in line and not line.startswith("编码")]
    # seed 001 against ziyuan_2024.yaml: 153 of 167 identical (tests/test_scheme_draft.py AGREEMENT_001)
    assert len(rows) == 167 - 153 and all("\t否\t" in line for line in rows)
    assert "形状与参数一致 153 项" in printed


def test_a_document_without_scoring_content_is_refused_naming_the_file(tmp_path):
    """Only a document with no scoring content at all (no points, no scoring word) is refused, with
    the file's name and what was looked for."""
    path = tmp_path / "prose.txt"
    path.write_text("为加强河湖管理，制定本办法。\n考核由县河长办组织实施。\n", encoding="utf-8")
    with pytest.raises(TableError, match="prose.txt.*没有找到评分内容"):
        draft_file(path, "prose", "prose", [], year=2024)


def test_a_layout_no_reader_knows_is_drafted_line_by_line_all_flagged(tmp_path):
    """Scoring lines in a layout no reader knows (here: each row's cells on lines of their own, joined
    by ＞) are never refused: each sentence holding points or a scoring word becomes a flagged item
    quoting it, so nothing is missed and nothing is silently read."""
    path = tmp_path / "arrows.txt"
    path.write_text("某县河长制考核\n巡河制度＞建立巡河台账＞未建立的扣2分。\n"
                    "河长公示牌＞设立规范＞每缺一块扣0.5分，扣完为止。\n", encoding="utf-8")
    body = draft_file(path, "arrows", "arrows", [], year=2024)
    texts = [i["source"]["text"] for i in body["items"]]
    assert any("未建立的扣2分" in t for t in texts) and any("每缺一块扣0.5分" in t for t in texts)
    assert body["items"] and all(i.get("needs_review") for i in body["items"])
    assert "未能识别评分表的版式" in body["scheme"]["review_reason"]
