"""Records (tables.py) → the document's outline: its sections (「一、巩固成果…」 31, 「(一)污染物总量
控制(30分)」), the indicators in them (one per table row unless the document merged the rows: an
indicator spread over rows shares its merged number, name and points), the units a row assesses (a
department column), and the totals the document states (总分 / 合计 rows, section points), so that the
draft can check that what it read adds up.

Codes: an indicator keeps its number (`5`); when numbering restarts in each section (seed 003, a
department table) codes take the section's number first (一.1 → `1.1`); rows that repeat a number
with points of their own (a department's three rows) are `2.2.1`, `2.2.2`, `2.2.3` under `2.2`."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipelines.scheme.draft.numbers import BRACKETED_POINTS, cn_int, normalize
from pipelines.scheme.draft.tables import Document, Record

SECTION_MARK = re.compile(r"^\s*(?:([一二三四五六七八九十]+)\s*[、.．]|[(（]([一二三四五六七八九十]+)[)）]|"
                          r"(\d{1,2})\s*[、.．](?!\d))")
BRACKET_POINTS = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
OUTSIDE_BASE = re.compile(r"奖扣分|奖励|加分|扣分项|奖惩")


@dataclass
class Section:
    code: str                       # 一 → "1"
    label: str                      # 一 / (一) / 1
    title: str
    points: float | int | None      # stated: 31 / (30分)
    level: int
    row: int
    text: str = ""                  # a section row's own criteria (一 row that is an item itself)
    parent: Section | None = None
    bonus: bool = False
    as_item: bool = False           # a section row that is an item itself (「五、…」 with its own clauses)

    @property
    def outside_base(self) -> bool:
        """「六、奖扣分项目」「二、加分项」: bonuses and penalties outside the base points."""
        return self.bonus or bool(OUTSIDE_BASE.search(self.title))


@dataclass
class Indicator:
    code: str
    label: str
    name: str
    points_text: str
    criteria: str
    units: str
    bonus: bool
    rows: list[int]
    raw_name: str = ""
    lead: str = ""
    coop: list[tuple[str, str]] = field(default_factory=list)
    section: Section | None = None
    unit: str = ""                  # the unit (department) the row assesses
    task: str = ""                  # 考评内容: what the row asks for, beside its scoring
    parent: str = ""                # the code of a container (a department's rows)
    groups: list[tuple[str, float | int]] = field(default_factory=list)   # column groups with points
    outside_base: bool = False      # a section-item of 「六、奖扣分项目」: not part of the base total
    notes: str = ""                 # cells of columns not read (备注, 说明, 计算公式)


@dataclass
class Outline:
    indicators: list[Indicator]
    sections: list[Section]
    total: float | int | None = None
    total_label: str = "总分"
    notes: list[str] = field(default_factory=list)
    # code → (name, unit, section)
    containers: dict[str, tuple[str, str, Section | None]] = field(default_factory=dict)
    # seed 003: {number: (title, text)}
    column_sections: dict[str, tuple[str, str]] = field(default_factory=dict)
    prefixed: bool = False


def _number_value(text: str) -> float | int | None:
    text = normalize(text).strip()
    m = re.match(r"^(\d+(?:\.\d+)?)\s*(?:分)?$", text) or BRACKET_POINTS.search(text)
    if not m:
        return None
    value = float(m.group(1))
    return int(value) if value.is_integer() else value


def _section_of(record: Record, level_order: list[str]) -> tuple[str, str, str, int] | None:
    """(label, title, kind of mark, level) of a section row."""
    text = " ".join(v for k, v in record.cells.items()
                    if k in ("number", "section", "indicator") and v).strip()
    number = record.cells.get("number", "").strip()
    m = SECTION_MARK.match(number) or SECTION_MARK.match(text)
    if m:
        kind = "l1" if m.group(1) else "l2" if m.group(2) else "l3"
        label = m.group(1) or m.group(2) or m.group(3)
    else:
        kind, label = "plain", ""
    if kind not in level_order:
        level_order.append(kind)
    title = SECTION_MARK.sub("", text, count=1).strip() if m and SECTION_MARK.match(text) else text
    title = re.sub(r"^\s*[一二三四五六七八九十]+\s*[、.．]\s*", "", title)
    return label, title, kind, level_order.index(kind)


def _code_of(label: str) -> str:
    if label.isdigit():
        return label
    try:
        return str(cn_int(label))
    except ValueError:
        return label


def indicator_head(record: Record) -> tuple[str, str]:
    """(number, name) from 序号 or from the indicator cell「5．打好蓝天保卫战」/「3.1 道路。…」."""
    number = record.cells.get("number", "").strip()
    name = record.cells.get("indicator", "").strip()
    if number and not re.fullmatch(r"[\d.．、()（）一二三四五六七八九十]{1,8}", number):
        number, name = "", name or re.sub(r"\s+", "", number)[:30]   # a sentence in the 序号 column
    if not name and not number:                 # a table without a name column: the clause names itself
        head = record.cells.get("criteria", "").strip().split("\n", 1)[0]
        m = re.match(r"^\s*(\d+(?:\.\d+)+)\s+([^。;；,，]{1,20})", head)
        if m:
            return m.group(1), m.group(2)
    m = re.match(r"^\s*(\d+)\s*[．.、](?!\d)\s*(.*)$", name, re.S) \
        or re.match(r"^\s*(\d+(?:\.\d+)+)\s+(.*)$", name, re.S)             # 3.1 道路。…
    if m:
        number = number or m.group(1)
        name = m.group(2)
    if not number:
        m = re.match(r"^\s*(\d+)\s*$", record.cells.get("number", ""))
        number = m.group(1) if m else ""
    name = re.sub(r"\s+", "", BRACKET_POINTS.sub("", name))
    return number, name


def outline(doc: Document) -> Outline:
    """The document's sections and indicators, in order (see the module's docstring)."""
    result = Outline([], [])
    level_order: list[str] = []
    stack: list[Section] = []
    column_section: Section | None = None
    # numbering that restarts in each section → codes take the section's number
    seen: dict[str, str] = {}
    current = ""
    for rec in doc.records:
        if rec.kind == "section":
            current = str(rec.row)
        column = rec.cells.get("section", "")
        if rec.kind == "row":
            number, _ = indicator_head(rec)
            key = _section_key(column) or current
            if number and key:
                if number in seen and seen[number] != key and not rec.merged & {"number"}:
                    result.prefixed = True
                seen.setdefault(number, key)
    for rec in doc.records:
        if rec.kind == "total":
            result.total = _number_value(rec.cells.get("points", "")) or next(
                (_number_value(v) for v in rec.cells.values() if _number_value(v) is not None), None)
            result.total_label = next((re.sub(r"\s+", "", v) for v in rec.cells.values()
                                       if re.sub(r"\s+", "", v) in ("总分", "合计", "总计")), "总分")
            continue
        if rec.kind == "section":
            label, title, _, level = _section_of(rec, level_order)
            while stack and stack[-1].level >= level:
                stack.pop()
            points = _number_value(rec.cells.get("points", "")) or _title_points(title)
            code = _code_of(label) if label else f"S{len(result.sections) + 1}"
            if stack and stack[-1].code and result.prefixed:
                code = f"{stack[-1].code}.{code}"
            text = rec.cells.get("criteria", "")
            if not text.strip() or re.sub(r"\s+", "", text) in re.sub(r"\s+", "", title + label) \
                    or re.fullmatch(r"\s*" + BRACKETED_POINTS + r"\s*", text):
                text = ""
            section = Section(code, label, BRACKET_POINTS.sub("", title).strip(), points, level, rec.row,
                              text=text, parent=stack[-1] if stack else None, bonus=rec.bonus)
            result.sections.append(section)
            stack.append(section)
            continue
        # a 一级指标 column (seed 001, 003): sections by column
        column = rec.cells.get("section", "")
        if column and _section_key(column) and (column_section is None or column_section.title != column):
            number = _section_key(column) or ""
            column_section = Section(number, column.strip()[:1], column.strip(), _title_points(column), 0,
                                     rec.row, bonus=rec.bonus)
            result.column_sections.setdefault(number, (column, column))
        section = stack[-1] if stack else None
        _add_row(result, rec, section, column_section, doc.form in MERGES_RECORDED)
    _sections_that_are_items(result)
    _repeated_numbers(result)
    return result


def _section_key(text: str) -> str | None:
    m = re.match(r"^\s*([一二三四五六七八九十]+)\s*[、.．]", text)
    return str(cn_int(m.group(1))) if m else None


def _title_points(text: str) -> float | int | None:
    m = BRACKET_POINTS.search(normalize(text)) or re.search(r"(\d+(?:\.\d+)?)\s*分", normalize(text))
    if not m:
        return None
    value = float(m.group(1))
    return int(value) if value.is_integer() else value


# forms that record a merged cell as merged (rowspan, box rules): there a points cell repeated in the next
# row is its own (a .docx or .xlsx built by copying may repeat a merged value instead)
MERGES_RECORDED = ("html", "boxed")


def _add_row(result: Outline, rec: Record, section: Section | None, column_section: Section | None,
             merges_recorded: bool = False) -> None:
    number, name = indicator_head(rec)
    out = result.indicators
    criteria = rec.cells.get("criteria", "")
    column = column_section.code if column_section else None
    prefix = section.code if section and result.prefixed else column if result.prefixed else None
    own_name = bool(name) and not (out and name == out[-1].name)
    bonus_rows = [i for i in out if i.bonus]
    if rec.bonus:
        # (a row without a name of its own continues the bonus part: seed 001's rows repeat its cap 10)
        if own_name and not (bonus_rows and bonus_rows[-1].code == "B"):
            # a bonus row with a name of its own: an item of its own, its points the most it adds
            code = f"B{number}" if number else f"B{len(bonus_rows) + 1}"
            label = f"加分项{number or len(bonus_rows) + 1}"
        elif bonus_rows:
            code, label = bonus_rows[-1].code, bonus_rows[-1].label
        else:
            code, label = "B", "加分项"
    elif number:
        code = f"{prefix}.{number}" if prefix else number
        zh = _zh(prefix) if prefix and prefix.isdigit() else prefix
        label = f"{zh}.{number}" if prefix else number
    elif out and out[-1].section is section and not own_name:
        # no number, no name of its own: the row continues the indicator above
        code, label, name = out[-1].code, out[-1].label, out[-1].name
    else:
        code = f"{section.code}.R{rec.row}" if section else f"R{rec.row}"
        label = code
    coop = rec.cells.get("coop", "")
    last = out[-1] if out else None
    # a row continues the indicator above when the document merged them: same number and the points
    # merged, repeated or left empty (seed 001's indicator 5 over four rows) — a row with points of its own
    # is an item of its own (a department's three rows under one number); where the form records merged
    # cells, a points cell of the row's own (not merged) is its own points even when it repeats the value
    repeated = rec.cells.get("points") == last.points_text if last is not None else False
    continues = last is not None and last.code == code and not rec.bonus and last.section is section and (
        "points" in rec.merged or not rec.cells.get("points") or repeated and not merges_recorded
        and rec.cells.get("unit", "") == last.unit and rec.cells.get("indicator", "") == last.raw_name != "")
    if continues and last is not None:
        if criteria and criteria not in last.criteria:
            last.criteria += "\n" + criteria
        if rec.cells.get("units") and rec.cells["units"] not in last.units:
            last.units += "\n" + rec.cells["units"]
        if coop:
            last.coop.append((coop, rec.cells.get("coop_points", "")))
        if rec.cells.get("notes") and rec.cells["notes"] not in last.notes:
            last.notes += "\n" + rec.cells["notes"]
        last.rows.append(rec.row)
        return
    if rec.bonus and last is not None and last.bonus and code == last.code:
        last.criteria += "\n" + criteria
        last.rows.append(rec.row)
        return
    groups = [(rec.cells[role].strip(), points) for role in ("section", "indicator")
              if rec.cells.get(role) and (points := _title_points(rec.cells[role])) is not None
              and (role == "section" or "indicator" in rec.merged or rec.cells.get("criteria"))
              and BRACKET_POINTS.search(normalize(rec.cells[role]))] + list(rec.groups)
    out.append(Indicator(code=code, label=label, name=name, points_text=rec.cells.get("points", ""),
                         criteria=criteria, units=rec.cells.get("units", ""), bonus=rec.bonus,
                         rows=[rec.row], lead=rec.cells.get("lead", ""),
                         raw_name=rec.cells.get("indicator", ""),
                         coop=[(coop, rec.cells.get("coop_points", ""))] if coop else [], section=section,
                         unit=rec.cells.get("unit", ""), task=rec.cells.get("task", ""), groups=groups,
                         notes=rec.cells.get("notes", "")))


def _zh(section: str | None) -> str:
    digits = "一二三四五六七八九十"
    if section and section.isdigit() and 0 < int(section) <= 10:
        return digits[int(section) - 1]
    return str(section)


def _sections_that_are_items(result: Outline) -> None:
    """A section row with scoring text of its own and no rows under it is an item (「五、加强宣传舆论…
    7 | 1.每个乡镇…得5分…」); with rows under it, its text is noted for a person (「三、…」 repeating
    item 7's text) — never read as a second copy of its rows' points."""
    for n, section in enumerate(result.sections):
        if not section.text:
            continue
        rows = [i for i in result.indicators if _within(i.section, section)]
        if rows:
            result.notes.append(f"节「{section.label}、{section.title}」的标题行另有评分文字，未作条款读取，请核对")
            continue
        code = section.code if result.prefixed or not section.label or not section.label.isdigit() \
            and section.code not in {i.code for i in result.indicators} else f"S{section.code}"
        if code in {i.code for i in result.indicators}:
            code = f"S{section.code}"
        at = next((k for k, i in enumerate(result.indicators) if i.rows and i.rows[0] > section.row),
                  len(result.indicators))
        result.indicators.insert(at, Indicator(
            code=code, label=f"{section.label}、" if section.label else section.title, name=section.title,
            points_text=str(section.points or ""), criteria=section.text,
            units="", bonus=False, rows=[section.row], raw_name=section.title, section=section.parent,
            outside_base=section.outside_base))
        section.text = ""
        section.as_item = True
        del n


def _within(section: Section | None, outer: Section) -> bool:
    while section is not None:
        if section is outer:
            return True
        section = section.parent
    return False


def _repeated_numbers(result: Outline) -> None:
    """Rows that share a number but hold points of their own (县农粮局's three rows under 2) become
    `2.1`, `2.2`, `2.3` under a container `2` named after their unit."""
    groups: dict[str, list[Indicator]] = {}
    for ind in result.indicators:
        if not ind.bonus:
            groups.setdefault(ind.code, []).append(ind)
    for code, inds in groups.items():
        if len(inds) < 2:
            continue
        at = [result.indicators.index(i) for i in inds]
        if len({i.unit for i in inds}) > 1 or at[-1] - at[0] + 1 != len(inds):
            # one number printed twice for two units (石城 二.30 县工业园区管委会, 县能源办), or numbering
            # that starts again (「护林防火…1.～5.」 then 「安全生产…1、」): two items, not one row's parts
            for k, ind in enumerate(inds[1:], start=2):
                ind.code = f"{code}n{k}"
            continue
        for k, ind in enumerate(inds, start=1):
            ind.parent = code
            ind.code = f"{code}.{k}"
            ind.label = f"{ind.label}-{k}"
        first = inds[0]
        # a container quotes its name, or (rows with neither name nor unit) its first part's first line
        title = first.unit or first.name or next(iter(first.criteria.strip().splitlines()), "")[:40] or code
        result.containers[code] = (title, first.unit, first.section)
