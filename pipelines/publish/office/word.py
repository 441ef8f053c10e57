"""考核通报_<scheme>_<year>.docx: the 通报 laid out as an official document (GB/T 9704-2012
《党政机关公文格式》), for the office to number, sign and send.

版头: 发文机关标志 (the scheme's `report.issuer` + 文件, red, centred), 发文字号 (the 机关代字
`report.document_prefix`〔year〕 and a blank number for the office to fill), the red separator
line. 主体: 标题, 主送机关 (`report.addressees`), 正文 (opening paragraph, 一、考核结果 with the
ranking table and chart, 二、each unit's decisive rules with their causes and its largest
deductions, 三、数据质量说明, 四、有关要求), 附件说明 (named in Chinese), 落款 and 成文日期 in Chinese
numerals (二〇二五年一月六日), kept on one page with the last lines of the 正文. Page numbers
«— 1 —» in 4号 宋体, odd pages right, even pages left. Dates inside sentences are written the
Chinese way; numbers with the scheme's decimals, a total equal to the parts as shown."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from pipelines.lib.wording import balanced, chinese_dates, date_numerals, date_zh, points
from pipelines.publish.office.data import (
    FINAL,
    QUARANTINES,
    OfficeData,
    domains_without_data,
    missing_counts,
    scheme_year_stem,
)

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
TABLE_FONT = "宋体"
TITLE_STYLE = "通报标题"
TABLE_STYLE = "表格文字"
RANKING_HEADERS = ["排名", "考核单位", "分值", "扣分", "加分", "总分", "等次", "备注"]
TOP_DEDUCTIONS = 3
CHINESE_NUMERALS = "一二三四五六七八九十"
RED = RGBColor(0xE6, 0x00, 0x12)  # 发文机关标志 and the separator line: red (GB/T 9704 7.2.1, 7.2.4)


def report_name(scheme_code: str, year: int) -> str:
    return f"考核通报_{scheme_year_stem(scheme_code, year)}.docx"


def _set_fonts(style, east_asian: str, size: float, bold: bool = False) -> None:
    """A style's Latin and East Asian typefaces (python-docx sets only the Latin one by name)."""
    style.font.name = "Times New Roman"
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), east_asian)


