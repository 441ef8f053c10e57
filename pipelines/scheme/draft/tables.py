"""Tables of cells (layouts.py) → records: one per row, its cells by the role of their column.

A column's role is read from its header words and from what it holds: the points column is numbers
(they add up to the totals the document states), the criteria column is clause text with scoring
words (扣, 得…分, 加…分, 不得分), the number column counts 1, 2, 3 or 一、二、三, a column of
department names under 考核项目 names the unit each row assesses. A table without a header row is
read by content alone; a table kept as a stream of cells (a web page's table, one cell per paragraph
or one line of `|`) is cut into rows at its points (or number) cells. Rows that only head a section
(「一、巩固成果…」 31, 「(一)污染物总量控制(30分)」) and the total row (总分 100) are records of their own
kind, so no section turns into an item and every stated total can be checked."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.scheme.draft import layouts, lexicon
from pipelines.scheme.draft.layouts import Cell, Table
from pipelines.scheme.draft.numbers import BRACKETED_POINTS, normalize

# header word → column role; a header cell takes the first role whose word it holds (order matters)
ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("coop_points", ("配合分值",)),
    ("criteria", ("评分标准", "计分标准", "评分规则", "考核标准", "评分细则", "评分办法", "计分方法",
                  "计分办法", "评分说明", "计分说明", "考评标准", "评分依据", "赋分细则", "评分方法",
                  "扣分标准", "考评细则", "评分及考核办法", "评分标准及方法", "所占分值")),
    ("ignore", ("主要工作任务", "完成时限", "联系人", "备注", "自评分", "考核分", "得分", "得 分", "考评得分",
                "说明", "计算公式", "操作说明", "指标定义", "考核指标值", "时限")),
    ("coop", ("配合部门", "配合单位")),
    ("lead", ("牵头部门", "牵头单位")),
    ("number", ("序号", "编号")),
    ("section", ("一级指标", "考核类别", "类别", "类  别", "项目类别")),
    ("points", ("分值", "权重", "分数", "标准分", "满分", "赋分")),
    ("units", ("责任单位", "考核单位", "评分单位", "责任部门", "考核部门", "认定部门", "考核对象",
               "牵头单位")),
    ("indicator", ("二级指标", "三级指标", "考核指标", "指标名称", "考核内容", "考核项目", "考评项目",
                   "考评内容", "考核重点", "重点工作", "考核要求", "评价内容", "工作任务", "分项", "项目",
                   "指标", "任务")),
)
HEADER_ROLES = {role for role, _ in ROLES}
SCORING = re.compile(r"扣\s*\d|扣分|得\s*\d|[加奖]\s*\d|不得分|不计分|\d\s*分|分别[扣奖加得]|一票否决|"
                     r"按.{0,12}比例|"
                     r"酌情|评分|计分|赋分|否决")
NUMBER_CELL = re.compile(r"^\s*[(（]?\s*(\d+(?:\.\d+)?)\s*(?:分)?\s*[)）]?\s*$")
PLAIN_NUMBER = re.compile(r"^\s*\d+(?:\.\d+)?\s*分?\s*$")
RANGE_CELL = re.compile(r"^\s*\d+(?:\.\d+)?\s*[~～\-—至]\s*(\d+(?:\.\d+)?)\s*(?:分)?\s*$")
ORDINAL = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]?|[(（][一二三四五六七八九十]+[)）])\s*$")
SECTION_HEAD = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[(（][一二三四五六七八九十]+[)）])")
UNIT_NAME = re.compile(r"^(?:[县市区省镇乡]|各)?[\u4e00-\u9fff、]{1,12}?"
                       r"(?:局|委|办|部|站|院|队|所|中心|管委会|公司|"
                       r"政府|街道|委员会|办事处|支队|大队)$")
TOTAL_WORDS = ("总分", "合计", "总计", "满分合计")


class TableError(ValueError):
    """The document holds no table this reader understands; the message names the file."""


@dataclass
class Record:
    """One row: its cells by role, its row number in its table (1-based) and whether it sits in a
    bonus section (二、加分项). `kind` is row, section (a row that only heads a section) or total;
    `merged` names the roles whose cell continues the row above (a vertically merged cell)."""
    cells: dict[str, str]
    row: int
    table: int
    bonus: bool = False
    kind: str = "row"
    merged: set[str] = field(default_factory=set)
    groups: list[tuple[str, float | int]] = field(default_factory=list)  # totals over it (Table.groups)


@dataclass
class Document:
    path: Path
    title: str
    records: list[Record] = field(default_factory=list)
    form: str = ""
    lines: list[str] = field(default_factory=list)      # all its text, a line per paragraph or cell


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text)


def role_match(header: str) -> tuple[str | None, int]:
    """(the role a header cell names, the length of the header word found); (None, 0) for data (a
    number, a numbered clause, a long text)."""
    text = _compact(header)
    if not text or len(text) > 24 or re.search(r"\d", text):
        return None, 0
    best: tuple[str | None, int] = (None, 0)
    for role, words in ROLES:                       # the longest header word found; ties: ROLES order
        found = max((len(_compact(w)) for w in words if _compact(w) in text), default=0)
        if found > best[1]:
            best = (role, found)
    return best


def role_of(header: str) -> str | None:
    return role_match(header)[0]


def _header_like(cells: list[str]) -> bool:
    """A header row: at least two cells name a role, no cell reads as data (a clause, a number)."""
    texts = [_compact(c) for c in cells if c and c.strip()]
    if len(texts) < 2 or any(NUMBER_CELL.match(t) or len(t) > 24 for t in texts):
        return False
    return sum(1 for t in texts if role_of(t)) >= 2


# ---------------------------------------------------------------- column roles

@dataclass
class Profile:
    """What a column holds over the body rows."""
    filled: int = 0
    numeric: int = 0
    ranges: int = 0
    scoring: int = 0
    units: int = 0
    ordinal: int = 0
    length: int = 0

    def share(self, count: int) -> float:
        return count / self.filled if self.filled else 0.0


def profile(rows: list[list[Cell]], column: int) -> Profile:
    p = Profile()
    for row in rows:
        if column >= len(row) or row[column].left or row[column].above:
            continue
        text = _compact(row[column].text)
        if not text:
            continue
        p.filled += 1
        p.length += len(text)
        p.numeric += bool(PLAIN_NUMBER.match(text))
        p.ranges += bool(RANGE_CELL.match(text))
        p.scoring += bool(SCORING.search(normalize(text))) and len(text) > 4
        p.units += bool(UNIT_NAME.match(text))
        p.ordinal += bool(ORDINAL.match(text) or re.fullmatch(r"\d{1,2}[、.．]?", text))
    return p


def column_roles(header: list[str] | None, body: list[list[Cell]], width: int) -> dict[int, str]:
    """{column: role}: header words first, then what the columns hold decides the criteria, points,
    number and assessed-unit columns (the header may name them otherwise or not at all)."""
    named: dict[int, str] = {}
    for n, text in enumerate(header or []):
        role = role_of(text)
        if role:
            named[n] = role
    profiles = {c: profile(body, c) for c in range(width)}
    roles = dict(named)

    def mean_length(c: int) -> float:
        return profiles[c].length / profiles[c].filled if profiles[c].filled else 0.0

    # criteria: the column of clause text with scoring words
    scored = sorted((c for c in range(width) if profiles[c].filled and mean_length(c) > 6),
                    key=lambda c: (profiles[c].share(profiles[c].scoring), mean_length(c)), reverse=True)
    named_criteria = [c for c, r in named.items() if r == "criteria"]
    if scored:
        best = scored[0]
        if not named_criteria or (profiles[best].share(profiles[best].scoring) > 0.3 and all(
                profiles[c].share(profiles[c].scoring) + 0.25 < profiles[best].share(profiles[best].scoring)
                for c in named_criteria)):
            for c in named_criteria:
                roles[c] = "indicator"
            if roles.get(best) not in ("criteria",):
                roles[best] = "criteria"
    # points: a column of numbers (or 0~7 ranges) that is not the running number
    points = [c for c, r in roles.items() if r == "points"]
    first = profiles[points[0]] if points else None
    if first is None or first.share(first.numeric + first.ranges) < 0.5:
        numeric = [c for c in range(width) if profiles[c].filled
                   and profiles[c].share(profiles[c].numeric + profiles[c].ranges) >= 0.6
                   and roles.get(c) not in ("number", "criteria", "coop_points")
                   and not _counts_up(body, c)]
        if numeric:
            for c in points:
                roles.pop(c)
            roles[numeric[0]] = "points"
    # number: 1, 2, 3 … or 一、二、三
    if "number" not in roles.values():
        for c in range(width):
            if c not in roles and profiles[c].filled and _counts_up(body, c):
                roles[c] = "number"
                break
    # no column named for what is assessed: the first column before the points (or the criteria) that
    # holds short names in most rows, not numbers, not clauses (「考核验收内容」「1.1政府召开会议部署…」)
    if not {"indicator", "section", "task"} & set(roles.values()):
        anchor = next((c for c in sorted(roles) if roles[c] in ("points", "criteria")), width)
        for c in range(anchor):
            p = profiles[c]
            if c not in roles and p.filled and p.filled * 2 >= len(body) and mean_length(c) > 2 \
                    and p.share(p.numeric + p.ranges) < 0.5 and p.share(p.scoring) < 0.3:
                roles[c] = "indicator"
                break
    # a column of department names under 考核项目 (no header of its own): the unit each row assesses
    for c in range(width):
        p = profiles[c]
        if p.filled >= 3 and p.share(p.units) >= 0.6 and roles.get(c) in (None, "indicator") \
                and header is not None and c > 0 and _spanned_header(header, c):
            roles[c] = "unit"
    # two indicator-like columns, the first repeated over the rows of the second: the first is a section
    indicators = [c for c in sorted(roles) if roles[c] == "indicator"]
    if len(indicators) >= 2 and "section" not in roles.values():
        first = indicators[0]
        spans = sum(1 for row in body if first < len(row) and row[first].above)
        if spans or (header and role_of(header[first]) == "indicator"
                     and any(role_of(header[c]) == "indicator" for c in indicators[1:])):
            roles[first] = "section"
    # further indicator-like columns describe the task (考评内容 after 考评项目)
    for c in [c for c in sorted(roles) if roles[c] == "indicator"][1:]:
        roles[c] = "task"
    return roles


def _spanned_header(header: list[str], column: int) -> bool:
    """The column has no header of its own: a merged header cell (colspan) covers it."""
    return column < len(header) and (not header[column].strip() or header[column] == header[column - 1])


def _counts_up(body: list[list[Cell]], column: int) -> bool:
    """The column counts rows: 1, 2, 3 … (or 一、二、…), at least three of them in order."""
    values = []
    for row in body:
        if column < len(row) and not row[column].above:
            text = _compact(row[column].text).rstrip("、.．")
            if re.fullmatch(r"\d{1,3}", text):
                values.append(int(text))
    return len(values) >= 3 and sum(1 for a, b in zip(values, values[1:], strict=False) if b in (a, a + 1)) \
        >= 0.7 * (len(values) - 1) and values[0] <= 2


# ---------------------------------------------------------------- rows → records

def _is_bonus_marker(text: str) -> bool:
    return bool(re.match(r"^\s*[一二三四五六七八九十]+[、.．]\s*(?:加分|奖励加分|附加分)", text or "")) \
        or bool(BONUS_HEADING.match(text or ""))


# a cell that only names the bonus part (「附加分（非必填）」「加分项目」) in a name or unit column
BONUS_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]\s*)?(?:附加分|加分项目?|奖励加分|加分)"
                           r"\s*(?:[(（][^)）]{0,12}[)）])?\s*$")
# columns whose empty cell, in a text table, continues the cell above (a merged cell copied as text)
CARRIED = ("section", "units", "unit", "lead")


def row_kind(cells: dict[str, str], raw: list[Cell]) -> str:
    texts = [_compact(c.text) for c in raw if c.text.strip() and not c.left]
    if any(t in TOTAL_WORDS or t.rstrip("：:") in TOTAL_WORDS for t in texts):
        return "total"
    number = _compact(cells.get("number", ""))
    distinct = {t for t in texts}
    if len(distinct) == 1 and not PLAIN_NUMBER.match(next(iter(distinct))) and (
            SECTION_HEAD.match(next(iter(distinct))) or re.search(BRACKETED_POINTS + r"\s*$",
                                                                 next(iter(distinct)))):
        return "section"                    # a row of one spanning cell: 「一、重点工作指标(135分)」
    if ORDINAL.match(number) and not re.fullmatch(r"\d+", number):
        return "section"                    # 序号 一、
    return "row"


def records_from_table(table: Table, index: int, bonus: bool) -> tuple[list[Record], bool, str]:
    """A table's records; returns (records, still in a bonus section, title found above the header)."""
    rows = table.rows
    width = max((len(r) for r in rows), default=0)
    header_at = next((r for r, row in enumerate(rows) if _header_like(_header_texts(row))), None)
    header: list[str] | None = None
    start = 0
    title = ""
    heads: list[list[Cell]] = []
    if header_at is not None:
        header = _header_texts(rows[header_at])
        start = header_at + 1
        # a second header row under the first (merged headers): join the words column by column
        while start < len(rows) and _header_like(_header_texts(rows[start])) \
                and not any(NUMBER_CELL.match(c.text.strip()) for c in rows[start] if c.text.strip()):
            below = _header_texts(rows[start])
            header = [a + (b if b and b != a else "") for a, b in
                      zip(header + [""] * (width - len(header)), below + [""] * (width - len(below)),
                          strict=False)]
            start += 1
        above = [c.text.strip() for row in rows[:header_at] for c in row if c.text.strip() and not c.left]
        title = above[0] if len(set(above)) == 1 and not SECTION_HEAD.match(above[0]) else ""
        heads = [row for row in rows[:header_at] if row_kind({}, row) == "section"]
    body = [row for row in rows[start:]]
    roles = column_roles(header, [r for r in body if _data_like(r)], width)
    records: list[Record] = [
        Record(cells={"indicator": next(c.text.strip() for c in row if c.text.strip())}, row=r + 1,
               table=index, bonus=bonus, kind="section") for r, row in enumerate(rows) if row in heads]
    for r, row in enumerate(body, start=start + 1):
        texts = [c.text for c in row]
        if r - 1 in table.marks and _is_bonus_marker(table.marks[r - 1]):
            bonus = True
        before = bonus
        if any(_is_bonus_marker(t) for t in texts):
            bonus = True                    # 「二、加分项」: this row (not a total) and the next ones
        if not any(t.strip() for t in texts):
            continue
        cells = _cells_by_role(row, roles)
        merged = {role for n, role in roles.items() if n < len(row) and row[n].above}
        for role in CARRIED:
            if BONUS_HEADING.match(cells.get(role, "")):
                cells[role] = ""                # 「附加分（非必填）」 in the unit column: the bonus part
        kind = row_kind(cells, row)
        if kind == "row" and table.form in ("tsv", "pipes", "word-text", "spaced") and records \
                and records[-1].kind == "row" and records[-1].bonus == bonus:
            for role in CARRIED:
                if role in cells and not cells[role] and records[-1].cells.get(role):
                    cells[role] = records[-1].cells[role]
                    merged.add(role)
        if kind == "row" and header is None and not cells.get("criteria") and not cells.get("points"):
            kind = "section" if SECTION_HEAD.match(" ".join(t for t in texts if t.strip())) else "skip"
        if kind == "skip":
            continue
        if kind == "section" and not cells.get("indicator") and not cells.get("section"):
            cells["indicator"] = next((t.strip() for t in texts if t.strip() and not ORDINAL.match(t)), "")
        if kind == "row" and _is_bonus_marker(cells.get("number", "") + cells.get("indicator", "")) \
                and not cells.get("criteria"):
            continue
        records.append(Record(cells=cells, row=r, table=index, bonus=before if kind == "total" else bonus,
                              kind=kind, merged=merged, groups=table.groups.get(r - 1, [])))
    return records, bonus, title


