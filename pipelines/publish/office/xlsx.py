"""考核结果_<scheme>_<year>.xlsx: the results as the assessment office circulates them.

Written with XlsxWriter, which stores each formula together with its computed value: a reader
that does not recalculate (a viewer, WPS in some modes, openpyxl, pandas) sees the totals, and
one that does gets the same figures (tests recalculate with LibreOffice).

Sheets: 汇总 (ranking; 总分 = 分值 − 扣分 − 未计分 + 加分 as a formula over the parts as printed;
the decisive rules with their causes), 得分明细 (one long sheet: items down, grouped under the
scheme's sections, one column per unit; 合计 a formula), 扣分说明 (every movement and every veto,
cap or missing item with its reason, clause and the ledger file and row), 数据质量 (this scheme's
input files and quarantined rows). Printing: A4, title rows (and 指标 columns) repeated, page
numbers, the as-of date and 初步/定稿 in header and footer."""

from __future__ import annotations

import math
import unicodedata
from decimal import Decimal
from pathlib import Path

import polars as pl
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from pipelines.lib.wording import balanced, chinese_dates, date_zh
from pipelines.publish.office.data import (
    DOMAIN_ORDER,
    FINAL,
    OfficeData,
    has_missing_status,
    missing_counts,
    scheme_year_stem,
)

BODY_FONT = "宋体"
HEAD_FONT = "黑体"
HEADER_FILL = "#1F4E79"
SECTION_FILL = "#D9E2F3"
NOT_ASSESSED_FILL = "#EDEDED"
MISSING_FILL = "#FFE699"
BORDER_COLOUR = "#A6A6A6"
# The dashboard's grade colours (pipelines/publish/dashboard/panels.py), as light fills
GRADE_FILLS = {"优秀": "#C6E0B4", "良好": "#E2EFDA", "合格": "#FFF2CC", "不合格": "#F8CBAD"}
SUMMARY_HEADERS = ["排名", "考核单位", "分值", "扣分", "未计分", "加分", "总分", "等次",
                   "一票否决、等次封顶或不排名的原因", "数据缺失项数"]
MOVEMENT_HEADERS = ["考核单位", "指标编号", "指标名称", "分数变动", "实际值", "目标值", "说明",
                    "方案依据", "规则原文", "台账出处", "数据状态"]
FILE_HEADERS = ["数据来源", "文件", "本方案的行数", "载入行数", "隔离行数", "其他年度行数", "状态"]
QUARANTINE_HEADERS = ["数据来源", "文件", "工作表", "行号", "列", "原值", "隔离原因"]
COVERAGE_HEADERS = ["考核单位", "空气质量", "地表水", "台账"]
NOT_APPLICABLE_ZH = "不适用"
DETAIL_MAX_ROWS = 20000  # quarantined rows listed one by one; beyond this the sheet says how many more


def workbook_name(scheme_code: str, year: int) -> str:
    return f"考核结果_{scheme_year_stem(scheme_code, year)}.xlsx"


def as_of_text(data: OfficeData) -> str:
    return f"数据截至{date_zh(data.as_of)}（{data.status}结果）"


def text_width(text: str) -> int:
    """Display width in Excel's character units: a CJK or full-width character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def lines_needed(text: str, width: float) -> int:
    return max(1, sum(math.ceil(text_width(part) / max(width - 1, 1)) or 1 for part in text.split("\n")))


class Styles:
    """The workbook's cell formats, made once (XlsxWriter formats belong to one workbook)."""

    def __init__(self, book: xlsxwriter.Workbook, decimals: int):
        number = "0." + "0" * decimals if decimals else "0"
        base = {"font_name": BODY_FONT, "font_size": 11, "border": 1, "border_color": BORDER_COLOUR,
                "valign": "vcenter"}
        self.number_format = number
        self.title = book.add_format({"font_name": HEAD_FONT, "font_size": 16})
        self.subtitle = book.add_format({"font_name": BODY_FONT, "font_color": "#595959"})
        self.note = book.add_format({"font_name": BODY_FONT, "font_color": "#595959", "text_wrap": True,
                                     "valign": "top"})
        self.header = book.add_format({**base, "font_name": HEAD_FONT, "bold": True,
                                       "font_color": "#FFFFFF", "bg_color": HEADER_FILL, "align": "center",
                                       "text_wrap": True})
        self.section = book.add_format({**base, "font_name": HEAD_FONT, "bold": True,
                                        "bg_color": SECTION_FILL})
        self.text = book.add_format({**base, "text_wrap": True})
        self.centre = book.add_format({**base, "align": "center"})
        self.number = book.add_format({**base, "num_format": number})
        self.bold_number = book.add_format({**base, "num_format": number, "bold": True})
        self.signed = book.add_format({**base, "num_format": f"+{number};−{number};{number}"})
        self.missing = book.add_format({**base, "num_format": number, "bg_color": MISSING_FILL})
        self.not_assessed = book.add_format({**base, "align": "center", "bg_color": NOT_ASSESSED_FILL})
        self.red_text = book.add_format({**base, "text_wrap": True, "font_color": "#C00000"})
        self.grades = {g: book.add_format({"bg_color": c}) for g, c in GRADE_FILLS.items()}