def define_styles(doc: DocumentObject) -> None:
    """GB/T 9704 proportions: title 二号 小标宋, body 三号 仿宋, headings 黑体 / 楷体."""
    styles = doc.styles
    _set_fonts(styles["Normal"], BODY_FONT, 16)
    normal = styles["Normal"].paragraph_format
    normal.first_line_indent, normal.line_spacing, normal.space_after = Pt(32), Pt(28), Pt(0)
    title = styles.add_style(TITLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    title.base_style = styles["Normal"]
    _set_fonts(title, TITLE_FONT, 22)
    fmt = title.paragraph_format
    fmt.alignment, fmt.space_after, fmt.first_line_indent = WD_ALIGN_PARAGRAPH.CENTER, Pt(6), Pt(0)
    fmt.line_spacing = Pt(36)
    for name, font in (("Heading 1", HEADING_FONT), ("Heading 2", SUBHEADING_FONT)):
        _set_fonts(styles[name], font, 16)
        fmt = styles[name].paragraph_format
        fmt.first_line_indent, fmt.space_before, fmt.space_after = Pt(32), Pt(6), Pt(0)
        fmt.keep_with_next = True
    _set_fonts(styles["Caption"], BODY_FONT, 12)
    styles["Caption"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    styles["Caption"].paragraph_format.first_line_indent = Pt(0)
    cell = styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    cell.base_style = styles["Normal"]
    _set_fonts(cell, TABLE_FONT, 11)
    fmt = cell.paragraph_format
    fmt.first_line_indent, fmt.line_spacing, fmt.alignment = Pt(0), 1.0, WD_ALIGN_PARAGRAPH.CENTER


def page_setup(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)


def _page_field(paragraph) -> None:
    """— PAGE — (a field Word and LibreOffice fill in), 4号 宋体 (GB/T 9704 7.5)."""
    for text in ("— ", None, " —"):
        if text is None:
            run = paragraph.add_run()
            for kind, instr in (("begin", None), (None, "PAGE"), ("end", None)):
                if kind:
                    char = OxmlElement("w:fldChar")
                    char.set(qn("w:fldCharType"), kind)
                    run._r.append(char)
                else:
                    code = OxmlElement("w:instrText")
                    code.text = instr
                    run._r.append(code)
        else:
            run = paragraph.add_run(text)
        run.font.size = Pt(14)
        run.font.name = "宋体"
        run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")


def page_number_footer(doc: DocumentObject) -> None:
    """«— 1 —» at the foot: odd pages to the right, even pages to the left, one character in
    from the edge of the type area (GB/T 9704-2012 7.5)."""
    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, alignment in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
                              (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        paragraph = footer.paragraphs[0]
        paragraph.alignment = alignment
        fmt = paragraph.paragraph_format
        fmt.first_line_indent = Pt(0)
        fmt.left_indent = Pt(14) if alignment == WD_ALIGN_PARAGRAPH.LEFT else Pt(0)
        fmt.right_indent = Pt(14) if alignment == WD_ALIGN_PARAGRAPH.RIGHT else Pt(0)
        _page_field(paragraph)


def issuer(data: OfficeData) -> str:
    """The issuing authority: the scheme's report.issuer, else its government's general office
    (XX市 → XX市人民政府办公室)."""
    if data.report.get("issuer"):
        return data.report["issuer"]
    if data.government:
        return f"{data.government.removesuffix('人民政府')}人民政府办公室"
    return "考核工作办公室"


def document_number(data: OfficeData, issued: date) -> str:
    """发文字号 with the number left blank for the office: 资政办〔2025〕　号."""
    prefix = data.report.get("document_prefix") or "（机关代字）"  # for the office to fill in
    return f"{prefix}〔{issued.year}〕　　号"


def masthead(doc: DocumentObject, data: OfficeData, issued: date) -> None:
    """版头 (GB/T 9704-2012 7.2): 发文机关标志 in red 小标宋, 发文字号 two lines below, centred,
    then the red separator line as wide as the type area."""
    mark = doc.add_paragraph()
    mark.alignment = WD_ALIGN_PARAGRAPH.CENTER
    fmt = mark.paragraph_format
    fmt.first_line_indent, fmt.space_before, fmt.space_after, fmt.line_spacing = Pt(0), Pt(24), Pt(18), 1.0
    run = mark.add_run(f"{issuer(data)}文件")
    # as large as 36 pt while the line fits the 156 mm type area (442 pt) (GB/T 9704 7.2.3)
    run.font.size = Pt(min(36, int(442 * 0.95 / (len(issuer(data)) + 2))))
    run.font.color.rgb, run.font.name = RED, TITLE_FONT
    run._r.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), TITLE_FONT)
    number = doc.add_paragraph(document_number(data, issued))
    number.alignment = WD_ALIGN_PARAGRAPH.CENTER
    number.paragraph_format.first_line_indent = Pt(0)
    number.paragraph_format.space_before = Pt(12)
    rule = number._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "14"), ("color", "E60012")):
        bottom.set(qn(f"w:{key}"), value)
    border.append(bottom)
    rule.append(border)
    doc.add_paragraph().paragraph_format.line_spacing = Pt(20)


def status_line(data: OfficeData) -> str:
    if data.status == FINAL:
        return f"（定稿　数据截至{date_zh(data.as_of)}）"
    return f"（初步结果　征求意见稿　数据截至{date_zh(data.as_of)}）"


