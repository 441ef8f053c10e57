"""Ledger files → grids of cells with their sheet and row number, and the header row found in
each grid (below title rows, through merged cells, in English codes or Chinese labels)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.ledgers.kinds import KINDS, LABELS, REQUIRED, TEMPLATE_LISTS_SHEET, header_lookup
from pipelines.lib.files import InputFileError, decode_text

HEADER_SCAN_ROWS = 30
MIN_HEADER_MATCHES = 3
OPENPYXL_SUFFIXES = {".xlsx", ".xlsm"}
# Read by calamine (python-calamine): Excel 97–2003 .xls, WPS 表格 .et (an OLE2 compound file
# like .xls; calamine reads it by content), .xlsb and OpenDocument .ods.
CALAMINE_SUFFIXES = {".xls", ".et", ".xlsb", ".ods"}
SUFFIXES = {".csv", *OPENPYXL_SUFFIXES, *CALAMINE_SUFFIXES}
# Columns an event kind cannot do without (beyond REQUIRED): a 资金投入 row is its amount.
KIND_COLUMNS = {"amount_spent": ["amount"]}


@dataclass
class Grid:
    """One sheet (a CSV file is one sheet, named ''): rows of cells keyed by row number, and what
    a person opening the file would not see: whether the sheet is hidden, its hidden rows and
    columns (1-based numbers) and formula cells saved without a computed value ("F7")."""

    sheet: str
    rows: list[tuple[int, list[object]]]
    hidden: bool = False
    hidden_rows: set[int] = field(default_factory=set)
    hidden_columns: set[int] = field(default_factory=set)
    uncached_formulas: list[str] = field(default_factory=list)


@dataclass
class Table:
    """A grid with its header found: column index → column code, data rows below it."""

    sheet: str
    header_row: int
    columns: dict[int, str]
    amount_header_unit: str | None
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    grid: Grid | None = None


def read_grids(path: Path, label: str) -> list[Grid]:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [read_csv_grid(path)]
    if suffix in OPENPYXL_SUFFIXES:
        return template_lists_left_out(read_workbook_grids(path, label))
    if suffix in CALAMINE_SUFFIXES:
        return template_lists_left_out(read_calamine_grids(path, label))
    raise InputFileError(f"{label}: 文件类型「{path.suffix or '无扩展名'}」不是台账表格，未读取"
                         "（可读取 .xlsx、.xls、.et、.csv 等；请另存为 .xlsx 或 .csv，"
                         "或移出台账文件夹）")


def template_lists_left_out(grids: list[Grid]) -> list[Grid]:
    """The template's hidden sheet of drop-down values is not a ledger table (its column titles
    name known columns); every other hidden sheet is read, to be refused when it holds a ledger."""
    return [g for g in grids if not (g.hidden and g.sheet == TEMPLATE_LISTS_SHEET)]


def read_csv_grid(path: Path) -> Grid:
    """CSV as written, in UTF-8, UTF-8 with BOM or GBK/GB18030 (detected); line numbers kept."""
    text = decode_text(path).lstrip("\ufeff")
    rows = [(number, list(cells)) for number, cells in enumerate(csv.reader(io.StringIO(text)), 1)]
    return Grid(sheet="", rows=rows)


def read_workbook_grids(path: Path, label: str) -> list[Grid]:
    """Every sheet, hidden ones too (marked, so the caller can refuse them: a hidden sheet is
    still data); a merged range's value is copied into each of its cells, so a header merged
    across rows or columns reads the same everywhere it shows. The cells hold the values the
    file saved; a formula saved without its value (openpyxl, WPS and other programs that do not
    calculate) is listed in `uncached_formulas`, never read as an empty cell."""
    from openpyxl import load_workbook
    from openpyxl.utils import column_index_from_string

    try:
        workbook = load_workbook(path, data_only=True)
        formulas = load_workbook(path, data_only=False)
    except Exception as err:  # openpyxl raises many types for a damaged file
        raise InputFileError(f"{label}: Excel 文件无法打开（{err}）") from err
    grids = []
    for sheet in workbook.worksheets:
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        uncached = [cell.coordinate for row in formulas[sheet.title].iter_rows() for cell in row
                    if cell.data_type == "f" and values[cell.row - 1][cell.column - 1] is None]
        for merged in sheet.merged_cells.ranges:
            top_left = values[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    values[r - 1][c - 1] = top_left
        hidden_columns = set()
        for letter, dimension in sheet.column_dimensions.items():
            if dimension.hidden:  # a grouped range hides min..max
                first = dimension.min or column_index_from_string(letter)
                hidden_columns |= set(range(first, (dimension.max or first) + 1))
        grids.append(Grid(sheet=sheet.title, rows=list(enumerate(values, 1)),
                          hidden=sheet.sheet_state != "visible",
                          hidden_rows={r for r, d in sheet.row_dimensions.items() if d.hidden},
                          hidden_columns=hidden_columns, uncached_formulas=uncached))
    return grids


def read_calamine_grids(path: Path, label: str) -> list[Grid]:
    """Every sheet of an .xls / .et / .xlsb / .ods workbook (hidden ones marked), rows numbered
    from the sheet's first row (empty leading rows and columns kept) and merged ranges filled
    like read_workbook_grids does. calamine does not report hidden rows or columns; these
    formats store every formula's computed value."""
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheets = [(m.name, m.visible != SheetVisibleEnum.Visible, workbook.get_sheet_by_name(m.name))
                  for m in workbook.sheets_metadata]
        grids = [Grid(sheet=name, rows=list(enumerate(filled_merges(sheet), 1)), hidden=hidden)
                 for name, hidden, sheet in sheets]
    except Exception as err:  # calamine raises its own types for a damaged or foreign file
        kind = "WPS 表格（.et）" if path.suffix.lower() == ".et" else f"{path.suffix} 文件"
        raise InputFileError(f"{label}: {kind}无法读取（{type(err).__name__}: {err}），未读取；"
                             "请在 WPS 或 Excel 中另存为 .xlsx 后放回") from err
    return grids