def _escape(text: str) -> str:
    """Header/footer text: & starts a code there."""
    return text.replace("&", "&&")


def print_setup(ws, data: OfficeData, sheet_title: str, repeat_rows: tuple[int, int],
                landscape: bool = True) -> None:
    """A4, one page wide, title rows on every page, the subject and status in the header, the
    as-of date and 第 N 页，共 M 页 in the footer."""
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    ws.repeat_rows(*repeat_rows)
    status = "初步结果，仅供审核" if data.status != FINAL else "定稿"
    ws.set_header(f'&C&"{HEAD_FONT}"{_escape(data.subject)} · {sheet_title}&R{_escape(status)}')
    ws.set_footer(f"&L{_escape(as_of_text(data))}&C第 &P 页，共 &N 页")


def _title(ws, styles: Styles, text: str, subtitle: str) -> None:
    ws.write(0, 0, text, styles.title)
    ws.write(1, 0, subtitle, styles.subtitle)
    ws.set_row(0, 28)


def _header(ws, styles: Styles, row: int, headers: list[str]) -> None:
    for col, text in enumerate(headers):
        ws.write(row, col, text, styles.header)
    ws.set_row(row, 32)  # two lines: a narrow column's header wraps (数据缺失项数)


def _widths(ws, widths: list[float]) -> None:
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)


def _fit_row(ws, row: int, values: list, widths: list[float], line_height: float = 15.0) -> None:
    """Row height for wrapped text (XlsxWriter stores no computed heights, LibreOffice does not
    grow rows on opening): the lines the fullest cell needs at the column widths."""
    lines = max((lines_needed(v, widths[c]) for c, v in enumerate(values) if isinstance(v, str) and v),
                default=1)
    ws.set_row(row, line_height * lines + 3)


# ---------- 汇总


def cause_lines(data: OfficeData, unit_code: str) -> str:
    """The decisive rules of a unit with their causes (fct_unit_grade_causes), one per line."""
    if data.causes.is_empty():
        return ""
    rows = (data.causes.filter(pl.col("unit_code") == unit_code)
            .sort("cause_kind", "item_code", "event_date", nulls_last=True))
    return "\n".join(rows["cause_zh"].to_list())