def grade_counts(data: OfficeData) -> str:
    counts = dict(data.scores.group_by("grade").len().iter_rows())
    parts = [f"{grade}{counts.get(grade, 0)}个" for grade in data.grades]
    unknown = [g for g in counts if g not in data.grades]
    parts += [f"{'不评定等次' if g is None else g}{counts[g]}个" for g in unknown]
    return "、".join(parts)


def opening(data: OfficeData) -> str:
    text = (f"根据《{data.scheme_name}》，对{data.scores.height}个考核单位{data.year}年度生态环境保护目标"
            f"责任完成情况进行了考核，考核期为{data.year}年1月1日至{date_zh(data.as_of)}。"
            f"考核结果：{grade_counts(data)}。")
    if data.status != FINAL:
        text += "本通报所列为初步结果，待数据补充和复核后定稿，定稿前请勿对外引用。"
    return text + "现将有关情况通报如下。"


def _decisive_note(data: OfficeData, unit: dict) -> str:
    kinds = set(data.causes.filter(pl.col("unit_code") == unit["unit_code"])["cause_kind"].to_list()) \
        if not data.causes.is_empty() else set()
    if "veto" in kinds:
        return "一票否决，原因见第二部分"
    if "not_ranked" in kinds or unit.get("is_ranked") is False:
        return "数据缺失，不评定等次、不排名"
    if "grade_cap" in kinds:
        return "等次封顶，原因见第二部分"
    return ""


