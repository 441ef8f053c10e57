"""Fill-in ledger workbooks generated from a scheme, one per unit (SPEC §5: "the ledger a person
fills is already valid"): a Chinese instructions sheet, one sheet per ledger kind the unit's items
need, frozen headers, drop-down lists for unit, item and event kind, date and number formats and
an example row above the header (rows above the header are never read)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.ledgers.kinds import KINDS, LABELS, LEDGERS, STATUS_LABELS, TEMPLATE_LISTS_SHEET, column_header
from pipelines.lib.files import read_yaml
from pipelines.lib.names import UnknownNameError, resolve, scheme_file_units
from pipelines.scheme.loader import departments, duty_event_kinds, duty_units, item_departments

# Which event kinds a ledger-read measure counts (schemes' `measure: ledger.*`).
MEASURE_KINDS = {
    "ledger.amount_wan": ["amount_spent"],
    "ledger.count_done": ["count_done", "count_required"],
    "ledger.count_required": ["count_done", "count_required"],
    "ledger.completion_pct": ["count_done", "count_required"],
    "ledger.days_late": ["task_completed", "days_late"],
}
FIRST_DATA_ROW = 4
LAST_FORMATTED_ROW = 500
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
EXAMPLE_FONT = Font(italic=True, color="808080")


class TemplateError(ValueError):
    """The scheme or unit asked for cannot make a template; the message says why."""


def load_scheme_body(path: Path) -> dict[str, Any]:
    try:
        return read_yaml(path)
    except (OSError, yaml.YAMLError) as err:
        raise TemplateError(f"{path}: 方案文件无法读取（{err}）") from err


def event_kinds_of(node: Any) -> list[str]:
    """Every `event_kinds` list anywhere inside an item (rule, conditions), plus ledger measures,
    plus the completion kinds of a duty (seed 002: 完成 / 部分完成 / 未完成)."""
    found: list[str] = []
    if isinstance(node, dict) and "duty" in node:
        found += duty_event_kinds()
    if isinstance(node, dict):
        found += MEASURE_KINDS.get(str(node.get("measure", "")), [])
        for key, value in node.items():
            found += list(value) if key == "event_kinds" else event_kinds_of(value)
    elif isinstance(node, list):
        for value in node:
            found += event_kinds_of(value)
    return [k for k in dict.fromkeys(found) if k in KINDS]


def unit_items(body: dict[str, Any], unit: str) -> list[dict[str, Any]]:
    """Items the unit answers for: listed in `units`, `responsible` or `targets`; an item naming
    none of these applies to every assessed unit; a duty to the units it is assigned to (its
    `units`, else the units of its `classes`)."""
    chosen = []
    for item in body.get("items", []):
        if "duty" in item:
            if unit in duty_units(body, item):
                chosen.append(item)
            continue
        named = set(item.get("units", [])) | set(item.get("targets", {}))
        named |= {r.get("unit") for r in item.get("responsible", [])}
        if unit in named or not named:
            chosen.append(item)
    return chosen


def ledger_plan(body: dict[str, Any], unit: str) -> dict[str, list[tuple[str, str, list[str]]]]:
    """Ledger kind → [(item code, item name, event kinds)] for the unit's ledger-read items."""
    plan: dict[str, list[tuple[str, str, list[str]]]] = {}
    for item in unit_items(body, unit):
        for kind in event_kinds_of(item):
            entries = plan.setdefault(KINDS[kind].ledger, [])
            known = next((e for e in entries if e[0] == str(item["code"])), None)
            if known:
                known[2].append(kind)
            else:
                entries.append((str(item["code"]), item.get("name", ""), [kind]))
    return {ledger: plan[ledger] for ledger in LEDGERS if ledger in plan}


def sheet_columns(ledger: str) -> list[str]:
    return ["scheme_code", "unit_code", "department", "item_code", "event_date", "event_kind",
            *LEDGERS[ledger][1], "description", "contact_name", "contact_phone"]


def department_names(body: dict[str, Any], unit: str, item_codes: list[str]) -> list[str]:
    """The 责任部门 a row of these items may name (issue 35): the items' departments in the
    scheme, leads first; none for a unit that is a department itself (seeds 000, 002: its rows
    answer to it, so its sheets have no 责任部门 column)."""
    known = {d["code"]: d["name"] for d in departments(body)}
    if unit in known:
        return []
    named = item_departments(body)
    leads = [named[c][0][0] for c in item_codes if c in named]
    others = [d for c in item_codes if c in named for d in named[c][0][1:]]
    return [known[d] for d in dict.fromkeys(leads + others)]