def _cells_by_role(row: list[Cell], roles: dict[int, str]) -> dict[str, str]:
    """{role: text}; where several columns share a role, the first filled one names the row
    (indicator, number, points, section) and the others' texts join (criteria, task, units)."""
    texts: dict[str, list[str]] = {}
    for n in sorted(roles):
        role = roles[n]
        if role == "ignore":
            role = "notes"          # 备注, 说明, 计算公式: not read, but a person must see scoring there
        text = (row[n].text if n < len(row) and not row[n].left else "").strip()
        texts.setdefault(role, [])
        if text and text not in texts[role]:
            texts[role].append(text)
    first = ("indicator", "number", "points", "section", "unit", "lead", "coop", "coop_points")
    return {role: (values[0] if values else "") if role in first else "\n".join(values)
            for role, values in texts.items()}


def _header_texts(row: list[Cell]) -> list[str]:
    return [("" if c.left else c.text) if not c.left else "" for c in row]


def _data_like(row: list[Cell]) -> bool:
    texts = [c.text for c in row if c.text.strip() and not c.left]
    return len(texts) >= 2


# ---------------------------------------------------------------- cell streams

def stream_table(cells: list[str]) -> Table | None:
    """A table kept as a stream of cells (one cell per paragraph, or every cell on one line of `|`):
    the header run fixes the columns; the body is cut into rows at its points cells (at its number
    cells when the header has no points column); the cells before a row's points cell fill the
    columns before it from the right (a merged cell printed once leaves the ones to its left empty),
    those after it fill the criteria (every cell holding scoring words) and then the columns after.
    A cell that is only 「(9分)」 belongs to the cell before it; 「一、…(125分)」 heads a section."""
    cells = [c for c in (c.strip() for c in cells)]
    start, header = _stream_header(cells)
    body = [c for c in cells[start:] if c.strip()]
    roles = [role_of(h) or "ignore" for h in header] if header else []
    anchor = "points" if "points" in roles else "number" if "number" in roles else "points"
    # join 「(9分)」 and short continuations onto the cell before
    joined: list[str] = []
    for c in body:
        if joined and re.fullmatch(BRACKETED_POINTS, _compact(c)) \
                and not NUMBER_CELL.fullmatch(joined[-1]) and not SECTION_HEAD.match(joined[-1]):
            joined[-1] += c
        else:
            joined.append(c)
    body = joined
    anchors = _anchors(body, anchor)
    if not anchors:
        return None
    if not header:
        return _headless_stream(body, anchors)
    at = roles.index(anchor) if anchor in roles else 1
    if anchor == "points" and "criteria" in roles[:at] and anchors[0] > 0 \
            and _clause(body[anchors[0] - 1]):
        return _clause_first_stream(body, anchors)
    before_roles = roles[:at] if roles else ["indicator"]
    after_roles = roles[at + 1:] if roles else ["criteria"]
    width = max(len(roles), 1 + len(before_roles) + len(after_roles))
    out_header = header if header else [*["考核内容"] * len(before_roles), "分值",
                                        *["评分标准"] * len(after_roles)]
    if not header:
        out_header = ["考核内容", "分值", "评分标准"]
        before_roles, after_roles, at, width = ["indicator"], ["criteria"], 1, 3
    rows: list[list[Cell]] = [[Cell(h) for h in out_header]]
    stated = _stated_total(cells[:start])
    if stated is not None:
        # 「表一 …考核评价指标」「(1000分)」 above the header: the table's total
        rows.append([Cell("总分")] + [Cell("")] * (at - 1) + [Cell(stated)] + [Cell("")] * (width - at - 1))
    previous_end = 0
    last_values: list[str] = [""] * width
    for k, a in enumerate(anchors):
        nxt = anchors[k + 1] if k + 1 < len(anchors) else len(body)
        lead = body[previous_end:a]
        # after the anchor: criteria cells (scoring words), then the trailing columns; what is left
        # before the next row's leading cells
        tail = body[a + 1:nxt]
        total_at = next((i for i, c in enumerate(tail) if _compact(c) in TOTAL_WORDS), None)
        if total_at is not None:
            tail, total_tail = tail[:total_at], tail[total_at:]
        else:
            total_tail = []
        criteria: list[str] = []
        n = 0
        crit_at = next((i for i, r in enumerate(after_roles) if r == "criteria"), 0) if after_roles else 0
        if not header:
            crit_at = 0
        pre_crit = tail[:crit_at]
        n = crit_at
        while n < len(tail) and (not criteria or SCORING.search(normalize(tail[n]))) \
                and not SECTION_HEAD.match(tail[n]) and (not criteria or len(_compact(tail[n])) > 6):
            criteria.append(tail[n])
            n += 1
        rest = tail[n:]
        total_row = total_tail
        next_lead_count = _leading_count(rest, before_roles, body, nxt) if nxt < len(body) else 0
        trailing = rest[:len(rest) - next_lead_count] if next_lead_count else rest
        carry = rest[len(rest) - next_lead_count:] if next_lead_count else []
        sections = [c for c in lead if SECTION_HEAD.match(c) or _is_section_line(c)]
        lead = [c for c in lead if c not in sections]
        for s in sections:
            rows.append([Cell(s)] + [Cell(s, left=True)] * (width - 1))
        row = [Cell("")] * width
        # leading cells fill the columns before the anchor from the right
        for i, text in enumerate(reversed(lead[-len(before_roles):] if before_roles else [])):
            row[at - 1 - i] = Cell(text)
        for i in range(at):
            if not row[i].text and last_values[i]:
                row[i] = Cell(last_values[i], above=True)
        row[at] = Cell(body[a])
        values_after = [*pre_crit, "\n".join(criteria), *trailing]
        for i, text in enumerate(values_after[:len(after_roles)]):
            row[at + 1 + i] = Cell(text)
        if len(values_after) > len(after_roles) and after_roles:
            extra = "\n".join(values_after[len(after_roles):])
            row[width - 1] = Cell((row[width - 1].text + "\n" + extra).strip())
        rows.append(row)
        if total_row:
            rows.append([Cell(total_row[0]), *[Cell(t) for t in total_row[1:]]] + [Cell("")] * 0)
        last_values = [c.text for c in row]
        previous_end = nxt - len(carry)
    return Table(rows, form="cells")


