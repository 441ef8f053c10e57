"""考核结果_<scheme>_<year>.xlsx: the results as the assessment office circulates them.

Sheets: 汇总 (ranking, 总分 as a formula of 分值 − 扣分 + 加分), 得分明细 (unit × item, items
grouped by the scheme's sections, 合计 as a formula), 扣分说明 (every movement with its reason,
quoted rule and source rows), 数据质量 (quarantined inputs per file, then every row).
Printing: A4 landscape, title rows repeated, page numbers and the as-of date in the footer."""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.publish.office.data import (
    FINAL,
    OfficeData,
    has_missing_status,
    missing_counts,
    scheme_year_stem,
)

BODY_FONT = "宋体"
HEAD_FONT = "黑体"
NUMBER = "0.00"
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
SECTION_FILL = PatternFill("solid", fgColor="D9E2F3")
NOT_ASSESSED_FILL = PatternFill("solid", fgColor="EDEDED")
MISSING_FILL = PatternFill("solid", fgColor="FFE699")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
# The dashboard's grade colours (pipelines/publish/dashboard/panels.py), as light fills
GRADE_FILLS = {"优秀": "C6E0B4", "良好": "E2EFDA", "合格": "FFF2CC", "不合格": "F8CBAD"}
SUMMARY_HEADERS = ["排名", "考核单位", "分值", "扣分", "加分", "总分", "等次", "否决或降档说明",
                   "数据缺失项数"]
MOVEMENT_HEADERS = ["考核单位", "指标编号", "指标名称", "分数变动", "说明", "依据条款", "规则原文",
                    "来源数据行"]
FILE_HEADERS = ["数据来源", "文件", "读入行数", "载入行数", "隔离行数", "状态"]
QUARANTINE_HEADERS = ["数据来源", "文件", "工作表", "行号", "列", "原值", "隔离原因"]
SUMMARY_NOTE = ("注：总分 = 分值 − 扣分 + 加分（F 列为公式，可核对）；"
                "扣分含超出单项分值、从总分中扣减的部分；"
                "等次按考核方案的分档确定，一票否决或等次封顶的情形见“否决或降档说明”。")
DETAIL_NOTE = ("注：合计 = 各项得分（含加分）之和 − 从总分扣减的分数（公式，可与汇总表总分核对）。"
               "灰色：该单位不考核此项；黄色：数据缺失，该项得分待补充数据后确定。")
ITEMS_PER_PAGE = 11
DETAIL_SCALE = 68  # % : 排名, 考核单位 and 11 item columns across A4 landscape
DETAIL_MAX_ROWS = 20000  # quarantined rows listed one by one; beyond this the sheet says how many more


def workbook_name(scheme_code: str, year: int) -> str:
    return f"考核结果_{scheme_year_stem(scheme_code, year)}.xlsx"


def as_of_text(data: OfficeData) -> str:
    return f"数据截至 {data.as_of.year} 年 {data.as_of.month} 月 {data.as_of.day} 日（{data.status}结果）"


def _font(bold: bool = False, colour: str = "000000", size: int = 11, head: bool = False) -> Font:
    return Font(name=HEAD_FONT if head else BODY_FONT, bold=bold, color=colour, size=size)


def _title(ws: Worksheet, text: str, subtitle: str, width: int, merge: bool = True) -> None:
    """Title and subtitle rows; merged across the table unless the sheet prints in column strips
    (a merged title would be cut at each strip's edge; unmerged, it overflows from A1)."""
    ws.cell(1, 1, text).font = _font(size=16, head=True)
    ws.cell(2, 1, subtitle).font = _font(colour="595959")
    if merge:
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    ws.row_dimensions[1].height = 28