def summary_sheet(book: xlsxwriter.Workbook, styles: Styles, data: OfficeData) -> None:
    """One row per unit by rank; 总分 = 分值 − 扣分 − 未计分 + 加分 as a formula over the parts as
    printed (which add up: pipelines/lib/wording.balanced), its value stored with it."""
    ws = book.add_worksheet("汇总")
    _title(ws, styles, f"{data.subject}结果汇总表", f"考核方案：{data.scheme_name}；{as_of_text(data)}")
    _header(ws, styles, 2, SUMMARY_HEADERS)
    widths = [6, 16, 8, 8, 8, 8, 8, 10, 50, 8]
    missing = missing_counts(data.scores)
    # 折算 (a scheme converting for items that do not apply, issue 32): a column of its own, in the formula
    converts = "conversion_points" in data.scores.columns and bool(
        (data.scores["conversion_points"].cast(pl.Float64).fill_null(0) != 0).any())
    if converts:
        _header(ws, styles, 2, [*SUMMARY_HEADERS, "折算"])
        widths.append(8)
    for r, unit in enumerate(data.scores.iter_rows(named=True), start=3):
        conversion = unit.get("conversion_points") or 0
        base, deducted, gaps, bonus, total = balanced(
            unit["base_points"], unit["deductions_with_overflow"], unit["bonuses"], unit["total_score"],
            data.decimals, missing=unit.get("missing_points") or 0, conversion=conversion)
        causes = cause_lines(data, unit["unit_code"])
        note = causes or (unit["grade_note_zh"] or "")
        ws.write(r, 0, unit["score_rank"] if unit["score_rank"] is not None else "不排名", styles.centre)
        ws.write(r, 1, unit["unit_name"], styles.text)
        for c, value in ((2, base), (3, deducted), (4, gaps), (5, bonus)):
            ws.write_number(r, c, float(value), styles.number)
        cells = [xl_rowcol_to_cell(r, c) for c in (2, 3, 4, 5)]
        converted = ""
        if converts:
            column = len(SUMMARY_HEADERS)
            ws.write_number(r, column, float(total - base + deducted + gaps - bonus), styles.number)
            converted = f"+{xl_rowcol_to_cell(r, column)}"
        ws.write_formula(r, 6, f"={cells[0]}-{cells[1]}-{cells[2]}+{cells[3]}{converted}", styles.bold_number,
                         float(total))
        ws.write(r, 7, unit["grade"] or "不评定", styles.centre)
        ws.write(r, 8, note, styles.red_text if causes else styles.text)
        ws.write_number(r, 9, missing.get(unit["unit_code"], 0), styles.centre)
        _fit_row(ws, r, [unit["unit_name"], note], [widths[1], widths[8]])
    last = 2 + data.scores.height
    for grade, fmt in styles.grades.items():
        ws.conditional_format(3, 7, last, 7, {"type": "cell", "criteria": "==", "value": f'"{grade}"',
                                              "format": fmt})
    note = last + 2
    text = ("注：总分 = 分值 − 扣分 − 未计分 + 加分（G 列为公式，可核对）；"
            "扣分含超出单项分值、从总分中扣减的部分；未计分为数据缺失、暂未计入的分值；等次按考核方案的分档确定，一票否决、等次封顶或数据缺失不排名的，"
            "原因（事件、日期、地点及台账出处）见 I 列。各数保留 "
            f"{data.decimals} 位小数，扣分列含四舍五入的尾差，使各列相加等于总分。")
    ws.merge_range(note, 0, note, len(SUMMARY_HEADERS) - 1, text, styles.note)
    ws.set_row(note, 48)
    _widths(ws, widths)
    ws.freeze_panes(3, 2)
    print_setup(ws, data, "汇总", (0, 2))


# ---------- 得分明细


def _points_label(item: dict) -> str:
    low, high = item["min_points"], item["max_points"]
    return f"{low:g}" if low == high else f"{low:g}–{high:g}"


def detail_sheet(book: xlsxwriter.Workbook, styles: Styles, data: OfficeData) -> None:
    """Items down, grouped under the scheme's section headings, one column per unit; a cell is
    the item's score (bonus items: the bonus); 从总分扣减 and 合计 = Σ items − 从总分扣减 (formula
    with its value) at the foot, equal to the published total."""
    ws = book.add_worksheet("得分明细")
    units = data.scores.to_dicts()
    _title(ws, styles, f"{data.subject}得分明细表",
           as_of_text(data) + "；各列为各单位的各项得分（加分项为加分）")
    _header(ws, styles, 2, ["指标编号", "指标名称", "分值", *[u["unit_name"] for u in units]])
    scores = _score_lookup(data)
    row, first = 3, 3
    widths = [10, 40, 8] + [max(10, text_width(u["unit_name"]) + 2) for u in units]
    for section in data.sections:
        ws.merge_range(row, 0, row, 2 + len(units), section.label, styles.section)
        row += 1
        for item in section.items:
            ws.write(row, 0, item["item_code"], styles.text)
            ws.write(row, 1, item["item_name"], styles.text)
            ws.write(row, 2, _points_label(item), styles.centre)
            for c, unit in enumerate(units, start=3):
                found = scores.get((unit["unit_code"], item["item_code"]))
                if found is None:
                    ws.write(row, c, "不考核", styles.not_assessed)
                elif found.get("status") == "not_applicable":  # text: SUM leaves it out (issue 32)
                    ws.write(row, c, NOT_APPLICABLE_ZH, styles.not_assessed)
                else:
                    ws.write_number(row, c, float(found["score_with_bonuses"]),
                                    styles.missing if found["_missing"] else styles.number)
            _fit_row(ws, row, [item["item_name"]], [widths[1]])
            row += 1
    last_item = row - 1
    ws.write(row, 0, "", styles.text)
    ws.write(row, 1, "从总分扣减（超出单项分值的扣分）", styles.text)
    ws.write(row, 2, "", styles.text)
    overflow_row = row
    for c, unit in enumerate(units, start=3):
        ws.write_number(row, c, float(unit["overflow_deductions"] or 0), styles.number)
    row += 1
    ws.write(row, 0, "", styles.text)
    ws.write(row, 1, "合计（= 总分）", styles.section)
    ws.write(row, 2, "", styles.text)
    for c, unit in enumerate(units, start=3):
        column = xl_col_to_name(c)
        value = sum((Decimal(str(s["score_with_bonuses"])) for (u, _), s in scores.items()
                     if u == unit["unit_code"]), Decimal(0)) - Decimal(str(unit["overflow_deductions"] or 0))
        assert value == Decimal(str(unit["total_score"])), f"{unit['unit_name']}: 明细合计 {value} ≠ 总分"
        formula = f"=SUM({column}{first + 1}:{column}{last_item + 1})-{column}{overflow_row + 1}"
        ws.write_formula(row, c, formula, styles.bold_number, float(value))
    note = row + 2
    ws.merge_range(note, 0, note, 2 + len(units),
                   "注：合计 = 各项得分（含加分）之和 − 从总分扣减的分数（公式，与汇总表总分一致）。"
                   "灰色：该单位不考核此项；黄色：数据缺失，该项得分待补充数据后确定；"
                   "不适用：方案规定该单位此项不计分，分值不计入应得分。", styles.note)
    ws.set_row(note, 32)
    _widths(ws, widths)
    ws.freeze_panes(3, 3)
    print_setup(ws, data, "得分明细", (2, 2), landscape=len(units) > 4)
    ws.repeat_columns(0, 1)


