"""The government's document as it comes → tables of cells, whatever form the table was kept in.

A scoring table reaches a user as a Word or Excel file, a web page, or text copied out of one: rows of
tab- or `|`-separated cells, a box-drawing table (│ ─ ┼), one cell per paragraph (a web page's table
as text), or no table at all but a numbered outline (一、 (一) 1. (1) ①, points in brackets). Each
reader here returns `Table`s: rows of `Cell`s, a merged cell repeated in every position it covers and
marked (`above`: the cell continues the one above; `left`: it repeats the cell to its left), so the
rows keep their columns. Reading what the columns hold is tables.py's job; an outline is turned into
a table of its own (`outline_table`) with the columns number | name | points | criteria."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Cell:
    text: str
    above: bool = False      # a vertical merge: the same cell as the row above
    left: bool = False       # a horizontal merge: the same cell as the column to the left


@dataclass
class Table:
    rows: list[list[Cell]]
    title: str = ""
    form: str = ""                                   # html, docx, xlsx, tsv, pipes, boxed, cells, outline
    marks: dict[int, str] = field(default_factory=dict)   # row index → a line printed before it (二、加分项)
    # row index → the merged cells over it with their points, outermost first, that a copy ran into the
    # row's text (「农村村庄环境卫生考核评分45分村庄环境公共区域18分1主要道路…」): totals over its rows
    groups: dict[int, list[tuple[str, float | int]]] = field(default_factory=dict)


class LayoutError(ValueError):
    """The file cannot be read as a table or an outline; the message names the file."""


def plain(text: str) -> list[Cell]:
    return [Cell(text)]


# ---------------------------------------------------------------- HTML

BLOCKS = ("p", "div", "br", "li", "tr")


def _cell_text(element) -> str:  # noqa: ANN001 — an lxml element
    """The cell's text, a line per paragraph (<p>, <br>, <div>), each line stripped."""
    parts: list[str] = []

    def walk(node) -> None:  # noqa: ANN001
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in BLOCKS:
            parts.append("\n")
        if node.text and tag not in ("script", "style"):
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if tag in BLOCKS:
            parts.append("\n")

    walk(element)
    lines = [line.strip() for line in "".join(parts).replace("\xa0", " ").splitlines()]
    return "\n".join(line for line in lines if line)


def html_tables(text: str) -> list[Table]:
    """Every <table> of the page: rowspan/colspan placed as the browser draws them; the caption (or
    the page's first heading) is the title."""
    import lxml.html

    root = lxml.html.fromstring(text)
    heading = next((_cell_text(h) for h in root.iter("h1", "h2", "h3", "title") if _cell_text(h)), "")
    out = []
    for table in root.iter("table"):
        caption = next((_cell_text(c) for c in table.iter("caption")), "")
        grid: dict[tuple[int, int], Cell] = {}
        for r, tr in enumerate(t for t in table.iter("tr")):
            c = 0
            for td in tr:
                if td.tag not in ("td", "th"):
                    continue
                while (r, c) in grid:
                    c += 1
                text_ = _cell_text(td)
                rows = max(1, int(td.get("rowspan", "1") or 1))
                cols = max(1, int(td.get("colspan", "1") or 1))
                for dr in range(rows):
                    for dc in range(cols):
                        grid[(r + dr, c + dc)] = Cell(text_, above=dr > 0, left=dc > 0)
                c += cols
        if not grid:
            continue
        height = max(r for r, _ in grid) + 1
        width = max(c for _, c in grid) + 1
        rows_ = [[grid.get((r, c), Cell("")) for c in range(width)] for r in range(height)]
        out.append(Table(rows_, title=caption or heading, form="html"))
    return out


def html_lines(text: str) -> list[str]:
    """The page's text as a reader sees it: a line per paragraph and per table cell (scripts and
    styles left out)."""
    import lxml.html

    root = lxml.html.fromstring(text)
    for bad in list(root.iter("script", "style")):
        if bad.getparent() is not None:
            bad.drop_tree()
    parts: list[str] = []

    def walk(node) -> None:  # noqa: ANN001 — an lxml element
        tag = node.tag if isinstance(node.tag, str) else ""
        block = tag in (*BLOCKS, "td", "th", "h1", "h2", "h3", "h4", "caption", "table")
        if block:
            parts.append("\n")
        if node.text:
            parts.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                parts.append(child.tail)
        if block:
            parts.append("\n")

    walk(root)
    return [line.strip() for line in "".join(parts).replace("\xa0", " ").splitlines() if line.strip()]


