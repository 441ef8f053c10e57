"""Duties schemes (issue 18): seed 002 (雨花区 2020 区直单位及市垂直管理单位生态环境保护工作目标考核要点)
as data/raw/schemes/yuhua_2020.yaml — every duty of the seed text in the scheme, roles and deadlines
as the words say, the ledger template of one department. The status/overdue rules are dbt unit
tests beside fct_duty_completion; the sample year's matrix is checked in test_scoring_xxcity.py
(the 2020 sample run)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from pipelines.ledgers.template import build_template, duty_lines
from pipelines.lib.settings import PROJECT_ROOT, Settings
from pipelines.scheme.loader import SchemeError, load_scheme, scheme_tables

SCHEME = PROJECT_ROOT / "data" / "raw" / "schemes" / "yuhua_2020.yaml"
SEED = Path(__file__).parent / "data" / "seeds" / "002_7fc8b1d7d4af41a7.txt"
CN = "一二三四五六七八九十"


def seed_duties() -> list[tuple[str, str | None, str]]:
    """(section, department or None, clause text) for every duty the seed prints, read from the
    text: the numbered clauses of 一、通用考核内容, each A类 department's clauses (a department with
    one unnumbered sentence has one duty), and 三's single sentence for B类."""
    text = SEED.read_text(encoding="utf-8")
    common, rest = text.split("一、通用考核内容")[1].split("二、A类部门考核内容")
    a_part, b_part = rest.split("三、B类部门考核内容")
    found = [("一", None, line.strip()) for line in common.splitlines() if re.match(r"^\s*\d+\.", line)]
    blocks = re.split(r"\s*（[一二三四五六七八九十]+）\s*\n", a_part)[1:]
    for block in blocks:
        lines = [ln.strip() for ln in block.strip().splitlines() if ln.strip()]
        found += [("二", lines[0], clause) for clause in lines[1:]]
    found.append(("三", None, b_part.strip()))
    return found


@pytest.fixture(scope="module")
def body() -> dict:
    return load_scheme(SCHEME).body


def test_002_seed_counts_8_common_77_department_duties_and_1_b_class_sentence():
    duties = seed_duties()
    assert [len([d for d in duties if d[0] == s]) for s in "一二三"] == [8, 77, 1]
    assert len({d[1] for d in duties if d[0] == "二"}) == 17


def test_002_every_duty_of_the_seed_is_in_the_scheme_quoted_for_its_department(body: dict):
    """Each seed clause is one item whose source text is the clause verbatim, assigned to the
    department the seed lists it under (一 and 三: by class)."""
    names = {u["name"]: u["code"] for u in body["units"]}
    by_text = {i["source"]["text"]: i for i in body["items"]}
    for section, department, clause in seed_duties():
        item = by_text.get(clause)
        assert item is not None, f"seed 002 {section} {department or ''}: {clause}"
        assert item["source"]["seed"] == "002" and "duty" in item
        if department is None:
            assert item["duty"]["classes"] == (["A", "B"] if section == "一" else ["B"])
        else:
            assert item["units"] == [names[department]]
    assert len(body["items"]) == len(seed_duties()) == 86


def test_002_units_are_the_17_a_class_departments(body: dict):
    assert len(body["units"]) == 17
    assert {u["duty_class"] for u in body["units"]} == {"A"}
    assert all("points" not in i and "rule" not in i for i in body["items"])  # the seed gives none


def test_002_roles_follow_the_words_qiantou_huitong_peihe_xiezhu(body: dict):
    """牵头 / 会同 → lead, 配合 or a duty that is to assist (协调协助…, issue 32: 二.（四）2 "协调协助市
    交通局抓好大宗物料错峰运输工作", 二.（四）4 "协调协助市交通运输局…") → cooperating, led by the body
    it assists; neither → 本部门负责 (no role); 二.（一）3 配合工信部门 is led by 区工业和信息化局,
    二.（十五）2 会同生态环境部门 names 市生态环境局雨花分局 cooperating."""
    for item in body["items"]:
        text = item["source"]["text"]
        assists = re.match(r"^\d+\.(协调)?协助", text) is not None
        expected = ("lead" if ("牵头" in text or "会同" in text)
                    else "cooperating" if "配合" in text or assists else None)
        assert item["duty"].get("role") == expected, item["code"]
    items = {i["code"]: i for i in body["items"]}
    assert items["2.1.3"]["duty"]["lead_unit"] == "gxj"
    assert items["2.15.2"]["duty"]["cooperating_units"] == ["sthjfj"]
    assert items["2.4.2"]["duty"]["lead_text"] == "市交通局"
    assert items["2.4.4"]["duty"]["lead_text"] == "市交通运输局"