def _score_lookup(data: OfficeData) -> dict[tuple[str, str], dict]:
    # 数据缺失 is a base item's (fct_unit_scores.missing_items counts those): a bonus item without
    # data adds nothing and is not a gap (无数据，不加分), so it is not coloured
    base = (pl.col("item_kind") != "bonus") if "item_kind" in data.item_scores.columns else pl.lit(True)
    frame = data.item_scores.with_columns(_missing=has_missing_status(data.item_scores) & base)
    return {(r["unit_code"], r["item_code"]): r for r in frame.iter_rows(named=True)}


# ---------- 扣分说明


def source_reference(row: dict) -> str:
    """方案第 21(2)① 项 (the scheme's own numbering of the clause)."""
    return f"方案第 {row['source_item']} 项" if row["source_item"] else ""


def _measure(value) -> str | float:
    return "" if value is None else round(float(value), 4)


def movements_sheet(book: xlsxwriter.Workbook, styles: Styles, data: OfficeData) -> None:
    ws = book.add_worksheet("扣分说明")
    _title(ws, styles, f"{data.subject}扣分加分说明",
           as_of_text(data) + "；负数为扣分，正数为加分；一票否决、等次封顶不扣分，列明原因")
    _header(ws, styles, 2, MOVEMENT_HEADERS)
    widths = [10, 7, 14, 8, 6, 6, 34, 11, 30, 22, 7]
    cited = data.cited_sources()
    bonus = {(u, i) for u, i, k in data.item_scores.select("unit_code", "item_code", "item_kind").iter_rows()
             if k == "bonus"} if "item_kind" in data.item_scores.columns else set()
    r = 3
    for m in data.movements.iter_rows(named=True):
        status = (NOT_APPLICABLE_ZH if m.get("status") == "not_applicable" else
                  "" if m.get("status") != "missing" else
                  "无数据，不加分" if (m["unit_code"], m["item_code"]) in bonus else "数据缺失")
        decisive = m["movement_kind"] in ("veto", "grade_cap")
        explanation = chinese_dates(m["explanation_zh"])
        if decisive:
            found = data.causes.filter(pl.col("unit_code") == m["unit_code"],
                                       pl.col("item_code") == m["item_code"])
            explanation = "；".join(found["cause_zh"].to_list()) or explanation
        values = [m["unit_name"], m["item_code"], m["item_name"], None, _measure(m["measure_value"]),
                  _measure(m["target"]), explanation, source_reference(m), m["source_text"] or "",
                  cited.get(m["movement_id"], ""), status]
        for c, value in enumerate(values):
            if c == 3:
                ws.write_number(r, c, float(m["points"]), styles.signed)
            elif isinstance(value, float):
                ws.write_number(r, c, value, styles.centre)
            else:
                ws.write(r, c, value, styles.red_text if decisive or status == "数据缺失" else styles.text)
        _fit_row(ws, r, values, widths)
        r += 1
    if data.movements.is_empty():
        ws.write(3, 0, "本期各单位均无扣分或加分。")
    _widths(ws, widths)
    ws.freeze_panes(3, 1)
    ws.autofilter(2, 0, max(3, r - 1), len(MOVEMENT_HEADERS) - 1)
    print_setup(ws, data, "扣分说明", (2, 2))