# ---------------------------------------------------------------- Word and Excel

def docx_lines(path: Path) -> list[str]:
    """Every paragraph of the document, in and out of its tables, a line each (a merged cell once)."""
    import docx

    doc = docx.Document(str(path))
    out = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        seen: set[int] = set()
        for row in table.rows:
            for cell in row.cells:
                if id(cell._tc) not in seen:
                    seen.add(id(cell._tc))
                    out += cell.text.splitlines()
    return [line.strip() for line in out if line.strip()]


def xlsx_lines(path: Path) -> list[str]:
    """Every filled cell of every sheet (hidden ones too), a line per line of its text."""
    import openpyxl

    book = openpyxl.load_workbook(str(path), data_only=True)
    out: list[str] = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                if value is not None:
                    out += str(value).splitlines()
    return [line.strip() for line in out if line.strip()]


def docx_tables(path: Path) -> tuple[str, list[Table]]:
    import docx

    doc = docx.Document(str(path))
    title = next((p.text.strip() for p in doc.paragraphs if p.text.strip()), path.stem)
    tables = []
    for table in doc.tables:
        # row.cells repeats a merged cell: horizontally the same cell object, vertically the top cell
        rows: list[list[Cell]] = []
        previous: list[int] = []
        for row in table.rows:
            cells: list[Cell] = []
            keys: list[int] = []
            for n, cell in enumerate(row.cells):
                key = id(cell._tc)
                cells.append(Cell(cell.text, above=n < len(previous) and previous[n] == key,
                                  left=bool(keys) and keys[-1] == key))
                keys.append(key)
            rows.append(cells)
            previous = keys
        tables.append(Table(rows, title=title, form="docx"))
    # a 「二、加分项」 paragraph between tables marks the next table as bonus
    body = doc.element.body
    n = 0
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "tbl":
            n += 1
        elif tag == "p" and n < len(tables):
            line = "".join(child.itertext()).strip()
            if re.match(r"^\s*[一二三四五六七八九十]+[、.．]", line):
                tables[n].marks[0] = line
    return title, tables


def xlsx_tables(path: Path) -> tuple[str, list[Table]]:
    import openpyxl

    book = openpyxl.load_workbook(str(path), data_only=True)
    tables = []
    title = path.stem
    for sheet in book.worksheets:
        values = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        grid = [[Cell(v) for v in row] for row in values]
        for merged in sheet.merged_cells.ranges:
            value = values[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row - 1, merged.max_row):
                for c in range(merged.min_col - 1, merged.max_col):
                    grid[r][c] = Cell(value, above=r > merged.min_row - 1, left=c > merged.min_col - 1)
        if grid and sum(1 for c in grid[0] if c.text and not c.left) == 1:
            title = next(c.text for c in grid[0] if c.text)
        tables.append(Table(grid, title=title, form="xlsx"))
    return title, tables


# ---------------------------------------------------------------- text

def decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "utf-16", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LayoutError("无法识别文本编码（支持 UTF-8、UTF-16、GB18030）")


JUNCTIONS = "│┃├┤┼┬┴╋┣┫┳┻┌┐└┘"
RULE = set("─━═")


def _segments(line: str) -> tuple[list[str], str]:
    """A box-drawing line → (the pieces between its junctions, the junctions between them)."""
    line = line.strip()
    pieces = re.split(f"[{JUNCTIONS}]", line)[1:-1]
    joints = "".join(ch for ch in line if ch in JUNCTIONS)[1:-1]
    return pieces, joints


def _is_rule(piece: str) -> bool:
    return bool(piece.strip()) and set(piece.strip()) <= RULE