def add_list(lists: Worksheet, column: int, title: str, values: list[str]) -> str:
    """Values in a hidden sheet's column; returns the range a drop-down can point at."""
    lists.cell(1, column, title)
    for row, value in enumerate(values, 2):
        lists.cell(row, column, value)
    letter = lists.cell(1, column).column_letter
    return f"'{lists.title}'!${letter}$2:${letter}${len(values) + 1}"


def add_dropdown(sheet: Worksheet, column: int, source: str, prompt: str) -> None:
    letter = sheet.cell(1, column).column_letter
    check = DataValidation(type="list", formula1=f"={source}", allow_blank=True,
                           showErrorMessage=True, errorTitle="输入有误", error=prompt,
                           promptTitle=LABELS.get(sheet.cell(3, column).value, ""), prompt=prompt)
    check.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_FORMATTED_ROW}")
    sheet.add_data_validation(check)


def example_value(code: str, scheme: str, unit: str, item: str, kind: str,
                  year: int, department: str = "") -> object:
    examples = {"scheme_code": scheme, "unit_code": unit, "department": department, "item_code": item,
                "event_date": f"{year}-03-05", "event_kind": KINDS[kind].label_zh, "quantity": 1,
                "amount": 3.5, "amount_unit": "万元", "severity": "一般", "issuing_level": "市",
                "status": STATUS_LABELS["confirmed"], "approval_ref": "（剔除时填写）",
                "evidence_ref": f"ZJ-{year}-001", "deadline": f"{year}-06-30",
                "completed_date": f"{year}-06-20", "description": "示例行（在表头之上，不会被读取）",
                "contact_name": "（填报人）", "contact_phone": "（电话）"}
    return examples[code]


def write_ledger_sheet(book: Workbook, lists: Worksheet, ledger: str, scheme: str, unit: str,
                       entries: list[tuple[str, str, list[str]]], list_column: int,
                       year: int, department_list: list[str]) -> None:
    title, _ = LEDGERS[ledger]
    sheet = book.create_sheet(title)
    columns = sheet_columns(ledger)
    if not department_list:  # a scheme naming no department: the column would have no choice
        columns.remove("department")
    kinds = list(dict.fromkeys(k for _, _, ks in entries for k in ks))
    sheet.cell(1, 1, f"{title}（{unit}）— 从第 {FIRST_DATA_ROW} 行起每行填写一件事项；第 2 行为示例")
    for column, code in enumerate(columns, 1):
        example = example_value(code, scheme, unit, entries[0][0], kinds[0], year,
                                department_list[0] if department_list else "")
        sheet.cell(2, column, example).font = EXAMPLE_FONT
        header = sheet.cell(3, column, column_header(code, kinds))
        header.font, header.fill = Font(bold=True), HEADER_FILL
        sheet.column_dimensions[header.column_letter].width = 16
        for row in range(FIRST_DATA_ROW, LAST_FORMATTED_ROW + 1):
            if code in ("event_date", "deadline", "completed_date"):
                sheet.cell(row, column).number_format = "yyyy-mm-dd"
            elif code in ("quantity", "amount"):
                sheet.cell(row, column).number_format = "0.00"
    sheet.freeze_panes = sheet.cell(FIRST_DATA_ROW, 1)
    drops = {"scheme_code": add_list(lists, list_column, "方案", [scheme]),
             "unit_code": add_list(lists, list_column + 1, "单位", [unit]),
             "item_code": add_list(lists, list_column + 2, f"{title}指标", [e[0] for e in entries]),
             "event_kind": add_list(lists, list_column + 3, f"{title}事项类型",
                                    [KINDS[k].label_zh for k in kinds]),
             "status": add_list(lists, list_column + 4, "状态", list(STATUS_LABELS.values())),
             "amount_unit": add_list(lists, list_column + 5, "金额单位", ["元", "万元"]),
             "issuing_level": add_list(lists, list_column + 6, "发文层级", ["国家", "自治区", "市", "县"])}
    if department_list:
        drops["department"] = add_list(lists, list_column + 7, f"{title}责任部门", department_list)
    for column, code in enumerate(columns, 1):
        if code in drops:
            add_dropdown(sheet, column, drops[code], f"请从下拉列表中选择{LABELS[code]}")


ROLE_ZH = {"lead": "牵头", "cooperating": "配合"}
DUTY_HEADERS = ["职责编号", "职责内容（方案原文）", "出处", "角色", "牵头单位", "时限"]