def test_002_deadlines_year_end_and_an_qi(body: dict):
    """年底前 → 2020-12-31 (二.（三）3, （五）2, （六）1, （十七）10); 确保/完成 X 年 → the end of year X
    (issue 32: 二.（三）4 "确保2020年黑臭水体消除比例达到90%以上", 二.（十七）8 "完成2020年度土壤污染
    防治项目储备库建设"); 按期 → the date the scheme sets (二.（十七）5); no other duty has a deadline."""
    dated = []
    for item in body["items"]:
        text, duty = item["source"]["text"], item["duty"]
        in_year = re.search(r"(确保|完成)(\d{4})年", text)
        if "年底前" in text:
            assert (duty["deadline"], duty["deadline_basis"]) == ("2020-12-31", "年底前"), item["code"]
        elif "按期" in text:
            assert duty["deadline"] and duty["deadline_basis"].startswith("按期"), item["code"]
        elif in_year:
            assert duty["deadline"] == f"{in_year.group(2)}-12-31", item["code"]
            assert duty["deadline_basis"].startswith(in_year.group(0)), item["code"]
            dated.append(item["code"])
        else:
            assert "deadline" not in duty, item["code"]
    assert dated == ["2.3.4", "2.17.8"]


def test_002_common_items_reach_every_department_and_b_class_gets_item_3(body: dict, tmp_path: Path):
    """一 applies to A类 and B类, 三 to B类 only: 17 × 8 + 77 assignments; a B类 department added to
    the scheme is assigned the 8 common items and 三."""
    duties = scheme_tables([load_scheme(SCHEME)], PROJECT_ROOT)["duties"]
    assert duties.height == 17 * 8 + 77
    body = yaml.safe_load(SCHEME.read_text(encoding="utf-8"))
    body["units"].append({"code": "tjj", "name": "区统计局", "kind": "department", "duty_class": "B"})
    path = tmp_path / "yuhua_b.yaml"
    path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    duties = scheme_tables([load_scheme(path)], tmp_path)["duties"]
    assert sorted(duties.filter(duties["unit_code"] == "tjj")["item_code"]) == [
        *(f"1.{n}" for n in range(1, 9)), "3.1"]


def _variant(tmp_path: Path, change) -> Path:
    body = yaml.safe_load(SCHEME.read_text(encoding="utf-8"))
    change({i["code"]: i for i in body["items"]})
    path = tmp_path / "variant.yaml"
    path.write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return path


def test_002_a_duty_given_points_is_scored_like_any_item(tmp_path: Path):
    """Where a government attaches points (here 2 to 二.（一）1, 完成得分), the duty is a scored item:
    an all_or_nothing rule on duty_done, one target row for its department."""
    path = _variant(tmp_path, lambda items: items["2.1.1"].update(
        points=2, rule={"shape": "all_or_nothing", "event_kinds": ["duty_done"]}))
    tables = scheme_tables([load_scheme(path)], tmp_path)
    targets = tables["targets"].to_dicts()
    assert [(t["item_code"], t["unit_code"], t["unit_points"]) for t in targets] == [("2.1.1", "fgj", 2.0)]


def test_002_a_duty_given_points_without_a_rule_is_rejected(tmp_path: Path):
    """Points on a duty are scored only through a rule: points alone would never be credited."""
    path = _variant(tmp_path, lambda items: items["2.1.1"].update(points=2))
    with pytest.raises(SchemeError, match=r"\(2.1.1\): 职责有分值 2 但没有 rule"):
        load_scheme(path)


def test_002_a_duty_naming_an_unknown_lead_unit_is_rejected(tmp_path: Path):
    path = _variant(tmp_path, lambda items: items["2.1.3"]["duty"].update(lead_unit="gxjj"))
    with pytest.raises(SchemeError, match=r"items/\d+ \(2.1.3\)/duty: 未在 units 中定义的单位: gxjj"):
        load_scheme(path)


def test_002_an_item_without_points_must_be_a_duty(tmp_path: Path):
    path = _variant(tmp_path, lambda items: items["2.1.3"].pop("duty"))
    with pytest.raises(SchemeError, match="points"):
        load_scheme(path)


