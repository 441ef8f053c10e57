"""The government's table, read from .docx (python-docx), .xlsx (openpyxl) or .txt (tab-separated,
or Word's plain-text export: one cell per line, each line that starts a cell begins with a tab).

Merged cells repeat their text in every cell they cover (python-docx does so for vertical merges,
openpyxl's merged ranges are filled here); multi-line cells keep their line breaks. Each table
becomes `Record`s keyed by the role of their column (编号, 指标, 分值, 评分标准, 责任单位 …)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

# header keyword → column role; the first role a header cell matches wins (order matters)
ROLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("coop_points", ("配合分值",)),
    ("criteria", ("评分标准", "计分标准", "评分规则", "考核标准", "评分细则", "评分办法", "计分方法",
                  "所占分值")),
    ("ignore", ("主要工作任务", "完成时限", "联系人", "备注", "自评分", "考核分")),
    ("coop", ("配合部门", "配合单位")),
    ("lead", ("牵头部门", "牵头单位")),
    ("number", ("序号", "编号")),
    ("section", ("一级指标", "考核类别", "类别")),
    ("indicator", ("二级指标", "考核指标", "指标名称", "考核内容", "考核项目", "指标")),
    ("points", ("分值",)),
    ("units", ("责任单位", "考核单位", "评分单位", "责任部门")),
)
HEADER_NEEDS = ("criteria",)


class TableError(ValueError):
    """The document holds no table this reader understands; the message names the file."""


@dataclass
class Record:
    """One data row: its cells by role, its row number in the document (1-based) and whether it
    sits in a bonus section (二、加分项)."""
    cells: dict[str, str]
    row: int
    table: int
    bonus: bool = False


@dataclass
class Document:
    path: Path
    title: str
    records: list[Record] = field(default_factory=list)


def _role(header: str) -> str | None:
    text = re.sub(r"\s+", "", header)
    for role, words in ROLES:
        if any(w in text for w in words):
            return role
    return None


def _header_roles(row: list[str]) -> dict[int, str] | None:
    roles: dict[int, str] = {}
    for n, cell in enumerate(row):
        role = _role(cell)
        if role == "indicator" and "indicator" in roles.values() and "section" not in roles.values():
            # 考核指标 | 序号 | 考核内容 (seed 003): the first indicator-like column is the section
            first = next(k for k, v in roles.items() if v == "indicator")
            roles[first] = "section"
        if role and role not in roles.values():
            roles[n] = role
    return roles if all(r in roles.values() for r in HEADER_NEEDS) and len(roles) >= 2 else None


def _is_bonus_marker(row: list[str]) -> bool:
    return any(re.match(r"^\s*[一二三四五六七八九十]+[、.．]\s*加分", c or "") for c in row)


def records_from_rows(tables: list[list[list[str]]]) -> list[Record]:
    """Rows → records: a header row fixes the roles of the columns below it; a row naming
    「二、加分项」 starts the bonus section; rows before any header, blank rows and the 总分/合计
    row are skipped."""
    records: list[Record] = []
    bonus = False
    for t, rows in enumerate(tables):
        roles: dict[int, str] | None = None
        for r, row in enumerate(rows, start=1):
            if _is_bonus_marker(row):
                bonus = True
            found = _header_roles(row)
            if found:
                roles = found
                continue
            if roles is None or not any(c.strip() for c in row):
                continue
            if row and row[0].strip() in ("总分", "合计", "总计"):
                continue
            cells = {role: (row[n] if n < len(row) else "").strip() for n, role in roles.items()
                     if role != "ignore"}
            if _is_bonus_marker(list(cells.values())) and not cells.get("criteria"):
                continue
            records.append(Record(cells=cells, row=r, table=t + 1, bonus=bonus))
    return records


def _docx_rows(path: Path) -> tuple[str, list[list[list[str]]]]:
    import docx

    doc = docx.Document(str(path))
    title = next((p.text.strip() for p in doc.paragraphs if p.text.strip()), path.stem)
    tables = []
    for table in doc.tables:
        # row.cells repeats a merged cell (horizontal: the same cell object; vertical: the
        # top cell) — blank a horizontal repeat so a wide criteria cell is read once
        rows = []
        for row in table.rows:
            seen: set[int] = set()
            cells = []
            for cell in row.cells:
                key = id(cell._tc)
                cells.append("" if key in seen else cell.text)
                seen.add(key)
            rows.append(cells)
        tables.append(rows)
    # a 「二、加分项」 paragraph between tables marks the next table as bonus
    body = doc.element.body
    marks, n = [], 0
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "tbl":
            n += 1
        elif tag == "p" and re.match(r"^\s*[一二三四五六七八九十]+[、.．]\s*加分", "".join(child.itertext())):
            marks.append(n)
    for m in marks:
        if m < len(tables):
            tables[m].insert(0, ["二、加分项"])
    return title, tables


def _xlsx_rows(path: Path) -> tuple[str, list[list[list[str]]]]:
    import openpyxl

    book = openpyxl.load_workbook(str(path), data_only=True)
    tables = []
    title = path.stem
    for sheet in book.worksheets:
        grid = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            value = grid[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, merged.max_row):
                for c in range(merged.min_col - 1, merged.max_col):
                    grid[r][c] = value
        # a horizontally merged cell: read once (blank its repeats to the right)
        for merged in sheet.merged_cells.ranges:
            for r in range(merged.min_row - 1, merged.max_row):
                for c in range(merged.min_col, merged.max_col):
                    grid[r][c] = ""
        if grid and grid[0] and sum(1 for c in grid[0] if c) == 1 and not _header_roles(grid[0]):
            title = next(c for c in grid[0] if c)
        tables.append(grid)
    return title, tables


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise TableError("无法识别文本编码（支持 UTF-8、UTF-16、GB18030）")


def _word_text_cells(text: str) -> tuple[list[str], list[str]]:
    """Word's plain-text export: a line starting with a tab starts a cell, other lines continue it;
    returns (lines before the first cell, cells)."""
    preamble: list[str] = []
    cells: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("\t"):
            cells.append([line[1:]])
        elif cells:
            cells[-1].append(line)
        else:
            preamble.append(line)
    return preamble, ["\n".join(c).strip() for c in cells]


def _header_like(cell: str) -> bool:
    numbered = re.match(r"^(\d|[一二三四五六七八九十]+[、.．]|[（(])", cell)
    return 0 < len(cell) <= 12 and "\n" not in cell and not numbered


def _chunk_cells(cells: list[str]) -> list[list[list[str]]]:
    """Cells → rows: each header (a run of cells holding the roles) fixes the width of the rows
    after it, up to the next header."""
    starts = []
    n = 0
    while n < len(cells):
        width = 0
        while n + width < len(cells) and _header_like(cells[n + width]):
            width += 1
        if width >= 3 and _role(cells[n]) and _header_roles(cells[n:n + width]):
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
        if k > 0 and any(_is_bonus_marker([c]) for c in cells[starts[k - 1][0]:start]):
            rows.insert(0, ["二、加分项"])
        tables.append(rows)
    return tables


def _txt_rows(path: Path) -> tuple[str, list[list[list[str]]]]:
    text = _decode(path.read_bytes())
    if any(line.startswith("\t") for line in text.splitlines()[:400]):
        preamble, cells = _word_text_cells(text)
        title = next((line.strip() for line in reversed(preamble) if line.strip()), path.stem)
        return title, _chunk_cells(cells)
    rows = list(csv.reader(io.StringIO(text), dialect="excel-tab"))
    title = next((r[0].strip() for r in rows if len(r) == 1 and r[0].strip()), path.stem)
    return title, [rows]


def read_document(path: Path) -> Document:
    """The records of every table in the file; raises TableError naming the file."""
    readers = {".docx": _docx_rows, ".xlsx": _xlsx_rows, ".txt": _txt_rows, ".tsv": _txt_rows}
    reader = readers.get(path.suffix.lower())
    if reader is None:
        raise TableError(f"{path}: 不支持的文件类型 {path.suffix}（支持 .docx、.xlsx、.txt）")
    if not path.exists():
        raise TableError(f"{path}: 文件不存在")
    title, tables = reader(path)
    records = records_from_rows(tables)
    if not records:
        raise TableError(f"{path}: 没有找到含「评分标准/计分标准」列的表格")
    return Document(path=path, title=title.strip(), records=records)
