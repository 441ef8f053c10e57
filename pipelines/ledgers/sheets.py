"""Ledger files → grids of cells with their sheet and row number, and the header row found in
each grid (below title rows, through merged cells, in English codes or Chinese labels)."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.ledgers.kinds import REQUIRED, header_lookup
from pipelines.lib.files import InputFileError, decode_text

HEADER_SCAN_ROWS = 30
MIN_HEADER_MATCHES = 3
SUFFIXES = {".csv", ".xlsx", ".xlsm"}


@dataclass
class Grid:
    """One sheet (a CSV file is one sheet, named ''): rows of cells keyed by row number."""

    sheet: str
    rows: list[tuple[int, list[object]]]


@dataclass
class Table:
    """A grid with its header found: column index → column code, data rows below it."""

    sheet: str
    header_row: int
    columns: dict[int, str]
    amount_header_unit: str | None
    rows: list[tuple[int, list[object]]] = field(default_factory=list)


def read_grids(path: Path, label: str) -> list[Grid]:
    if path.suffix.lower() == ".csv":
        return [read_csv_grid(path)]
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        return read_workbook_grids(path, label)
    raise InputFileError(f"{label}: 不支持的文件类型 {path.suffix}（请用 .xlsx 或 .csv）")


def read_csv_grid(path: Path) -> Grid:
    """CSV as written, in UTF-8, UTF-8 with BOM or GBK/GB18030 (detected); line numbers kept."""
    text = decode_text(path).lstrip("\ufeff")
    rows = [(number, list(cells)) for number, cells in enumerate(csv.reader(io.StringIO(text)), 1)]
    return Grid(sheet="", rows=rows)


def read_workbook_grids(path: Path, label: str) -> list[Grid]:
    """Every visible sheet; a merged range's value is copied into each of its cells, so a header
    merged across rows or columns reads the same everywhere it shows."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, data_only=True)
    except Exception as err:  # openpyxl raises many types for a damaged file
        raise InputFileError(f"{label}: Excel 文件无法打开（{err}）") from err
    grids = []
    for sheet in workbook.worksheets:
        if sheet.sheet_state != "visible":
            continue
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        for merged in sheet.merged_cells.ranges:
            top_left = values[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    values[r - 1][c - 1] = top_left
        grids.append(Grid(sheet=sheet.title, rows=list(enumerate(values, 1))))
    return grids


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


def find_table(grid: Grid) -> Table | None:
    """The header is the row among the first 30 naming the most known columns (≥ 3; on a tie the
    lower row, so a header merged over two rows ends where the data begins); None when a sheet has
    no such row (an instructions sheet, a chart)."""
    best: tuple[int, int, dict[int, str], str | None] | None = None
    for position, (number, cells) in enumerate(grid.rows[:HEADER_SCAN_ROWS]):
        columns, unit = match_header(cells)
        if len(columns) >= MIN_HEADER_MATCHES and (best is None or len(columns) >= len(best[2])):
            best = (position, number, columns, unit)
    if best is None:
        return None
    position, number, columns, unit = best
    return Table(grid.sheet, number, columns, unit, grid.rows[position + 1:])


def missing_required(table: Table) -> list[str]:
    return [code for code in REQUIRED if code not in table.columns.values()]