def test_002_template_of_one_department_lists_exactly_its_duties(tmp_path: Path):
    """区商务局 (二.（六）): the 8 common items and its 4 duties, in the duty list sheet and in the
    item drop-down of its completion ledger; 二.（六）1 年底前, 二.（六）3 配合 led by 区市场监管局."""
    out = tmp_path / "swj.xlsx"
    assert build_template(SCHEME, "区商务局", out) == ["职责完成情况台账"]
    book = load_workbook(out)
    assert book.sheetnames == ["填写说明", "本部门职责清单", "下拉列表", "职责完成情况台账"]
    expected = [*(f"1.{n}" for n in range(1, 9)), "2.6.1", "2.6.2", "2.6.3", "2.6.4"]
    listed = [r[0] for r in book["本部门职责清单"].iter_rows(min_row=4, values_only=True)]
    assert listed == expected
    dropdown = [c.value for c in book["下拉列表"]["C"]][1:]
    assert dropdown == expected
    lines = {line[0]: line for line in duty_lines(load_scheme(SCHEME).body, "swj")}
    assert lines["2.6.1"][5] == "2020-12-31 年底前"
    assert lines["2.6.3"][3:5] == ["配合", "区市场监管局"]


@pytest.mark.e2e  # runs dbt (the ledger check builds in a scratch warehouse)
def test_002_filled_template_loads_and_bad_duty_rows_are_quarantined(tmp_path: Path):
    """A 完成 row with its 佐证 loads; 完成 without 佐证 and a row for another department's duty
    (二.（一）1 is 区发展改革局's) are quarantined with the reason."""
    from pipelines.ledgers.check import check_ledgers

    data = tmp_path / "data"
    (data / "raw" / "schemes").mkdir(parents=True)
    (data / "raw" / "schemes" / SCHEME.name).write_bytes(SCHEME.read_bytes())
    path = data / "raw" / "ledgers" / "swj.xlsx"
    build_template(SCHEME, "swj", path)
    book = load_workbook(path)
    sheet = book["职责完成情况台账"]
    sheet.append(["yuhua_2020", "swj", "2.6.1", date(2020, 12, 20), "完成", date(2020, 12, 18),
                  "YH-SW-01", "油气回收治理完成", "示例联系人", "13800000000"])
    sheet.append(["yuhua_2020", "swj", "2.6.2", date(2020, 12, 20), "完成", None, None, "无佐证", None, None])
    sheet.append(["yuhua_2020", "swj", "2.1.1", date(2020, 12, 20), "完成", None, "YH-SW-03", "他人职责",
                  None, None])
    book.save(path)
    result = check_ledgers(Settings(data_dir=data), 2020)
    assert result["events"]["item_code"].to_list() == ["2.6.1"]
    reasons = dict(zip(result["quarantine"]["column_name"], result["quarantine"]["reason"], strict=True))
    assert reasons == {"evidence_ref": "职责完成情况（完成、部分完成）缺少佐证材料编号",
                       "unit_code": "该单位在考核方案中没有这项职责（职责完成情况由承担该职责的部门填报）"}


def test_002_dashboard_matrix_colours_status_marks_role_and_frames_overdue():
    """The duty panel (seed 002 二.（三）3 年底前, 二.（一）3 配合): one cell per department × duty
    coloured by status, 牵/配 in the cell, a black frame on the overdue duty, the lead on hover;
    no panel in a year without a duties scheme."""
    import polars as pl

    from pipelines.publish.dashboard.panels import duty_panel

    duties = pl.DataFrame({
        "unit_code": ["zjj", "fgj"], "unit_name": ["区住房城乡建设局", "区发展改革局"],
        "item_code": ["2.3.3", "2.1.3"], "item_order": [20, 10], "item_name": ["城市污水处理", "散乱污"],
        "status": ["partial", "not_reported"], "status_zh": ["部分完成", "未报送"],
        "duty_role": [None, "cooperating"], "lead_unit_zh": ["区住房城乡建设局", "区工业和信息化局"],
        "deadline": [date(2020, 12, 31), None], "is_overdue": [True, False],
        "status_as_of": [date(2020, 12, 31)] * 2})
    panel = duty_panel(duties)
    heatmap, frames = panel.figures[0].data
    assert list(heatmap.x) == ["2.1.3", "2.3.3"] and list(heatmap.y) == ["区发展改革局", "区住房城乡建设局"]
    assert [list(row) for row in heatmap.z] == [[1, None], [None, 3]]  # 未报送 = 1, 部分完成 = 3
    assert heatmap.text[0][0] == "配" and "牵头：区工业和信息化局" in heatmap.customdata[0][0]
    assert list(frames.x) == ["2.3.3"] and list(frames.y) == ["区住房城乡建设局"]
    assert "逾期未完成 1 项" in panel.note
    assert duty_panel(duties.clear()) is None and duty_panel(None) is None