def _clause(text: str) -> bool:
    """A cell of criteria: clause text with a scoring word, not a short name or a number."""
    return len(_compact(text)) > 6 and bool(SCORING.search(normalize(text))) \
        and not NUMBER_CELL.fullmatch(text)


def _clause_first_stream(body: list[str], anchors: list[int]) -> Table:
    """The header puts the criteria before the points and so does the body — each row's clause, then
    its points cell (「1、成立…每缺一项扣0.5分」「1」): a points cell closes the row of the clause cells
    just before it (a clause continued in a cell of its own joins it); the short cells before them
    (「1 队」, a merged 项目 cell's number and first character) head a section; a points cell right after
    another one, with nothing between, is a merged cell's total over its rows, not a row."""
    rows: list[list[Cell]] = [[Cell("评分标准"), Cell("分值")]]
    previous = 0
    for a in anchors:
        lead = body[previous:a]
        previous = a + 1
        if not lead:
            continue                    # 「1」「10分」: the second is the merged 项目 cell's total
        first_clause = len(lead)
        while first_clause > 0 and _clause(lead[first_clause - 1]):
            first_clause -= 1
        for text in lead[:first_clause]:
            rows.append([Cell(text), Cell(text, left=True)])
        clause = "".join(lead[first_clause:])
        if clause:
            rows.append([Cell(clause), Cell(body[a])])
    for text in body[previous:]:         # a row cut before its points: read as clause text, no points
        rows.append([Cell(text), Cell("")])
    return Table(rows, form="cells")


