"""What a ledger row can say: the canonical columns (LEDGER EVENTS CONTRACT), the header labels
people write for them, and the event kinds with the ledger sheet each belongs to.

The Chinese labels here are the glossary's (dbt_project/seeds/glossary.csv); a test keeps the two
in step."""

from __future__ import annotations

from dataclasses import dataclass

from pipelines.scheme import registry

# Canonical columns, in the order of the contract; (code, Chinese label).
COLUMNS: list[tuple[str, str]] = [
    ("scheme_code", "方案编码"),
    ("unit_code", "单位编码"),
    # the department answering for the row (issue 35: points lost by department); without it the
    # ledger's folder or file name, else the item's lead department in the scheme
    ("department", "责任部门"),
    ("item_code", "指标编号"),
    ("event_date", "日期"),
    ("event_kind", "事项类型"),
    ("quantity", "数量"),
    ("amount", "金额"),
    ("amount_unit", "金额单位"),
    ("severity", "严重程度"),
    ("issuing_level", "发文层级"),
    ("status", "状态"),
    ("approval_ref", "批准文号"),
    ("evidence_ref", "证据编号"),
    ("deadline", "截止日期"),
    ("completed_date", "完成日期"),
    ("description", "说明"),
    ("contact_name", "联系人"),
    ("contact_phone", "联系电话"),
]
FIELDS = [code for code, _ in COLUMNS]
LABELS = dict(COLUMNS)
REQUIRED = ["unit_code", "item_code", "event_date", "event_kind"]
DATE_FIELDS = ["event_date", "deadline", "completed_date"]
# Personal data (seed 000 lists contact persons and phones): restricted table only.
PERSONAL_FIELDS = ["contact_name", "contact_phone"]

# Other ways departments head the same column (seen in real 台账).
EXTRA_HEADER_LABELS: dict[str, list[str]] = {
    "scheme_code": ["方案", "考核方案"],
    "unit_code": ["单位", "责任单位", "单位代码", "单位名称", "被考核单位"],
    "department": ["填报部门", "牵头部门", "部门", "责任部门编码", "部门名称"],
    "item_code": ["指标", "指标编码", "指标代码", "考核指标编号", "指标序号"],
    "event_date": ["发生日期", "事项日期", "时间", "发现日期", "通报日期"],
    "event_kind": ["类型", "事项", "事项类别"],
    "quantity": ["件数", "数目", "次数"],
    "amount": ["资金", "投入金额", "资金投入"],
    "severity": ["等级", "级别"],
    "issuing_level": ["通报层级", "层级", "发文级别"],
    "status": ["核实状态", "是否剔除"],
    "approval_ref": ["剔除批准文号", "审批文号", "认可文号"],
    "evidence_ref": ["证据", "佐证材料编号", "佐证编号", "证明材料编号"],
    "deadline": ["整改期限", "期限", "完成时限"],
    "completed_date": ["整改完成日期", "实际完成日期"],
    "description": ["备注", "事项说明", "内容", "情况说明"],
    "contact_name": ["填报人", "经办人", "填表人", "负责人", "责任人"],
    "contact_phone": ["电话", "手机", "手机号码", "联系方式"],
}


@dataclass(frozen=True)
class EventKind:
    code: str
    label_zh: str
    ledger: str  # the template sheet (ledger kind) it is recorded on
    deduction: bool  # a deduction event must name its evidence (SPEC §5)


# The registry of event kinds is data (dbt_project/seeds/registry/registry_event_kinds.csv):
# scheme validation, the ledger templates and the warehouse read the same rows.
EVENT_KINDS: list[EventKind] = [EventKind(k.code, k.label_zh, k.ledger, k.deduction)
                                for k in registry.event_kinds().values()]
KINDS = {k.code: k for k in EVENT_KINDS}

# Ledger kinds (template sheets): Chinese sheet name and the columns it asks for.
LEDGERS: dict[str, tuple[str, list[str]]] = {
    "notices": ("通报约谈督办台账", ["issuing_level", "severity", "evidence_ref"]),
    "fire_points": ("火点台账", ["quantity", "status", "approval_ref", "evidence_ref"]),
    "inspections": ("检查发现问题台账", ["quantity", "severity", "evidence_ref"]),
    "tasks": ("任务完成台账", ["deadline", "completed_date", "quantity", "evidence_ref"]),
    # the amount's unit is in the header (金额（万元）, registry_ledger_ranges), not a column
    "amounts": ("资金投入台账", ["amount", "evidence_ref"]),
    "counts": ("完成数量台账", ["quantity", "evidence_ref"]),
    "rectifications": ("督察整改台账", ["deadline", "completed_date", "evidence_ref"]),
    # seed 002 duties: 完成 / 部分完成 / 未完成 with the date, the completion date and the 佐证
    "duties": ("职责完成情况台账", ["completed_date", "evidence_ref"]),
}

# The template's hidden sheet of drop-down values: the one hidden sheet that is not a ledger
# table (its column titles name known columns, so it would otherwise look like one).
TEMPLATE_LISTS_SHEET = "下拉列表"

STATUS_LABELS = {"confirmed": "已确认", "excused": "已剔除"}
ISSUING_LEVELS = ["国家", "自治区", "省", "市", "县", "区"]


def header_lookup() -> dict[str, str]:
    """Normalised header text → column code, for English codes and every Chinese label."""
    lookup: dict[str, str] = {}
    for code, label in COLUMNS:
        for text in [code, label, *EXTRA_HEADER_LABELS.get(code, [])]:
            lookup[text.lower()] = code
    return lookup


def column_header(code: str, kinds: list[str]) -> str:
    """A template header: the label, with the unit the column states for the sheet's event
    kinds (registry_ledger_ranges: 金额（万元）, 数量（处）); several units → listed."""
    if code not in ("amount", "quantity"):
        return LABELS[code]
    units = list(dict.fromkeys(u for k in kinds if (u := registry.ledger_units().get((k, code)))))
    return f"{LABELS[code]}（{'/'.join(units)}）" if units else LABELS[code]