# ---------- 数据质量


def quality_sheet(book: xlsxwriter.Workbook, styles: Styles, data: OfficeData) -> None:
    ws = book.add_worksheet("数据质量")
    _title(ws, styles, "数据质量：本方案的输入文件与未采用的数据",
           as_of_text(data) + "；被隔离的行或数值不参与计分；只列本方案考核单位的文件与数据")
    widths = [14, 44, 12, 10, 10, 12, 40]
    ws.write(2, 0, "一、按文件汇总", styles.section)
    _header(ws, styles, 3, FILE_HEADERS)
    row = 4
    for f in data.file_report.iter_rows(named=True):
        values = [f["input_zh"], f["source_file"], f["rows_read"], f["rows_loaded"], f["rows_quarantined"],
                  f["rows_other_year"], f["status_zh"]]
        for c, value in enumerate(values):
            if isinstance(value, int):
                ws.write_number(row, c, value, styles.centre)
            else:
                ws.write(row, c, "—" if value is None else value, styles.text)
        _fit_row(ws, row, values, widths)
        row += 1
    if data.file_report.is_empty():
        ws.write(row, 0, "本期没有本方案的输入文件。")
        row += 1
    row += 1
    ws.write(row, 0, f"二、隔离清单（共 {data.quarantine.height} 条）", styles.section)
    _header(ws, styles, row + 1, QUARANTINE_HEADERS)
    row += 2
    for q in data.quarantine.head(DETAIL_MAX_ROWS).iter_rows(named=True):
        values = [q["input_zh"], q["source_file"], q["source_sheet"] or "", q["source_row"],
                  q["column_name"] or "", q["value"] or "", q["reason"] or ""]
        for c, value in enumerate(values):
            if isinstance(value, int):
                ws.write_number(row, c, value, styles.centre)
            else:
                ws.write(row, c, "" if value is None else value, styles.text)
        _fit_row(ws, row, values, widths)
        row += 1
    if data.quarantine.height > DETAIL_MAX_ROWS:
        ws.write(row, 0, f"另有 {data.quarantine.height - DETAIL_MAX_ROWS} 条未列出，"
                         "完整清单见发布目录中的 quarantine_*.parquet。")
    elif data.quarantine.is_empty():
        ws.write(row, 0, "本期没有被隔离的数据。")
    coverage_table(ws, styles, data, row + 2, widths)
    _widths(ws, widths)
    ws.freeze_panes(4, 0)
    print_setup(ws, data, "数据质量", (0, 1))


def coverage_table(ws, styles: Styles, data: OfficeData, row: int, widths: list[float]) -> int:
    """三、各领域数据: each unit's data this year per domain (fct_domain_coverage) — 无数据 where it
    has none (issue 32: a year or a unit without air, water or ledger data publishes and says
    so); a domain the scheme does not read is marked 本方案不读取. Returns the last row written."""
    ws.write(row, 0, f"三、各领域数据（{data.year} 年）", styles.section)
    if data.coverage.is_empty():
        ws.write(row + 1, 0, "本期未发布各领域数据情况。")
        return row + 1
    _header(ws, styles, row + 1, COVERAGE_HEADERS)
    row += 2
    cells = {(r["unit_code"], r["domain"]): r for r in data.coverage.iter_rows(named=True)}
    for unit in data.scores.iter_rows(named=True):
        values = [unit["unit_name"]]
        for domain in DOMAIN_ORDER:
            found = cells.get((unit["unit_code"], domain))
            text = found["detail_zh"] if found else "—"
            values.append(text + ("（本方案不读取）" if found and not found["is_read"] else ""))
        for c, value in enumerate(values):
            gap = "无数据" in value and "不读取" not in value
            ws.write(row, c, value, styles.missing if gap else styles.text)
        _fit_row(ws, row, values, widths)
        row += 1
    return row


def write_workbook(data: OfficeData, out_dir: Path) -> Path:
    path = out_dir / workbook_name(data.scheme_code, data.year)
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"title": f"{data.subject}结果", "author": "ecoscore"})
    styles = Styles(book, data.decimals)
    summary_sheet(book, styles, data)
    detail_sheet(book, styles, data)
    movements_sheet(book, styles, data)
    quality_sheet(book, styles, data)
    book.close()
    return path
