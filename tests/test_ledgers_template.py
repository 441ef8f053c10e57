"""Fill-in templates (issue 6, build 1 and "must show"): a template generated for one department,
filled with openpyxl, loads with zero quarantined rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook

from pipelines.ledgers.template import build_template
from pipelines.lib.settings import PROJECT_ROOT, Settings

SCHEME = PROJECT_ROOT / "data" / "raw" / "schemes" / "qinzhou_2024.yaml"
# seed 001 item 2(3): "每发现1起扣0.2分，扣完1分为止" — one ledger-driven item on the demo's units,
# so the template's sheets are exactly the kinds this item reads (the demo scheme has many more).
LEDGER_ITEM = {
    "code": "2.3", "name": "秸秆露天焚烧火点", "points": 1,
    "source": {"seed": "001", "item": "2(3)", "text": "每发现1起扣0.2分，扣完1分为止。"},
    "rule": {"shape": "per_event", "event_kinds": ["fire_point", "notice"], "amount": 0.2, "cap": 1},
}


@pytest.fixture(scope="module")
def scheme_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("ledger_template") / "data"
    schemes = data / "raw" / "schemes"
    schemes.mkdir(parents=True)
    body = yaml.safe_load(SCHEME.read_text(encoding="utf-8"))
    body["items"] = [LEDGER_ITEM]
    body.pop("groups", None)
    (schemes / SCHEME.name).write_text(yaml.safe_dump(body, allow_unicode=True), encoding="utf-8")
    return data


@pytest.fixture(scope="module")
def template(scheme_dir: Path) -> Path:
    path = scheme_dir / "raw" / "ledgers" / "lingshan.xlsx"
    build_template(scheme_dir / "raw" / "schemes" / SCHEME.name, "lingshan", path)
    return path


def test_one_sheet_per_ledger_kind_the_units_items_need_after_the_instructions(template):
    assert load_workbook(template).sheetnames == ["填写说明", "下拉列表", "通报约谈督办台账", "火点台账"]


def test_header_rows_are_frozen_and_unit_item_and_kind_have_drop_downs(template):
    sheet = load_workbook(template)["火点台账"]
    assert sheet.freeze_panes == "A4"
    headers = {sheet.cell(3, c).value: sheet.cell(3, c).column_letter for c in range(1, 12)}
    checked = {str(r).split(":")[0] for v in sheet.data_validations.dataValidation for r in v.sqref.ranges}
    for label in ("单位编码", "指标编号", "事项类型"):
        assert f"{headers[label]}4" in checked


@pytest.mark.e2e  # runs dbt (the pipeline's ledger/as-of path)
def test_a_filled_template_loads_with_zero_quarantined_rows(template, scheme_dir: Path):
    from pipelines.ledgers.check import check_ledgers

    book = load_workbook(template)
    fire = book["火点台账"]
    fire.append(["qinzhou_2024", "lingshan", "2.3", date(2024, 3, 5), "火点", 1, "已确认", None,
                 "HD-001", "秸秆焚烧", "黄小明", "13800001234"])
    fire.append(["qinzhou_2024", "lingshan", "2.3", date(2024, 4, 1), "火点", 1, "已剔除",
                 "钦环函〔2024〕9号", "HD-002", "经核实为误报", None, None])
    notices = book["通报约谈督办台账"]
    notices.append(["qinzhou_2024", "lingshan", "2.3", date(2024, 5, 20), "通报", "市", "一般",
                    "钦环通〔2024〕3号", None, None, None])
    book.save(template)
    result = check_ledgers(Settings(data_dir=scheme_dir), 2024)
    assert result["quarantine"].height == 0
    assert sorted(result["events"]["event_kind"].to_list()) == ["fire_point", "fire_point", "notice"]


def test_the_unit_may_be_named_in_chinese(scheme_dir: Path, tmp_path: Path):
    # issue 14 part 7: every --unit accepts the code or the Chinese name (灵山县 = lingshan)
    by_name, by_code = tmp_path / "by_name.xlsx", tmp_path / "by_code.xlsx"
    scheme = scheme_dir / "raw" / "schemes" / SCHEME.name
    assert build_template(scheme, "灵山县", by_name) == build_template(scheme, "lingshan", by_code)
    assert load_workbook(by_name)["火点台账"]["A2"].value == load_workbook(by_code)["火点台账"]["A2"].value
