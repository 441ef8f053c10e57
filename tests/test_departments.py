"""Issue 35 item 1 (责任部门 everywhere): every ledger row, event, movement and item score carries
the department answering for it, so "points lost by department" is one GROUP BY.

Where a department comes from: the scheme's `departments` and each item's `departments` as the
document prints them (seed 001 考核单位, seed 003 牵头单位 / 责任单位; the first named leads), a
department unit itself (seeds 000, 002), and a ledger row's 责任部门 column, folder or file name
(int_ledgers__row_departments, whose precedence a dbt unit test checks)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import yaml
from openpyxl import load_workbook

from pipelines.ledgers.template import build_template, department_names
from pipelines.lib.settings import PROJECT_ROOT, Settings
from pipelines.scheme.loader import SchemeError, item_departments, load_scheme, scheme_tables

SCHEMES = PROJECT_ROOT / "data" / "raw" / "schemes"


def read_mart(settings: Settings, name: str) -> pl.DataFrame:
    return pl.read_parquet(settings.current_release / f"{name}.parquet")


# ---------- the scheme says who answers for each item


def test_an_item_without_departments_takes_its_parents_lead_first():
    """Seed 001 prints 考核单位 per indicator and per clause: 5(1)④'s ranking items (5.1.4.1–4,
    below a code with no item of its own) answer to 5(1)'s 资源生态环境局; 5(2)'s clauses to
    资源生态环境局、县城市管监局、县农业农村局、各乡（镇）, in that order."""
    body = load_scheme(SCHEMES / "ziyuan_2024.yaml").body
    found = item_departments(body)
    assert found["5.1.4.1"] == (["sthjj"], True)
    assert found["5.2.2"] == (["sthjj", "cgj", "nyncj", "xiangzhen"], True)
    assert found["1.1"] == (["dxb"], False)  # 1(1) 县督效办
    scored = [i["code"] for i in body["items"] if "rule" in i]
    assert all(code in found for code in scored)  # every scored item has a department


def test_the_departments_table_holds_the_schemes_list_and_its_department_units(tmp_path: Path):
    """A department unit (seed 000: the city's departments are the assessed units) is a
    department without a `departments` entry."""
    tables = scheme_tables([load_scheme(SCHEMES / "fangchenggang_2022.yaml"),
                            load_scheme(SCHEMES / "qinzhou_2024.yaml")], PROJECT_ROOT)
    departments = tables["departments"]
    units = departments.filter(pl.col("scheme_code") == "fangchenggang_2022")
    assert units.height > 0 and units["is_unit"].all()
    qinzhou = departments.filter(pl.col("scheme_code") == "qinzhou_2024")
    assert not qinzhou["is_unit"].any()
    assert "生态环境局" in qinzhou.filter(pl.col("department_code") == "sthjj")["aliases"][0]
    leads = tables["item_departments"].filter(pl.col("scheme_code") == "qinzhou_2024",
                                              pl.col("item_code") == "2.2").sort("department_order")
    assert leads["department_code"].to_list() == ["sthjj", "cgj", "nyncj"]


def _write(tmp_path: Path, edit) -> Path:
    body = yaml.safe_load((SCHEMES / "qinzhou_2024.yaml").read_text(encoding="utf-8"))
    edit(body)
    path = tmp_path / "qinzhou_2024.yaml"
    path.write_text(yaml.safe_dump(body, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_an_unknown_department_names_the_item_and_the_nearest_code(tmp_path: Path):
    path = _write(tmp_path, lambda b: b["items"][0].update(departments=["sthj"]))
    with pytest.raises(SchemeError, match=r"items/0 \(1\.1\)/departments/0: 未定义的部门 sthj.*sthjj"):
        load_scheme(path)


def test_a_name_that_would_name_two_departments_is_refused(tmp_path: Path):
    def clash(body):
        body["departments"][1]["aliases"].append("生态环境局")  # 农业农村局 given 生态环境局's alias
    with pytest.raises(SchemeError, match="名称「生态环境局」同时指 sthjj 和 nyncj"):
        load_scheme(_write(tmp_path, clash))


# ---------- the template asks for it


def test_the_template_offers_the_items_departments_in_a_drop_down(tmp_path: Path):
    """Each ledger sheet has a 责任部门 column right after the unit, with a drop-down of its
    items' departments, leads first; the example row names the first item's lead."""
    path = tmp_path / "lingshan.xlsx"
    build_template(SCHEMES / "qinzhou_2024.yaml", "lingshan", path)
    book = load_workbook(path)
    sheet = book["火点台账"]
    headers = [sheet.cell(3, c).value for c in range(1, sheet.max_column + 1)]
    assert headers[:4] == ["方案编码", "单位编码", "责任部门", "指标编号"]
    assert sheet.cell(2, 3).value == "钦州市生态环境局"  # item 2.2's lead (seed 001 5(2))
    column = sheet.cell(3, 3).column_letter
    ranges = [v for v in sheet.data_validations.dataValidation
              if any(str(r).startswith(f"{column}4") for r in v.sqref.ranges)]
    assert len(ranges) == 1
    listed = ranges[0].formula1.split("!")[1].replace("$", "").split(":")
    lists = book["下拉列表"]
    start, end = lists[listed[0]].row, lists[listed[1]].row
    values = [lists.cell(r, lists[listed[0]].column).value for r in range(start, end + 1)]
    body = load_scheme(SCHEMES / "qinzhou_2024.yaml").body
    assert values == department_names(body, "lingshan", ["2.2"]) == \
        ["钦州市生态环境局", "钦州市城市管理监督局", "钦州市农业农村局"]


def test_a_department_units_template_asks_for_no_department(tmp_path: Path):
    """Seed 002: a department fills its own ledger and its rows answer to it (basis unit): its
    template has no 责任部门 column to fill."""
    body = load_scheme(SCHEMES / "yuhua_2020.yaml").body
    unit = next(u for u in body["units"] if u.get("kind") == "department")
    assert department_names(body, unit["code"], ["2.6.1"]) == []
    path = tmp_path / "dept.xlsx"
    build_template(SCHEMES / "yuhua_2020.yaml", unit["code"], path)
    sheet = load_workbook(path)["职责完成情况台账"]
    assert "责任部门" not in [sheet.cell(3, c).value for c in range(1, sheet.max_column + 1)]


# ---------- every published row carries it (the sample run)


def test_every_ledger_event_movement_and_item_score_of_the_sample_names_its_department(
        sample_run: Settings):
    items = read_mart(sample_run, "fct_unit_item_scores")
    movements = read_mart(sample_run, "fct_score_movements")
    for frame in (items, movements):
        assert frame.filter(pl.col("department_code").is_null() | pl.col("department_name").is_null()
                            ).height == 0
    # the item's lead department for a county's item (seed 001 5(2) for qinzhou 2.2)
    fire = items.filter(pl.col("unit_code") == "lingshan", pl.col("item_code") == "2.2").row(0, named=True)
    assert (fire["department_code"], fire["department_role"], fire["department_basis"]) == \
        ("sthjj", "lead", "scheme_item")
    # points lost by department is one GROUP BY, and the departments' losses add up to all losses
    by_department = movements.filter(pl.col("points") < 0).group_by("department_name").agg(
        pl.col("points").sum())
    assert by_department["points"].sum() == movements.filter(pl.col("points") < 0)["points"].sum()


def test_a_ledger_rows_department_comes_from_its_column_or_its_folder(sample_run: Settings):
    """data/raw/ledgers/sample/qinzhou_2024_火点.csv names 农业农村局 in its 责任部门 column for two
    fire points of 灵山县; ledgers/生态环境局/火点台账_gbk.csv sits in 生态环境局's folder; a fire
    point without either answers to item 2.2's lead, 钦州市生态环境局."""
    import duckdb

    con = duckdb.connect(str(sample_run.warehouse_path), read_only=True)
    try:
        events = con.sql("select * from intermediate.int_ledgers__events").pl()
    finally:
        con.close()
    by_column = events.filter(pl.col("evidence_ref").is_in(["HD-2024-101", "HD-2024-102"]))
    assert by_column["department_code"].to_list() == ["nyncj", "nyncj"]
    assert set(by_column["department_basis"]) == {"ledger_column"}
    folder = events.filter(pl.col("source_file") == "ledgers/生态环境局/火点台账_gbk.csv")
    assert folder.height > 0 and set(folder["department_code"]) == {"sthjj"}
    assert set(folder["department_basis"]) == {"ledger_file"}
    plain = events.filter(pl.col("evidence_ref") == "HD-2024-104").row(0, named=True)
    assert (plain["department_code"], plain["department_basis"]) == ("sthjj", "scheme_item")
    # the movements of those fire points answer to 农业农村局 (seed 001 5(2)② 每通报1处火点扣0.2分)
    moves = read_mart(sample_run, "fct_score_movements").filter(
        pl.col("source_keys").is_in(by_column["ledger_row_id"].to_list()))
    assert moves.height == 2 and set(moves["department_name"]) == {"钦州市农业农村局"}
    assert moves["points"].sum() < 0


def test_the_file_report_names_the_department_of_a_department_folder(sample_run: Settings):
    report = read_mart(sample_run, "fct_ledger_file_report")
    row = report.filter(pl.col("source_file") == "ledgers/财政局/资金投入台账.xlsx").row(0, named=True)
    assert (row["department_code"], row["department_name"]) == ("czj", "钦州市财政局")
    assert report["rows_department_unknown"].sum() == 0


def test_a_department_unit_answers_for_its_duties(xxcity_run: Settings):
    """Seed 002 (yuhua_2020): the completion matrix's department is the assessed department."""
    duties = read_mart(xxcity_run, "fct_duty_completion")
    assert duties.height > 0
    assert (duties["department_code"] == duties["unit_code"]).all()
    assert (duties["department_name"] == duties["unit_name"]).all()