def _header(ws: Worksheet, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row, col, text)
        cell.font = _font(bold=True, colour="FFFFFF", head=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BORDER


def _body(cell, number: bool = False, wrap: bool = False) -> None:
    cell.font = _font()
    cell.border = BORDER
    if number:
        cell.number_format = NUMBER
        cell.alignment = Alignment(horizontal="right", vertical="center")
    else:
        cell.alignment = Alignment(vertical="center", wrap_text=wrap)


def _widths(ws: Worksheet, widths: list[float]) -> None:
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width


def _text_width(text: str) -> int:
    """Display width in Excel's character units: a CJK or full-width character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fit_row_heights(ws: Worksheet, first_row: int, last_row: int, line_height: float = 15.0) -> None:
    """Row heights for wrapped text (openpyxl stores no computed heights and LibreOffice does not
    grow rows on opening): lines needed by the fullest cell, from the column widths."""
    for row in range(first_row, last_row + 1):
        lines = 1
        for cell in ws[row]:
            if not isinstance(cell.value, str) or cell.value.startswith("=") or not cell.alignment.wrap_text:
                continue
            width = ws.column_dimensions[cell.column_letter].width or 10
            lines = max(lines, *(math.ceil(_text_width(part) / max(width - 1, 1)) or 1
                                 for part in cell.value.split("\n")))
        ws.row_dimensions[row].height = line_height * lines + 2


def _print_setup(ws: Worksheet, data: OfficeData, title_rows: str, sheet_title: str,
                 scale: int | None = None) -> None:
    """A4 landscape, one page wide (or at `scale` % with the sheet's own column breaks), title
    rows on every page, footer with page numbers and the as-of date."""
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if scale is None:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        ws.page_setup.scale = scale
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.page_margins.top = ws.page_margins.bottom = 0.75
    ws.print_title_rows = title_rows
    ws.oddHeader.center.text = f"{data.subject} · {sheet_title}"
    ws.oddHeader.center.font = HEAD_FONT
    ws.oddHeader.right.text = "初步结果，仅供审核" if data.status != FINAL else "定稿"
    ws.oddFooter.left.text = as_of_text(data)
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.right.text = "ecoscore 生成"


def _number(value) -> float | None:
    return None if value is None else float(value)


# ---------- 汇总


def summary_sheet(ws: Worksheet, data: OfficeData) -> None:
    """One row per unit by rank; 总分 = 分值 − 扣分 + 加分 as a formula beside the published total."""
    ws.title = "汇总"
    _title(ws, f"{data.subject}结果汇总表", f"考核方案：{data.scheme_name}；{as_of_text(data)}",
           len(SUMMARY_HEADERS))
    _header(ws, 3, SUMMARY_HEADERS)
    missing = missing_counts(data.scores)
    for r, unit in enumerate(data.scores.iter_rows(named=True), start=4):
        values = [unit["score_rank"], unit["unit_name"], _number(unit["base_points"]),
                  _number(unit["deductions"]), _number(unit["bonuses"]), f"=C{r}-D{r}+E{r}",
                  unit["grade"], unit["grade_note_zh"] or "", missing.get(unit["unit_code"], 0)]
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c, value)
            _body(cell, number=c in (3, 4, 5, 6), wrap=c == 8)
            if c in (1, 7, 9):
                cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.cell(r, 6).font = _font(bold=True)
    last = 3 + data.scores.height
    _grade_colours(ws, f"G4:G{last}")
    note = last + 2
    ws.cell(note, 1, SUMMARY_NOTE).font = _font(colour="595959")
    ws.merge_cells(start_row=note, start_column=1, end_row=note, end_column=len(SUMMARY_HEADERS))
    ws.cell(note, 1).alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[note].height = 32
    _widths(ws, [7, 24, 10, 10, 10, 10, 9, 44, 12])
    fit_row_heights(ws, 4, last)
    ws.freeze_panes = "C4"
    _print_setup(ws, data, "1:3", "汇总")


def _grade_colours(ws: Worksheet, cells: str) -> None:
    for grade, colour in GRADE_FILLS.items():
        ws.conditional_formatting.add(cells, CellIsRule(operator="equal", formula=[f'"{grade}"'],
                                                        fill=PatternFill("solid", bgColor=colour)))


# ---------- 得分明细


def _points_label(item: dict) -> str:
    low, high = item["min_points"], item["max_points"]
    return f"{low:g}" if low == high else f"{low:g}–{high:g}"


def detail_sheet(ws: Worksheet, data: OfficeData) -> None:
    """Units down, items across under their section headings; a cell is the item's score
    (得分, bonus items: 加分); 合计 = Σ items − what came off the total, as a formula."""
    ws.title = "得分明细"
    items = [item for section in data.sections for item in section.items]
    first, width = 3, 2 + len(items) + 2
    _title(ws, f"{data.subject}得分明细表", as_of_text(data) + "；单元格为各项得分（加分项为加分）",
           width, merge=False)
    col = first
    for section in data.sections:
        end = col + len(section.items) - 1
        cell = ws.cell(3, col, section.label)
        cell.font, cell.fill, cell.border = _font(bold=True, head=True), SECTION_FILL, BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if end > col:
            ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=end)
        col = end + 1
    _header(ws, 4, ["排名", "考核单位"] + [f"{i['item_code']} {i['item_name']}" for i in items]
            + ["从总分扣减", "合计"])
    _header(ws, 5, ["", "分值"] + [_points_label(i) for i in items] + ["", ""])
    for c in (1, width - 1, width):
        ws.merge_cells(start_row=4, start_column=c, end_row=5, end_column=c)
    ws.cell(3, 1, "").border = BORDER
    scores = _score_lookup(data)
    overflow = dict(data.scores.select("unit_code", "overflow_deductions").iter_rows())
    last_item = get_column_letter(first + len(items) - 1)
    for r, unit in enumerate(data.scores.iter_rows(named=True), start=6):
        ws.cell(r, 1, unit["score_rank"])
        ws.cell(r, 2, unit["unit_name"])
        for c, item in enumerate(items, start=first):
            _detail_cell(ws.cell(r, c), scores.get((unit["unit_code"], item["item_code"])))
        ws.cell(r, width - 1, _number(overflow.get(unit["unit_code"])) or 0.0)
        overflow_cell = f"{get_column_letter(width - 1)}{r}"
        ws.cell(r, width, f"=SUM({get_column_letter(first)}{r}:{last_item}{r})-{overflow_cell}")
        for c in (1, 2, width - 1, width):
            _body(ws.cell(r, c), number=c > 2)
        ws.cell(r, width).font = _font(bold=True)
        ws.cell(r, 1).alignment = Alignment(horizontal="center")
    note = 7 + data.scores.height
    ws.cell(note, 1, DETAIL_NOTE).font = _font(colour="595959")
    _widths(ws, [6, 20] + [11] * len(items) + [11, 10])
    ws.row_dimensions[4].height = 66
    ws.freeze_panes = "C6"
    # about 11 item columns per A4 page, a page starting at a section where one fits;
    # the header rows and 排名, 考核单位 repeat on every page (the title is in the page header)
    _print_setup(ws, data, "3:5", "得分明细", scale=DETAIL_SCALE)
    ws.print_title_cols = "A:B"
    for column in page_break_columns(data, first):
        ws.col_breaks.append(Break(id=column))


def page_break_columns(data: OfficeData, first: int) -> list[int]:
    """Columns after which a printed page ends: at a section's end when the next section does
    not fit on the page, inside a section longer than a page every ITEMS_PER_PAGE items."""
    breaks, column, on_page = [], first, 0
    for section in data.sections:
        size = len(section.items)
        if on_page and on_page + size > ITEMS_PER_PAGE:
            breaks.append(column - 1)
            on_page = 0
        while size > ITEMS_PER_PAGE - on_page:
            take = ITEMS_PER_PAGE - on_page
            column, size, on_page = column + take, size - take, 0
            breaks.append(column - 1)
        column, on_page = column + size, on_page + size
    return breaks


def _score_lookup(data: OfficeData) -> dict[tuple[str, str], dict]:
    frame = data.item_scores.with_columns(_missing=has_missing_status(data.item_scores))
    return {(r["unit_code"], r["item_code"]): r for r in frame.iter_rows(named=True)}


def _detail_cell(cell, row: dict | None) -> None:
    _body(cell, number=True)
    if row is None:
        cell.fill = NOT_ASSESSED_FILL
        return
    cell.value = float(row["score_with_bonuses"])
    if row["_missing"]:
        cell.fill = MISSING_FILL


# ---------- 扣分说明


def source_reference(row: dict) -> str:
    return f"依据文件 {row['source_seed']} 第 {row['source_item']} 项" if row["source_item"] else ""


def movements_sheet(ws: Worksheet, data: OfficeData) -> None:
    ws.title = "扣分说明"
    has_status = "status" in data.movements.columns
    headers = MOVEMENT_HEADERS + (["数据状态"] if has_status else [])
    _title(ws, f"{data.subject}扣分加分说明", as_of_text(data) + "；负数为扣分，正数为加分", len(headers))
    _header(ws, 3, headers)
    for r, m in enumerate(data.movements.iter_rows(named=True), start=4):
        values = [m["unit_name"], m["item_code"], m["item_name"], float(m["points"]),
                  m["explanation_zh"] or "", source_reference(m), m["source_text"] or "",
                  m["source_keys"] or ""]
        if has_status:
            values.append("数据缺失" if m.get("status") == "missing" else (m.get("status") or ""))
        for c, value in enumerate(values, start=1):
            _body(ws.cell(r, c, value), number=c == 4, wrap=c in (3, 5, 6, 7, 8))
        ws.cell(r, 4).number_format = "+0.00;-0.00;0.00"
    if data.movements.is_empty():
        ws.cell(4, 1, "本期各单位均无扣分或加分。").font = _font()
    _widths(ws, [16, 9, 20, 10, 48, 18, 48, 36] + ([10] if has_status else []))
    ws.freeze_panes = "B4"
    fit_row_heights(ws, 4, 3 + data.movements.height)
    ws.auto_filter.ref = f"A3:{get_column_letter(len(headers))}{max(4, 3 + data.movements.height)}"
    _print_setup(ws, data, "1:3", "扣分说明")


# ---------- 数据质量


def quality_sheet(ws: Worksheet, data: OfficeData) -> None:
    ws.title = "数据质量"
    _title(ws, "数据质量：未采用的输入数据", as_of_text(data) + "；被隔离的行或数值不参与计分",
           len(QUARANTINE_HEADERS))
    ws.cell(3, 1, "一、按文件汇总").font = _font(bold=True, head=True)
    _header(ws, 4, FILE_HEADERS)
    row = 5
    for f in data.file_report.iter_rows(named=True):
        values = [f["input_zh"], f["source_file"], f["rows_read"], f["rows_loaded"], f["rows_quarantined"],
                  f["status_zh"]]
        for c, value in enumerate(values, start=1):
            _body(ws.cell(row, c, value), wrap=c in (2, 6))
        row += 1
    if data.file_report.is_empty():
        ws.cell(row, 1, "本期没有输入文件报告。").font = _font()
        row += 1
    row += 1
    ws.cell(row, 1, f"二、隔离清单（共 {data.quarantine.height} 条）").font = _font(bold=True, head=True)
    _header(ws, row + 1, QUARANTINE_HEADERS)
    row += 2
    for q in data.quarantine.head(DETAIL_MAX_ROWS).iter_rows(named=True):
        values = [q["input_zh"], q["source_file"], q["source_sheet"] or "", q["source_row"],
                  q["column_name"] or "", q["value"] or "", q["reason"] or ""]
        for c, value in enumerate(values, start=1):
            _body(ws.cell(row, c, value), wrap=c in (2, 6, 7))
        row += 1
    if data.quarantine.height > DETAIL_MAX_ROWS:
        ws.cell(row, 1, f"另有 {data.quarantine.height - DETAIL_MAX_ROWS} 条未列出，"
                        "完整清单见发布目录中的 quarantine_*.parquet。").font = _font(colour="C00000")
    elif data.quarantine.is_empty():
        ws.cell(row, 1, "本期没有被隔离的数据。").font = _font()
    _widths(ws, [16, 44, 12, 8, 14, 22, 44])
    fit_row_heights(ws, 5, row)
    ws.freeze_panes = "A5"
    _print_setup(ws, data, "1:2", "数据质量")


def write_workbook(data: OfficeData, out_dir: Path) -> Path:
    workbook = Workbook()
    summary_sheet(workbook.active, data)
    detail_sheet(workbook.create_sheet(), data)
    movements_sheet(workbook.create_sheet(), data)
    quality_sheet(workbook.create_sheet(), data)
    workbook.properties.title = f"{data.subject}结果"
    workbook.properties.creator = "ecoscore"
    path = out_dir / workbook_name(data.scheme_code, data.year)
    workbook.save(path)
    return path