def _stated_total(before: list[str]) -> str | None:
    """The points a table states for itself in the lines just above its header: 「(1000分)」 alone, or
    a title ending with them."""
    cells = [c for c in before if c.strip()]
    while cells and len(_compact(cells[-1])) <= 12 and not re.search(r"\d", cells[-1]):
        cells.pop()                             # the header's own words
    for cell in reversed(cells[-3:]):
        m = re.fullmatch(r".{0,40}?[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]", _compact(cell))
        if m and not SECTION_HEAD.match(cell):
            return m.group(1)
    return None


def _headless_stream(body: list[str], anchors: list[int]) -> Table:
    """No header: each points cell closes a row whose text is the cell before it (「3.1 道路。…」
    「0~7」); a cell that is only 「(35分)」, or heads a section, opens a section."""
    rows: list[list[Cell]] = [[Cell("考核内容"), Cell("分值")]]
    previous = 0
    for a in anchors:
        lead = body[previous:a]
        for text in lead[:-1]:
            if re.fullmatch(BRACKETED_POINTS, _compact(text)) \
                    or SECTION_HEAD.match(text):
                rows.append([Cell(text), Cell(text, left=True)])
        if lead:
            rows.append([Cell(lead[-1]), Cell(body[a])])
        previous = a + 1
    return Table(rows, form="cells")