def duty_lines(body: dict[str, Any], unit: str) -> list[list[str]]:
    """One line per duty the unit is assigned (seed 002): code, the quoted text, the seed item,
    its role (牵头 / 配合 / 本部门负责), who leads, and the deadline with its basis."""
    names = {u["code"]: u["name"] for u in body.get("units", [])}
    lines = []
    for item in unit_items(body, unit):
        duty = item.get("duty")
        if duty is None:
            continue
        role = duty.get("role")
        lead = (names.get(duty.get("lead_unit", ""), duty.get("lead_text", "")) if role == "cooperating"
                else names[unit])
        deadline = " ".join(x for x in (duty.get("deadline"), duty.get("deadline_basis")) if x)
        lines.append([str(item["code"]), item["source"]["text"],
                      f"seed {item['source']['seed']} {item['source']['item']}",
                      ROLE_ZH.get(role, "本部门负责"), lead, deadline or "—"])
    return lines


def write_duty_list(book: Workbook, body: dict[str, Any], unit: str) -> None:
    """A sheet listing exactly the unit's duties (never read as a ledger: no ledger header)."""
    lines = duty_lines(body, unit)
    if not lines:
        return
    sheet = book.create_sheet("本部门职责清单", 1)
    sheet.cell(1, 1, f"本部门职责清单（{len(lines)} 项）— 每项职责在“职责完成情况台账”中填报完成情况"
                     "（完成 / 部分完成 / 未完成，附佐证材料编号）；未填报的职责记为“未报送”")
    for column, header in enumerate(DUTY_HEADERS, 1):
        cell = sheet.cell(3, column, header)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for row, line in enumerate(lines, 4):
        for column, value in enumerate(line, 1):
            sheet.cell(row, column, value)
    for letter, width in zip("ABCDEF", (10, 90, 20, 10, 24, 28), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A4"


def write_instructions(sheet: Worksheet, scheme: dict[str, Any], unit: dict[str, Any],
                       plan: dict[str, list[tuple[str, str, list[str]]]]) -> None:
    head = scheme["scheme"]
    lines = [
        f"{head.get('name', head['code'])} — {unit['name']}（{unit['code']}）台账填写说明",
        "",
        "1. 每个工作表是一类台账；从第 4 行起，每行填写一件事项（一次通报、一个火点、一笔资金……）。",
        "2. 不要修改第 3 行表头；第 2 行是示例，不会被读取。",
        "3. 单位、指标编号、事项类型请用下拉列表选择；日期写成 2024-03-05（或 2024/3/5、2024年3月5日）。",
        "4. 扣分类事项（通报、约谈、挂牌督办、火点、检查发现问题等）必须填写证据编号。",
        "5. 状态为“已剔除”的事项必须填写批准文号；其余填“已确认”或留空。",
        "6. 金额以表头注明的单位（万元）填写，不要填元；数量须为正数，单位见表头（如 数量（处））。"
        "超出合理范围的数值（如 400000 万元）会被隔离。",
        "7. 联系人和联系电话只用于核实，不会出现在任何发布结果中。",
        "8. 责任部门：对本行事项负责的部门，从下拉列表选择（本表指标的牵头与配合部门）；"
        "不填时按台账所在文件夹（如 台账/生态环境局/）或指标的牵头部门计。",
        "",
        "本单位需要填写的台账：",
    ]
    for ledger, entries in plan.items():
        for code, name, kinds in entries:
            lines.append(f"  {LEDGERS[ledger][0]}：指标 {code} {name}（"
                         + "、".join(KINDS[k].label_zh for k in kinds) + "）")
    for row, text in enumerate(lines, 1):
        sheet.cell(row, 1, text)
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.column_dimensions["A"].width = 100


def build_template(scheme_path: Path, unit_code: str, output: Path) -> list[str]:
    """Write the unit's workbook; returns the ledger sheet names written."""
    body = load_scheme_body(scheme_path)
    units = {u["code"]: u for u in body.get("units", [])}
    try:  # the code or the Chinese name
        unit_code = resolve(unit_code, scheme_file_units(body), "unit")
    except UnknownNameError as err:
        raise TemplateError(f"{scheme_path}: {err}") from None
    plan = ledger_plan(body, unit_code)
    if not plan:
        raise TemplateError(f"{scheme_path}: 单位 {unit_code} 的指标都不需要台账（没有 event_kinds "
                            "或 ledger.* 指标）")
    book = Workbook()
    write_instructions(book.active, body, units[unit_code], plan)
    book.active.title = "填写说明"
    write_duty_list(book, body, unit_code)
    lists = book.create_sheet(TEMPLATE_LISTS_SHEET)
    for n, (ledger, entries) in enumerate(plan.items()):
        write_ledger_sheet(book, lists, ledger, body["scheme"]["code"], unit_code, entries, 1 + 8 * n,
                           int(body["scheme"]["year"]),  # a validated scheme always has its year
                           department_names(body, unit_code, [e[0] for e in entries]))
    lists.sheet_state = "hidden"
    output.parent.mkdir(parents=True, exist_ok=True)
    book.save(output)
    return [LEDGERS[ledger][0] for ledger in plan]