def filled_merges(sheet: object) -> list[list[object]]:
    values = [[None if c == "" else c for c in row] for row in sheet.to_python(skip_empty_area=False)]
    for (top, left), (bottom, right) in sheet.merged_cell_ranges or []:
        if top >= len(values) or left >= len(values[top]):
            continue
        value = values[top][left]
        for r in range(top, min(bottom, len(values) - 1) + 1):
            row = values[r]
            for c in range(left, right + 1):
                if c < len(row):
                    row[c] = value
    return values


def header_key(cell: object) -> tuple[str, str | None]:
    """Header text without spaces, marks (*) and a parenthesised hint; the hint's amount unit."""
    text = unicodedata.normalize("NFKC", str(cell or "")).strip().lower()
    text = re.sub(r"[\s*＊:]", "", text)
    hint = re.search(r"\((.*?)\)", text)
    unit = None
    if hint and hint.group(1) in {"万元", "元"}:
        unit = hint.group(1).replace("万元", "万")
    return re.sub(r"\(.*?\)", "", text), unit


def match_header(cells: list[object]) -> tuple[dict[int, str], str | None]:
    lookup = header_lookup()
    columns: dict[int, str] = {}
    amount_unit = None
    for index, cell in enumerate(cells):
        key, unit = header_key(cell)
        code = lookup.get(key)
        if code and code not in columns.values():
            columns[index] = code
            if code == "amount":
                amount_unit = unit
    return columns, amount_unit


def is_sub_header(cells: list[object]) -> bool:
    """A second header row (labels under a parent such as 资金情况 / 金额（万元）): at least half
    of its filled cells name known columns. A data row names at most one (an event kind
    written as 资金投入)."""
    filled = [c for c in cells if str(c or "").strip()]
    return bool(filled) and 2 * len(match_header(cells)[0]) >= len(filled)


def two_row_header(upper: list[object], lower: list[object]) -> list[object]:
    """A header written over two rows without merged cells (an .xls or .csv copy of a merged
    header): per column the lower label when it names a column, else the upper one."""
    width = max(len(upper), len(lower))
    cells = []
    for i in range(width):
        below = lower[i] if i < len(lower) else None
        above = upper[i] if i < len(upper) else None
        cells.append(below if match_header([below])[0] else above)
    return cells


def header_candidates(grid: Grid) -> list[tuple[int, int, list[object]]]:
    """(position of the header's last row, its row number, header cells) for each row among the
    first 30 and each pair of a row and the sub-header below it."""
    rows = grid.rows[:HEADER_SCAN_ROWS]
    candidates = [(position, number, cells) for position, (number, cells) in enumerate(rows)]
    for position in range(1, len(rows)):
        upper, (number, lower) = rows[position - 1][1], rows[position]
        if is_sub_header(lower):
            candidates.append((position, number, two_row_header(upper, lower)))
    return candidates