def _is_section_line(text: str) -> bool:
    return bool(re.search(r"[(（]\s*\d+\s*分\s*[)）]\s*$", text)) and len(_compact(text)) > 8 \
        and bool(SECTION_HEAD.match(text))


def _leading_count(rest: list[str], before_roles: list[str], body: list[str], nxt: int) -> int:
    """How many of the cells after a row's criteria lead the next row: at most one per column before
    the anchor, counted from the end; a cell with scoring words never leads a row."""
    count = 0
    for text in reversed(rest):
        if count >= max(len(before_roles), 1) or SCORING.search(normalize(text)) and len(text) > 12:
            break
        count += 1
    # keep at least the trailing columns' worth after the criteria: short unit names stay behind
    while count and UNIT_NAME.match(_compact(rest[len(rest) - count])) and len(rest) - count < len(rest):
        if len(rest) - count >= 0 and count == len(rest):
            break
        count -= 1
    return count


def _anchors(body: list[str], anchor: str) -> list[int]:
    out = []
    expected = 1
    for n, text in enumerate(body):
        compact = _compact(text)
        if anchor == "number":
            if re.fullmatch(r"\d{1,3}", compact) and int(compact) == expected:
                out.append(n)
                expected += 1
        elif NUMBER_CELL.fullmatch(compact) and not re.search(r"[(（]", compact) \
                or RANGE_CELL.fullmatch(compact):
            if n > 0 and _compact(body[n - 1]) in TOTAL_WORDS:
                continue
            out.append(n)
    return out


def _consumed(cells: list[str], start: int, header: list[str]) -> int:
    """The index after the cells that make up these header words (fragments joined)."""
    need = _compact("".join(header))
    k, got = start, ""
    while k < len(cells) and len(got) < len(need):
        got += _compact(cells[k])
        k += 1
    return k


def _stream_header(cells: list[str]) -> tuple[int, list[str]]:
    """(index after the header run, header words); (0, []) when no run of header words is found."""
    for n in range(len(cells)):
        run: list[str] = []
        k = n
        while k < len(cells) and len(_compact(cells[k])) <= 12 and not NUMBER_CELL.match(cells[k]) \
                and cells[k].strip():
            run.append(cells[k])
            k += 1
        if sum(1 for c in run if role_of(c)) >= 2:
            # header fragments that name no role join the cell before (「指标认」「定部门」,
            # 「考 评」「得 分」)
            merged: list[str] = []
            for c in run:
                joined = role_match(merged[-1] + c)[1] if merged else 0
                if merged and joined > max(role_match(merged[-1])[1], role_match(c)[1]):
                    merged[-1] += c                 # 「指标认」「定部门」 → 指标认定部门
                elif merged and not role_of(c) and not role_of(merged[-1]):
                    merged[-1] += c
                else:
                    merged.append(c)
            first = next(i for i, c in enumerate(merged) if role_of(c))
            # the run ends at its last header word: a short first data cell (「1、造林绿化任务完成情况」,
            # 「基础工作(50分)」) is not part of the header
            last = max(i for i, c in enumerate(merged) if role_of(c))
            consumed = k - (len(merged) - 1 - last) if last < len(merged) - 1 else k
            return _consumed(cells, n, merged[:last + 1]) if last < len(merged) - 1 else consumed, \
                merged[first:last + 1]
    return 0, []


# ---------------------------------------------------------------- outlines

MARKERS = (
    ("l1", r"[一二三四五六七八九十]+[、.．]"),
    ("l2", r"[(（][一二三四五六七八九十]+[)）]"),
    ("l3", r"\d{1,2}(?:[、．]|\.(?!\d))"),
    # a bare number before a title in brackets: 「。2燃煤治理(10分)。」「。3倒扣分(仅年终考核实施)。」
    ("l3b", r"\d{1,2}(?=[\u4e00-\u9fff][^。；;(（\d]{1,24}[(（])"),
    ("l4", r"[(（]\d{1,2}[)）]"),
    ("l5", r"[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]"),
)
HEADING = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in MARKERS))
POINTS_IN_TITLE = re.compile(r"[(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]")
# an unnumbered category and its points, alone on its line: 「环境质量指标(35分)」
CATEGORY_LINE = re.compile(r"^[\u4e00-\u9fff、]{2,20}" + BRACKETED_POINTS + r"$")
# a short heading whose points close it in words (共20分, 共计30分, 计10分), nothing after them
SUMMED_IN_TITLE = re.compile(r"([^。；;:：]{2,40}?)[,，]\s*(?:共计|合计|共|计)\s*"
                             r"(\d+(?:\.\d+)?)\s*分[。；;.]?")


@dataclass
class Node:
    level: str
    marker: str
    text: str
    children: list[Node] = field(default_factory=list)

    @property
    def title(self) -> str:
        m = POINTS_IN_TITLE.search(self.text.split("\n", 1)[0][:60])
        head = self.text[:m.start()] if m else re.split(r"[。:：；;,，]", self.text, maxsplit=1)[0]
        return head.strip()

    @property
    def points(self) -> str:
        line = self.text.split("\n", 1)[0]
        m = POINTS_IN_TITLE.search(line[:60])
        if m and m.start() <= 40:
            return m.group(1)
        # a long clause closing on its points: 「3、各村(社区)要…确保30分钟内队伍集结到位。(3分)」
        m = re.search(r"[。；;][(（]\s*(\d+(?:\.\d+)?)\s*分\s*[)）][。.]?$", line)
        if m and "\n" not in self.text.strip():
            return m.group(1)
        # a heading closing on its points in words: 「(一)网格化环境监管工作安排部署情况,共20分。」
        m = SUMMED_IN_TITLE.fullmatch(line.strip())
        return m.group(2) if m and not SCORING.search(normalize(m.group(1))) else ""

    def scoring(self) -> bool:
        body = normalize(self.text)
        return bool(lexicon.amount_phrase().search(body)
                    or re.search(r"不得分|一票否决|分别[扣奖加]|扣分|加分", body))