def boxed_table(text: str) -> Table | None:
    """A box-drawing table (as law sites print them): every text line is cut at its │ into the
    columns; a column's cell runs until a rule (─) crosses that column, so a cell spanning several
    rows (a vertical header one character a line, 「︵650分︶」) is one cell repeated down them. A rule
    with more columns below it than above (┬) splits a column: the header above covers both."""
    lines = [line for line in text.splitlines() if line.strip()]
    if sum(1 for line in lines if line.strip()[:1] in JUNCTIONS and len(_segments(line)[0]) >= 3) < 3:
        return None
    # columns: the widest rule decides; an upper region with fewer columns maps onto it through ┬
    pieces_of = [_segments(line) for line in lines]
    width = max(len(p) for p, _ in pieces_of)
    upper_map: dict[int, list[int]] = {}
    for pieces, joints in pieces_of:
        if len(pieces) == width and all(_is_rule(p) for p in pieces) and "┬" in joints:
            upper = 0
            for s in range(width):
                upper_map.setdefault(upper, []).append(s)
                if s < len(joints) and joints[s] != "┬":
                    upper += 1
            break
    texts: list[dict[int, str]] = []            # per text line: column → its piece
    cuts: list[set[int]] = []                   # per text line: columns a rule closes before it
    pending_cut: set[int] = set()
    for pieces, _ in pieces_of:
        if len(pieces) < width and upper_map:
            spread: list[str] = [""] * width
            for u, piece in enumerate(pieces):
                cols = upper_map.get(u, [u])
                spread[cols[0]] = piece
            pieces = spread
        rules = {c for c, p in enumerate(pieces) if _is_rule(p)}
        words = {c: p.strip() for c, p in enumerate(pieces) if c not in rules and p.strip()}
        if rules:
            pending_cut |= rules
        if words or (not rules and any(p is not None for p in pieces)):
            if not words and not rules:
                continue
            texts.append(words)
            cuts.append(pending_cut)
            pending_cut = set()
    if not texts:
        return None
    # rows: between every two consecutive cuts of any column
    starts = sorted({0} | {t for t, cut in enumerate(cuts) if cut})
    bounds = [*starts, len(texts)]
    cell_start = dict.fromkeys(range(width), 0)
    rows: list[list[Cell]] = []
    for n, a in enumerate(bounds[:-1]):
        row = []
        for c in range(width):
            if c in cuts[a] or n == 0:
                cell_start[c] = a
            end = next((t for t in range(a + 1, len(texts)) if c in cuts[t]), len(texts))
            lines_ = [texts[t][c] for t in range(cell_start[c], end) if c in texts[t]]
            row.append(Cell(_unwrap(lines_), above=cell_start[c] < a))
        rows.append(row)
    if upper_map:
        first = rows[0]
        for cols in upper_map.values():
            for c in cols[1:]:
                if not first[c].text and first[cols[0]].text:
                    first[c] = Cell(first[cols[0]].text, left=True)
    return Table(rows, form="boxed")


def _unwrap(lines: list[str]) -> str:
    """A box cell's lines are the printer's wraps: joined without a break; vertical brackets (︵︶)
    read as brackets."""
    return "".join(lines).translate(str.maketrans("︵︶", "（）"))


def pipe_rows(text: str) -> list[list[str]] | None:
    """Rows of |-separated cells (a web page's table as the page index keeps it); None when fewer than
    two lines hold a |. `| 一、重点工作指标(135分) | ||||||||` is a one-cell row (a section)."""
    lines = [line for line in text.splitlines() if line.count("|") >= 2]
    if not lines:
        return None
    rows = []
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        rows.append(cells)
    return rows


def pipe_led_rows(text: str) -> list[list[str]] | None:
    """A table whose cells each open a line with | and whose rows each end on a line that is only |
    (how a law site prints an HTML table as text): a row's first cell is the lines before its first |
    line, each | line opens a cell that the lines after it continue. Rows with fewer cells than the
    widest are filled from the right (a merged first column is the one missing). None unless at least
    three rows end that way."""
    lines = text.splitlines()
    if sum(1 for line in lines if line.strip() == "|") < 3 or \
            sum(1 for line in lines if line.lstrip().startswith("|") and line.strip() != "|") < 6:
        return None
    rows: list[list[str]] = []
    cells: list[list[str]] = [[]]
    for line in lines:
        stripped = line.strip()
        if stripped == "|":
            row = ["\n".join(c).strip() for c in cells]
            if not row[0]:
                row = row[1:]
            if any(row):
                rows.append(row)
            cells = [[]]
        elif stripped.startswith("|"):
            cells.append([stripped[1:].strip()])
        elif stripped:
            cells[-1].append(stripped)
    if rows and "\n" in rows[0][0]:
        # the header's first word; the lines before it are the title
        rows[0][0] = rows[0][0].rsplit("\n", 1)[1]
    width = max((len(r) for r in rows), default=0)
    return [[""] * (width - len(r)) + r for r in rows] if len(rows) >= 3 else None