def find_table(grid: Grid) -> Table | None:
    """The header is the row (or a row and the sub-header below it) among the first 30 naming the
    most known columns (≥ 3; on a tie the lower row, so a header merged over two rows ends where
    the data begins); None when a sheet has no such row (an instructions sheet, a chart)."""
    best: tuple[int, int, dict[int, str], str | None] | None = None
    for position, number, cells in sorted(header_candidates(grid), key=lambda c: c[0]):
        columns, unit = match_header(cells)
        if len(columns) >= MIN_HEADER_MATCHES and (best is None or len(columns) >= len(best[2])):
            best = (position, number, columns, unit)
    if best is None:
        return None
    position, number, columns, unit = best
    return Table(grid.sheet, number, columns, unit, grid.rows[position + 1:], grid)


def missing_required(table: Table) -> list[str]:
    return [code for code in REQUIRED if code not in table.columns.values()]


def row_kind(cells: list[object], table: Table) -> str | None:
    """The event kind a data row names (code or Chinese label), None when it names none."""
    index = next((i for i, code in table.columns.items() if code == "event_kind"), None)
    if index is None or index >= len(cells):
        return None
    text = unicodedata.normalize("NFKC", str(cells[index] or "")).strip()
    return next((k.code for k in KINDS.values() if text in (k.code, k.label_zh)), None)


def missing_for_kinds(table: Table) -> list[tuple[str, str]]:
    """(column, why) for each column the table's event kinds need and its header lacks: a sheet
    of 资金投入 rows whose amount column could not be mapped must not load without amounts."""
    kinds = {row_kind(cells, table) for _, cells in table.rows}
    found = set(table.columns.values())
    problems = []
    for kind, needed in KIND_COLUMNS.items():
        for code in (c for c in needed if kind in kinds and c not in found):
            problems.append((code, f"缺少列「{LABELS[code]}」({code})：本表有「{KINDS[kind].label_zh}」"
                             f"事项，但表头中找不到{LABELS[code]}列（可写 {LABELS[code]}、"
                             f"{LABELS[code]}（万元）、资金、投入金额），本表未载入"))
    return problems


def unseen_problems(table: Table) -> list[str]:
    """What of a ledger table a person opening the file does not see, each with how to fix it:
    the whole sheet hidden, hidden rows or columns holding data, formulas saved without their
    value. Every reader still reads a hidden cell, so the file is refused rather than scored on
    what nobody checked (a formula without its value would otherwise read as empty)."""
    grid = table.grid
    if grid is None:
        return []
    name = f"工作表「{table.sheet}」"
    if grid.hidden:
        rows = sum(1 for _, cells in table.rows if any(str(c or "").strip() for c in cells))
        return [f"{name}被隐藏，其中有 {rows} 行台账：请在 Excel/WPS 中取消隐藏该工作表"
                "（右键工作表标签 → 取消隐藏），如不应计入则删除它，保存后放回"]
    problems = []
    filled = [number for number, cells in [(table.header_row, []), *table.rows]
              if number == table.header_row or any(str(c or "").strip() for c in cells)]
    rows = sorted(n for n in filled if n in grid.hidden_rows)
    if rows:
        problems.append(f"{name}第 {'、'.join(map(str, rows[:10]))}{' 等' if len(rows) > 10 else ''} "
                        f"行被隐藏（共 {len(rows)} 行）：请取消隐藏这些行（选中上下行 → 右键 → 取消隐藏），"
                        "如不应计入则删除它们，保存后放回")
    used = {i + 1 for _, cells in table.rows for i, c in enumerate(cells) if str(c or "").strip()}
    columns = sorted(used & grid.hidden_columns)
    if columns:
        from openpyxl.utils import get_column_letter

        problems.append(f"{name}第 {'、'.join(get_column_letter(c) for c in columns)} 列被隐藏且有内容："
                        "请取消隐藏这些列，如不应计入则删除它们，保存后放回")
    if grid.uncached_formulas:
        cells = grid.uncached_formulas
        problems.append(f"{name}的公式单元格 {'、'.join(cells[:10])}{' 等' if len(cells) > 10 else ''}"
                        f"（共 {len(cells)} 个）没有保存计算结果（文件由不计算公式的程序保存）："
                        "请在 Excel 或 WPS 中打开并保存一次（或把公式粘贴为数值）后放回")
    return problems