def outline_table(text: str) -> Table | None:
    """A numbered outline (no table): each heading (一、 (一) 1. (1) ①, on its own line or after a
    stop within a line) is a node; the nodes that carry points 「(20分)」 or scoring words are rows —
    a node whose children carry points heads a section, the others are items whose criteria are their
    text. Everything before the first such node is preamble (the title is its first line)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return None
    flat = "\n".join(lines)
    # inline headings: 「… 2、成活率…」 after a space or a stop; line starts are headings anyway
    cuts = [m.start() for m in HEADING.finditer(flat)
            if m.start() == 0
            or flat[m.start() - 1] in "\n 　。；;" and not _inside_brackets(flat, m.start())
            # right after a heading's points: 「(一)…(60分)1.PM2.5…」「(40分)1扬尘治理(9分)」
            or re.search(BRACKETED_POINTS + r"$", flat[:m.start()])
            and not _inside_brackets(flat, m.start())
            # a section heading with its points run into the text before it: 「…设置(一)空气质量…(60分)」
            or m.lastgroup in ("l1", "l2") and POINTS_IN_TITLE.match(flat, m.end() + 2) is None
            and re.match(r"[^。；;(（]{2,30}" + BRACKETED_POINTS, flat[m.end():])
            and not _inside_brackets(flat, m.start())]
    # a category on a line of its own, unnumbered, with its points (「污染控制指标(40分)」 between 四、 and
    # 五、): a heading over the numbered ones after it, not the end of the item before it
    categories, at = set(), 0
    for n, line in enumerate(lines):
        if n and CATEGORY_LINE.match(line) and not HEADING.match(line):
            categories.add(at)
        at += len(line) + 1
    if any(c > min(cuts, default=0) for c in categories):
        cuts = sorted(set(cuts) | categories)
    else:
        categories = set()              # no numbered heading after them: not an outline's categories
    nodes: list[Node] = []
    for a, b in zip(cuts, [*cuts[1:], len(flat)], strict=False):
        if a in categories:
            nodes.append(Node("l0", "", flat[a:b].strip()))
            continue
        m = HEADING.match(flat, a)
        assert m is not None
        level = "l3" if m.lastgroup in (None, "l3b") else m.lastgroup
        nodes.append(Node(level, m.group(0), flat[m.end():b].strip()))
    if not nodes:
        return None
    title = next((line for line in lines if not HEADING.match(line)), lines[0])
    named = re.match(r"^.{4,60}?(?:办法|细则|标准|方案)", title)
    if len(title) > 60 and named:
        title = named.group(0)                  # a title run into the text after it
    # nest by marker level, in order of first appearance (一、 above (一) above 1. …)
    order: list[str] = []
    for node in nodes:
        if node.level not in order:
            order.append(node.level)
    rank = {level: n for n, level in enumerate(order)}
    roots: list[Node] = []
    stack: list[Node] = []
    for node in nodes:
        while stack and rank[stack[-1].level] >= rank[node.level]:
            stack.pop()
        (stack[-1].children if stack else roots).append(node)
        stack.append(node)
    rows: list[list[Cell]] = [[Cell("序号"), Cell("考核项目"), Cell("分值"), Cell("评分标准")]]

    def pointed(node: Node) -> bool:
        return bool(node.points) or node.scoring() or any(pointed(c) for c in node.children)

    def visit(node: Node, depth: int) -> None:
        kids = [c for c in node.children if pointed(c)]
        if kids and (node.points or any(c.points for c in kids) and depth > 0 or node.points):
            rows.append([Cell(node.marker), Cell(node.title + (f"({node.points}分)" if node.points else "")),
                         Cell(""), Cell("")])
            rows[-1] = [Cell(_section_label(node)), *[Cell(_section_label(node), left=True)] * 3]
            for child in kids:
                visit(child, depth + 1)
            return
        if kids:
            for child in kids:
                visit(child, depth + 1)
            return
        if node.points or node.scoring():
            body = node.text
            rows.append([Cell(_marker_number(node.marker)), Cell(node.title), Cell(node.points),
                         Cell(body + "".join("\n" + c.marker + c.text for c in node.children))])

    for root in roots:
        visit(root, 0)
    if len(rows) == 1:
        return None
    return Table(rows, title=title, form="outline")


def _marker_number(marker: str) -> str:
    """「(一)」「二、」「③」「4.」 → its number as digits (an outline item's 序号)."""
    from pipelines.scheme.draft.numbers import cn_int

    core = re.sub(r"[()（）、.．\s]", "", marker)
    if not core:
        return ""                       # an unnumbered category
    circled = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
    if core in circled:
        return str(circled.index(core) + 1)
    return core if core.isdigit() else str(cn_int(core))


def _section_label(node: Node) -> str:
    return f"{node.marker}{node.title}" + (f"({node.points}分)" if node.points else "")


def _inside_brackets(text: str, at: int) -> bool:
    before = text[max(0, at - 30):at]
    return before.count("(") + before.count("（") > before.count(")") + before.count("）")


# ---------------------------------------------------------------- cells run together

def _header_run(line: str) -> tuple[int, int, list[str]] | None:
    """The longest run of header words written together (「序号重点工作分值评分标准」) near the start
    of a line: (start, end, words)."""
    words = sorted({_compact(w) for _, ws in ROLES for w in ws}, key=len, reverse=True)
    best: tuple[int, int, list[str]] | None = None
    for start in range(min(len(line), 300)):
        pos, found = start, []
        while (word := next((w for w in words if line.startswith(w, pos)), None)) is not None:
            found.append(word)
            pos += len(word)
        if len(found) >= 3 and (best is None or len(found) > len(best[2])):
            best = (start, pos, found)
    return best


def glued_table(text: str) -> Table | None:
    """A table whose cells a copy ran together (「序号重点工作分值评分标准1生态公益林建设管理8 补偿资金…」):
    the header words name the columns in order; a row starts where the next number (1, 2, 3 …) is
    followed by a name and the row's points; the columns after the points hold the rest of the row."""
    for line in text.splitlines():
        run = _header_run(_compact(line))
        if run is None:
            continue
        words = run[2]
        roles = [role_of(w) for w in words]
        if "number" in roles:               # 「…考核评分细则序号重点工作…」: 细则 is the title's
            cut = roles.index("number")
            words, roles = words[cut:], roles[cut:]
        if "points" in roles and roles[:3] != ["number", "indicator", "points"]:
            table = _glued_by_points(text, line, words, roles)
            if table is not None:
                return table
            continue
        if roles[:3] != ["number", "indicator", "points"] or "criteria" not in roles[3:]:
            continue
        compact = _compact(line)
        title = compact[:compact.index("".join(words))]
        body = text[text.index(line):]
        # the header as written (with its spaces) ends where its last word ends
        at = 0
        for word in words:
            at = body.index(word[-1], body.index(word[0], at)) + 1
        body = body[at:]
        rows: list[list[Cell]] = [[Cell(w) for w in words[:4]]]
        starts: list[re.Match[str]] = []
        pos, k = 0, 1
        while True:
            row_at = re.compile(rf"(?:^|(?<=[。.；;！!\s]))({k})\s*([^\d\s。，,；;:：]{{2,30}}?)\s*"
                                rf"(\d+(?:\.\d+)?)(?![\d.%分])")
            m = row_at.search(body, pos)
            if m is None:
                break
            starts.append(m)
            pos, k = m.end(), k + 1
        if len(starts) < 2:
            continue
        for n, m in enumerate(starts):
            end = starts[n + 1].start() if n + 1 < len(starts) else len(body)
            rows.append([Cell(m.group(1)), Cell(m.group(2)), Cell(m.group(3)),
                         Cell(body[m.end():end].strip())])
        return Table(rows, title=title, form="glued")
    return None


# a row's points run into the text around it: after a sentence's end, before the next words
# (「…三落实。5每缺一项扣0.5分。」「…全覆盖。10(2)建立…」) — not a date or a count (3月20日, 2个)
GLUED_POINTS = re.compile(r"(?<=[。;；!！?？])\s*(\d{1,3}(?:\.\d+)?)(?![\d.]|\s*[月日年天个次项条处%分])"
                          r"(?=\s*[\u4e00-\u9fff“\"(（]|\s*$)")
GLUED_SECTION = re.compile(r"^\s*((?:[一二三四五六七八九十]+\s*[、.．]\s*)?[^\s。，,；;:：(（]{2,16}"
                           + BRACKETED_POINTS + r")")


def _glued_by_points(text: str, line: str, words: list[str], roles: list[str | None]) -> Table | None:
    """A run-together table whose points come after the clause (「考核项目考核要求分值评分细则
    基础工作(50分)实施方案按时出台;…三落实。5每缺一项扣0.5分。…」, 「考核类别考核内容分值备注
    一、政策制度(20分)(1)各部门要…全覆盖。10(2)…」): each points number closes the words before it (the
    row's task); after it, the sentences holding scoring words are the row's 评分细则 when the header
    has one, the rest opens the next row; a title with its points (基础工作(50分)) heads a section."""
    compact = _compact(line)
    title = compact[:compact.index("".join(words))].rstrip("?？:： ")
    body = text[text.index(line):]
    at = 0
    for word in words:
        at = body.index(word[-1], body.index(word[0], at)) + 1
    body = body[at:]
    with_criteria = "criteria" in roles[roles.index("points") + 1:]
    anchors = list(GLUED_POINTS.finditer(body))
    if len(anchors) < 2:
        return None
    points = [m.group(1) for m in anchors]
    if "number" in roles and roles.index("number") < roles.index("points"):
        # 序号 before the points: a row's points run into the next row's number (「…扣0.5分。33主要…」
        # is 3 points, then row 3) — split where the digits end on the number the next row must have
        following, split = 2, []
        numbered: dict[int, int] = {0: 1}
        for n, digits in enumerate(points):
            # the next number, or one a little after it when the copy lost a row or its number
            number = next((str(k) for k in range(following, following + 3)
                           if len(digits) > len(str(k)) and digits.endswith(str(k))), None)
            if number is not None and "." not in digits:
                split.append(n)
                numbered[n + 1] = int(number)           # the row after these points
                points[n] = digits[:-len(number)]
                following = int(number) + 1
        if len(split) < 3 or len(split) * 3 < len(points):
            points = [m.group(1) for m in anchors]      # not the rows' numbers: the digits as written
            split = []
    else:
        split, numbered = [], {}
    header = ["序号", "考核内容", "分值", *(["评分标准"] if with_criteria else [])]
    width = len(header)
    rows: list[list[Cell]] = [[Cell(h) for h in header]]
    groups: dict[int, list[tuple[str, float | int]]] = {}
    over: list[tuple[str, float | int]] = []        # the merged cells over the rows, outermost first
    lead_start, last = 0, 0
    for n, m in enumerate(anchors):
        lead = body[lead_start:m.start()].strip()
        end = anchors[n + 1].start() if n + 1 < len(anchors) else len(body)
        tail = body[m.end():end]
        criteria = ""
        if with_criteria:
            sentences = re.findall(r"[^。;；]*[。;；]?", tail)
            taken = 0
            for sentence in sentences:
                if sentence.strip() and (not taken or SCORING.search(normalize(sentence))):
                    taken += 1
                    criteria += sentence
                elif sentence.strip():
                    break
            lead_start = m.end() + len(criteria)
            if n + 1 == len(anchors):
                criteria = tail
        else:
            lead_start = m.end()
        section = GLUED_SECTION.match(lead)
        if section:
            rows.append([Cell(section.group(1))] + [Cell(section.group(1), left=True)] * (width - 1))
            lead = lead[section.end():].strip()
        if split:
            # the row's number: as the points before it were split, else a little after the last one
            last = numbered.get(n) or last + 1
            heads, lead, last = _merged_heads(lead, range(last, last + 3) if n not in numbered else [last])
            if len(heads) >= 2 or not over:
                over = heads                            # 「类别45分 + 检查内容18分」: a new outer cell
            elif heads:
                over = [*over[:-1], *heads]             # 「厕所12分」: the next inner cell, same outer
            if over:
                groups[len(rows)] = list(over)
        number = re.match(r"^[(（](\d{1,2})[)）]\s*", lead)
        row = [Cell(number.group(1) if number else ""), Cell(lead[number.end():] if number else lead),
               Cell(points[n])]
        if with_criteria:
            row.append(Cell(criteria.strip()))
        rows.append(row)
    return Table(rows, title=title, form="glued", groups=groups)


# a merged cell's text and points a copy ran into a row's text before the row's number
MERGED_HEAD = re.compile(r"([^\d\s。，,；;:：()（）]{2,20}?)(\d+(?:\.\d+)?)分")


def _merged_heads(lead: str, numbers: range | list[int]) -> tuple[list[tuple[str, float | int]], str, int]:
    """The merged cells (name and points) run into a row's text before its number, outermost first:
    「农村村庄环境卫生考核评分45分村庄环境公共区域18分1主要道路…」 row 1 → [(…考核评分, 45),
    (村庄环境公共区域, 18)] and 「1主要道路…」, and the row's number. Only when a number the row may have
    follows them: else the text is the row's own."""
    heads: list[tuple[str, float | int]] = []
    rest = lead
    while (m := MERGED_HEAD.match(rest)) is not None:
        heads.append((m.group(1), _num(m.group(2))))
        rest = rest[m.end():]
    found = re.match(r"(\d{1,2})(?![\d.分])", rest)
    if not heads or not found or int(found.group(1)) not in numbers:
        return [], lead, numbers[0]
    return heads, rest, int(found.group(1))


def _num(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


# ---------------------------------------------------------------- documents

def text_tables(text: str) -> tuple[str, list[Table]]:
    """A text file: the first form that reads — box-drawing, Word's plain-text export, tab-separated,
    rows of |, one cell per paragraph, a numbered outline."""
    first_line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    boxed = layouts.boxed_table(text)
    if boxed is not None:
        return first_line if not boxed.title else boxed.title, [boxed]
    lines = text.splitlines()
    # Word's export puts one cell on a line after a tab; a tab-separated table has several cells on a
    # line, its first cell empty where a merged cell continues
    several = sum(1 for line in lines if line.count("\t") >= 2)
    single = sum(1 for line in lines if line.startswith("\t") and line.count("\t") == 1)
    if single > several:
        preamble, cells = layouts.word_text_cells(text)
        title = next((line.strip() for line in reversed(preamble) if line.strip()), first_line)
        return title, [Table([[Cell(c) for c in row] for row in rows], form="word-text")
                       for rows in chunk_cells(cells)]
    if sum(1 for line in lines if "\t" in line) >= 3:
        rows = layouts.tsv_rows(text)
        title = next((r[0].strip() for r in rows if len(r) == 1 and r[0].strip()), first_line)
        return title, [Table([[Cell(c) for c in row] for row in rows], form="tsv")]
    led = layouts.pipe_led_rows(text)
    if led is not None:
        title = next((line.strip() for line in lines if line.strip() and "|" not in line
                      and re.search(r"表|细则|办法|标准", line)), first_line)
        return title, [Table([[Cell(c) for c in row] for row in led], form="pipes")]
    pipes = layouts.pipe_rows(text)
    if pipes is not None:
        if len(pipes) == 1 or max(len(r) for r in pipes) > 12 and len(pipes) <= 2:
            stream = stream_table([c for row in pipes for c in row])
            if stream is not None:
                return first_line.strip(" |"), [stream]
        width = max(len(r) for r in pipes)
        return first_line.strip(" |"), [Table([[Cell(c) for c in r] + [Cell("")] * (width - len(r))
                                               for r in pipes], form="pipes")]
    spaced = layouts.spaced_rows(
        text, lambda cells: _header_like(cells) and sum(bool(role_of(c)) for c in cells) >= 3)
    if spaced is not None:
        return first_line, [Table(spaced, form="spaced")]
    glued = glued_table(text)
    if glued is not None:
        return glued.title or first_line, [glued]
    paras = layouts.paragraphs(text)
    if len(paras) >= 6:
        start, header = _stream_header(paras)
        if header:
            stream = stream_table(paras)
            if stream is not None:
                return first_line, [stream]
    outline = outline_table(text)
    if outline is not None:
        return outline.title or first_line, [outline]
    return first_line, []


def chunk_cells(cells: list[str]) -> list[list[list[str]]]:
    """Word's plain-text export, cells → rows: each header (a run of cells holding the roles) fixes
    the width of the rows after it, up to the next header."""
    def header_cell(cell: str) -> bool:
        numbered = re.match(r"^(\d|[一二三四五六七八九十]+[、.．]|[（(])", cell)
        return 0 < len(cell) <= 12 and "\n" not in cell and not numbered

    starts = []
    n = 0
    while n < len(cells):
        width = 0
        while n + width < len(cells) and header_cell(cells[n + width]):
            width += 1
        if width >= 3 and role_of(cells[n]) and _header_like(cells[n:n + width]):
            starts.append((n, width))
            n += width
        else:
            n += 1
    tables = []
    for k, (start, width) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(cells)
        body = cells[start + width:end]
        rows = [cells[start:start + width]]
        rows += [body[i:i + width] for i in range(0, len(body), width)]
        if k > 0 and any(_is_bonus_marker(c) for c in cells[starts[k - 1][0]:start]):
            rows.insert(0, ["二、加分项"])
        tables.append(rows)
    return tables


def read_document(path: Path) -> Document:
    """The records of every table in the file, and all its text line by line (what no table reader
    took is still there for a person: coverage.py); raises TableError naming the file when it cannot
    be read at all."""
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".xlsx", ".txt", ".tsv", ".html", ".htm"):
        raise TableError(f"{path}: 不支持的文件类型 {path.suffix}（支持 .docx、.xlsx、.html、.txt）")
    if not path.exists():
        raise TableError(f"{path}: 文件不存在")
    try:
        if suffix == ".docx":
            title, tables = layouts.docx_tables(path)
            lines = layouts.docx_lines(path)
        elif suffix == ".xlsx":
            title, tables = layouts.xlsx_tables(path)
            lines = layouts.xlsx_lines(path)
        elif suffix in (".html", ".htm"):
            text = layouts.decode(path.read_bytes())
            tables = layouts.html_tables(text)
            lines = layouts.html_lines(text)
            title = next((t.title for t in tables if t.title), "") or next(iter(lines), path.stem)
        else:
            text = layouts.unwrap(layouts.decode(path.read_bytes()))
            title, tables = text_tables(text)
            lines = [line.strip() for line in text.splitlines() if line.strip()]
    except layouts.LayoutError as err:
        raise TableError(f"{path}: {err}") from err
    records: list[Record] = []
    bonus = False
    for n, table in enumerate(tables, start=1):
        found, bonus, above = records_from_table(table, n, bonus)
        records += found
        if above and title in ("", path.stem):
            title = above
    form = tables[0].form if tables else ""
    if not any(r.kind == "row" and (r.cells.get("criteria") or r.cells.get("points")) for r in records):
        records, form = [], "lines"     # no table read: its scoring lines go to a person, one by one
    return Document(path=path, title=(title or path.stem).strip(), records=records, form=form, lines=lines)