# a line that ends a sentence or a cell: what follows it is not its continuation
_LINE_END = re.compile(r"[。；;：:)）!！?？」”]$")
_CELL_SEPARATORS = re.compile(r"[\t|│┃├┤┼┬┴╋┣┫┳┻┌┐└┘]|\S {2,}\S|\u3000{2,}")


def unwrap(text: str) -> str:
    """A copy that cut its lines at one width (a PDF's or a narrow column's text, one wrapped line a
    paragraph): a line at least that wide that ends no sentence continues on the next line of text,
    blank lines between them dropped. The width is the document's own: the one most lines that end
    mid-sentence reach (within 4 columns, a CJK character two), found on at least 5 such lines and a
    quarter of all lines — a table of cells or an outline whose lines end where their text ends keeps
    its lines. Tables kept with separators (tabs, |, box rules, runs of spaces) are never unwrapped."""
    lines = text.splitlines()
    texts = [line.strip() for line in lines if line.strip()]
    if not texts or any(_CELL_SEPARATORS.search(line) for line in texts):
        return text
    open_ended = [_width(line) for line in texts if _width(line) >= 24 and not _LINE_END.search(line)]
    if not open_ended:
        return text
    width = max(range(24, max(open_ended) + 1),
                key=lambda w: sum(1 for x in open_ended if w - 4 <= x <= w))
    cut = sum(1 for x in open_ended if width - 4 <= x <= width)
    if cut < 5 or cut < len(texts) / 4:
        return text
    out: list[str] = []
    joining = False
    title = texts[0]                # the document's first line is its title, never a wrapped cell
    for line in lines:
        stripped = line.strip()
        if not stripped:
            if not joining:
                out.append(line)
            continue
        if joining:
            out[-1] += stripped
        else:
            out.append(stripped)
        joining = not _LINE_END.search(out[-1]) and _width(stripped) >= width - 6 \
            and out[-1] != title
    return "\n".join(out)


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs, each stripped (a web page's table, one cell per paragraph)."""
    out, current = [], []
    for line in text.splitlines():
        if line.strip():
            current.append(line.strip())
        elif current:
            out.append("\n".join(current))
            current = []
    if current:
        out.append("\n".join(current))
    return out


def _width(text: str) -> int:
    """Display width: a CJK character (wide or full-width) takes two columns."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def _spaced_cells(line: str) -> list[tuple[int, str]]:
    """(display column where it starts, text) of each cell of a line whose cells are separated by two
    or more spaces (a full-width space counts as two)."""
    line = line.replace("\u3000", "  ").rstrip()
    out = []
    for m in re.finditer(r"\S+(?: \S+)*", line):
        out.append((_width(line[:m.start()]), m.group(0)))
    return out


def spaced_rows(text: str, is_header: Callable[[list[str]], bool]) -> list[list[Cell]] | None:
    """A table aligned with spaces (a plain-text export): the header line (`is_header` of its cells)
    fixes where each column starts; every cell below goes to the column it starts under (the nearest
    start at or left of it), so an empty first cell (a merged cell) stays empty; a line with nothing in
    the first columns continues the row above (a wrapped clause). None without such a header."""
    lines = [line for line in text.splitlines()]
    for at, line in enumerate(lines):
        cells = _spaced_cells(line)
        if len(cells) < 3 or not is_header([c for _, c in cells]):
            continue
        starts = [col for col, _ in cells]
        rows: list[list[Cell]] = [[Cell(c) for _, c in cells]]
        for below in lines[at + 1:]:
            found = _spaced_cells(below)
            if not found:
                continue
            row = [""] * len(starts)
            for col, value in found:
                k = max((i for i, s in enumerate(starts) if s <= col + 1), default=0)
                row[k] = (row[k] + " " + value).strip() if row[k] else value
            keys = [i for i, v in enumerate(row) if v]
            if len(rows) > 1 and keys and keys[0] >= len(starts) - 2 and len(keys) == 1:
                last = rows[-1]
                k = keys[0]
                last[k] = Cell((last[k].text + row[k]).strip())
                continue
            rows.append([Cell(v) for v in row])
        return rows if len(rows) > 2 else None
    return None


def tsv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), dialect="excel-tab"))


def word_text_cells(text: str) -> tuple[list[str], list[str]]:
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