def ranking_table(doc: DocumentObject, data: OfficeData) -> None:
    missing = missing_counts(data.scores)
    table = doc.add_table(rows=1, cols=len(RANKING_HEADERS), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, RANKING_HEADERS, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    _repeat_header(table.rows[0])
    for unit in data.scores.iter_rows(named=True):
        notes = [n for n in [_decisive_note(data, unit)] if n]
        if missing.get(unit["unit_code"], 0) and unit.get("is_ranked") is not False:
            notes.append(f"{missing[unit['unit_code']]}项数据缺失")
        conversion = unit.get("conversion_points") or 0
        if conversion:  # 折算 (issue 32): the total is converted, the parts are not
            notes.append(f"折算{points(conversion, data.decimals, signed=True)}分")
        base, deducted, gaps, bonus, total = balanced(
            unit["base_points"], unit["deductions_with_overflow"], unit["bonuses"], unit["total_score"],
            data.decimals, missing=unit.get("missing_points") or 0, conversion=conversion)
        values = [str(unit["score_rank"]) if unit["score_rank"] is not None else "—", unit["unit_name"],
                  points(base, data.decimals), points(deducted + gaps, data.decimals),
                  points(bonus, data.decimals), points(total, data.decimals), unit["grade"] or "不评定",
                  "；".join(notes)]
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    widths = [Cm(1.2), Cm(3.4), Cm(1.5), Cm(1.5), Cm(1.5), Cm(1.6), Cm(1.6), Cm(3.3)]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for i, (cell, width) in enumerate(zip(row.cells, widths, strict=True)):
            cell.width = width
            paragraph = cell.paragraphs[0]
            paragraph.style = doc.styles[TABLE_STYLE]
            if i in (1, 7):
                paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT


def _repeat_header(row) -> None:
    """A table header row repeated on each page the table runs over."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def ranking_figure(doc: DocumentObject, chart: Path | None, units: int) -> None:
    """The dashboard's ranking chart (bars of the totals); not for a single unit."""
    if chart is not None and chart.exists() and units > 1:
        doc.add_picture(str(chart), width=Cm(15.6))
        picture = doc.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # the body's exact 28 pt line height would clip the picture to one line
        picture.paragraph_format.first_line_indent, picture.paragraph_format.line_spacing = Pt(0), 1.0
        picture.paragraph_format.space_before = Pt(6)
        picture.paragraph_format.keep_with_next = True
        doc.add_paragraph("图1　各考核单位总分", style="Caption")


def largest_deductions(data: OfficeData, unit_code: str) -> pl.DataFrame:
    """The unit's three largest deductions by scoring rule (composition steps such as pool
    transfers only move a deduction already listed, so they are left out here)."""
    return (data.movements.filter(pl.col("unit_code") == unit_code, pl.col("points") < 0,
                                  pl.col("rule_shape") != "composition")
            .sort("points", "item_code").head(TOP_DEDUCTIONS))


def deduction_sentence(n: int, row: dict, decimals: int) -> str:
    reason = chinese_dates(row["explanation_zh"]).rstrip("。；;")
    source = f"（方案第{row['source_item']}项）" if row["source_item"] else ""
    lost = points(abs(float(row["points"])), decimals)
    return f"{n}．第{row['item_code']}项“{row['item_name']}”扣{lost}分：{reason}{source}。"


def cause_paragraphs(data: OfficeData, unit_code: str) -> list[str]:
    """A sentence per decisive rule of the unit, with its cause (fct_unit_grade_causes)."""
    if data.causes.is_empty():
        return []
    rows = data.causes.filter(pl.col("unit_code") == unit_code).sort("cause_kind", "item_code")
    return rows["cause_zh"].to_list()


def deductions_section(doc: DocumentObject, data: OfficeData) -> None:
    doc.add_paragraph("二、各单位等次依据和主要扣分情况", style="Heading 1")
    for n, unit in enumerate(data.scores.iter_rows(named=True), start=1):
        numeral = CHINESE_NUMERALS[n - 1] if n <= len(CHINESE_NUMERALS) else str(n)
        place = f"排名第{unit['score_rank']}" if unit["score_rank"] is not None else "不排名"
        grade = unit["grade"] or "不评定等次"
        total = points(unit["total_score"], data.decimals)
        doc.add_paragraph(f"（{numeral}）{unit['unit_name']}：总分{total}分，{place}，{grade}。",
                          style="Heading 2")
        for sentence in cause_paragraphs(data, unit["unit_code"]):
            doc.add_paragraph(sentence)
        rows = largest_deductions(data, unit["unit_code"])
        if rows.is_empty():
            doc.add_paragraph("本期各项均未扣分。")
            continue
        doc.add_paragraph("主要扣分：")
        for i, row in enumerate(rows.iter_rows(named=True), start=1):
            doc.add_paragraph(deduction_sentence(i, row, data.decimals))
    doc.add_paragraph("各单位全部扣分、加分及其依据和台账出处，见附件“扣分说明”表。")


def quality_note(data: OfficeData) -> str:
    """Counts from the scheme's own files and quarantine (one definition each: the workbook's
    数据质量 sheet lists the same) and the units' missing items (fct_unit_scores.missing_items)."""
    ledgers = data.file_report.filter(pl.col("input_zh") == QUARANTINES["quarantine_ledgers"])
    other_year = ledgers.filter(pl.col("rows_read") > 0, pl.col("rows_read") == pl.col("rows_other_year"))
    own = ledgers.filter(~pl.col("source_file").is_in(other_year["source_file"].implode()))
    faulty = data.file_report.filter(pl.col("rows_quarantined") > 0)
    missing = missing_counts(data.scores)
    if own.height:
        parts = [f"本期读入本方案部门台账文件{own.height}个、{int(own['rows_read'].sum())}行，"
                 f"载入{int(own['rows_loaded'].sum())}行"]
    else:
        parts = ["本期未读入本方案的部门台账文件"]
    if other_year.height:
        parts.append(f"另有{other_year.height}个文件属其他考核年度，未计入本期")
    if data.quarantine.is_empty():
        parts.append("各项输入数据均通过质量检查，未隔离任何数据")
    else:
        parts.append(f"共有{faulty.height}个数据文件的{data.quarantine.height}处数据因格式或内容问题被隔离、"
                     "未参与计分，清单见附件“数据质量”表")
    total_missing = sum(missing.values())
    if total_missing:
        units = sum(1 for v in missing.values() if v)
        parts.append(f"{units}个单位共{total_missing}项指标因数据缺失暂未确定得分，"
                     "不按达标计分，待补充数据后确定")
    else:
        parts.append("未发现因数据缺失而无法计分的指标")
    # a domain the scheme reads with no data for the year or for some units (issue 32): 无数据
    for label, units, none_at_all in domains_without_data(data.coverage):
        parts.append(f"本年度无{label}数据" if none_at_all else f"{'、'.join(units)}本年度无{label}数据")
    return "；".join(parts) + "。请相关单位核实被隔离的数据，按要求更正后重新报送。"


def attachment_name(data: OfficeData) -> str:
    return f"{data.subject}结果统计表（汇总表、得分明细表、扣分加分说明、数据质量清单）"


def closing(doc: DocumentObject, data: OfficeData, issued: date) -> None:
    """附件说明 (one blank line after the 正文, 左空二字), 落款 and 成文日期 (右空四字), kept on one
    page with the 正文's last paragraph (no page holding the signature alone)."""
    doc.paragraphs[-1].paragraph_format.keep_with_next = True
    doc.add_paragraph().paragraph_format.keep_with_next = True
    attachment = doc.add_paragraph(f"附件：{attachment_name(data)}")
    attachment.paragraph_format.keep_with_next = True
    attachment.paragraph_format.left_indent = Pt(32)
    attachment.paragraph_format.first_line_indent = Pt(-48)
    for _ in range(2):
        doc.add_paragraph().paragraph_format.keep_with_next = True
    for text in (issuer(data), date_numerals(issued)):
        line = doc.add_paragraph(text)
        line.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        line.paragraph_format.right_indent = Pt(64)
        line.paragraph_format.first_line_indent = Pt(0)
        line.paragraph_format.keep_with_next = True
    doc.paragraphs[-1].paragraph_format.keep_with_next = False


def write_report(data: OfficeData, out_dir: Path, chart: Path | None, workbook: str,
                 issued: date | None = None) -> Path:
    """The 通报 of one scheme; `issued` is the 成文日期 (default: today, Beijing time)."""
    from pipelines.lib.calendar import beijing_date

    issued = issued or beijing_date()
    doc = Document()
    define_styles(doc)
    page_setup(doc)
    page_number_footer(doc)
    masthead(doc, data, issued)
    doc.add_paragraph(f"关于{data.subject}结果的通报", style=TITLE_STYLE)
    status = doc.add_paragraph(status_line(data))
    status.alignment = WD_ALIGN_PARAGRAPH.CENTER
    status.paragraph_format.first_line_indent = Pt(0)
    addressees = data.report.get("addressees") or "各考核单位"
    addressee = doc.add_paragraph(f"{addressees}：")
    addressee.paragraph_format.first_line_indent = Pt(0)
    doc.add_paragraph(opening(data))
    doc.add_paragraph("一、考核结果", style="Heading 1")
    doc.add_paragraph("各单位得分、等次及排名如下（总分＝分值－扣分＋加分，扣分含数据缺失未计入的分值）：")
    ranking_table(doc, data)
    ranking_figure(doc, chart, data.scores.height)
    deductions_section(doc, data)
    doc.add_paragraph("三、数据质量说明", style="Heading 1")
    doc.add_paragraph(quality_note(data))
    doc.add_paragraph("四、有关要求", style="Heading 1")
    doc.add_paragraph("请各单位对照扣分情况，逐项分析原因，认真抓好整改。对考核结果有异议的，"
                      "请在规定时限内向考核工作办公室书面反馈，并附相关证明材料。")
    closing(doc, data, issued)
    doc.core_properties.title = f"关于{data.subject}结果的通报"
    doc.core_properties.author = issuer(data)
    path = out_dir / report_name(data.scheme_code, data.year)
    doc.save(path)
    return path
