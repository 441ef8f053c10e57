"""考核通报_<scheme>_<year>.docx: a draft 通报 for the office to edit and the leaders to sign.

Built with python-docx on named styles (标题, 正文, 一级/二级标题, table style), so the office
edits it like any document: title, opening paragraph (period, units, counts by grade),
the ranking table and the dashboard's ranking chart, each unit's three largest deductions with
their reasons, the data-quality note, and whether the results are 初步 or 定稿."""

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

from pipelines.publish.office.data import FINAL, OfficeData, missing_counts, scheme_year_stem

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


def report_name(scheme_code: str, year: int) -> str:
    return f"考核通报_{scheme_year_stem(scheme_code, year)}.docx"


def _date_zh(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _points(value) -> str:
    return f"{float(value):.2f}"


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


def page_number_footer(doc: DocumentObject) -> None:
    """— 1 — centred in the footer (a PAGE field, which Word and LibreOffice fill in)."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.add_run("— ")
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    paragraph._p.append(field)
    paragraph.add_run(" —")


def status_line(data: OfficeData) -> str:
    if data.status == FINAL:
        return f"（定稿　数据截至{_date_zh(data.as_of)}）"
    return f"（初步结果　征求意见稿　数据截至{_date_zh(data.as_of)}）"


def grade_counts(data: OfficeData) -> str:
    counts = dict(data.scores.group_by("grade").len().iter_rows())
    parts = [f"{grade}{counts.get(grade, 0)}个" for grade in data.grades]
    unknown = [g for g in counts if g not in data.grades]
    parts += [f"{g or '未定等次'}{counts[g]}个" for g in unknown]
    return "、".join(parts)


def opening(data: OfficeData) -> str:
    text = (f"根据《{data.scheme_name}》，对{data.scores.height}个考核单位{data.year}年度生态环境保护目标"
            f"责任完成情况进行了考核，考核期为{data.year}年1月1日至{_date_zh(data.as_of)}。"
            f"考核结果：{grade_counts(data)}。")
    if data.status != FINAL:
        text += "本通报所列为初步结果，待数据补充和复核后定稿，定稿前请勿对外引用。"
    return text + "现将有关情况通报如下。"


def ranking_table(doc: DocumentObject, data: OfficeData) -> None:
    missing = missing_counts(data.scores)
    table = doc.add_table(rows=1, cols=len(RANKING_HEADERS), style="Table Grid")
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, RANKING_HEADERS, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for unit in data.scores.iter_rows(named=True):
        notes = [unit["grade_note_zh"]] if unit["grade_note_zh"] else []
        if missing.get(unit["unit_code"], 0):
            notes.append(f"{missing[unit['unit_code']]}项数据缺失")
        values = [str(unit["score_rank"]), unit["unit_name"], _points(unit["base_points"]),
                  _points(unit["deductions"]), _points(unit["bonuses"]), _points(unit["total_score"]),
                  unit["grade"] or "", "；".join(notes)]
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


def ranking_figure(doc: DocumentObject, chart: Path | None) -> None:
    if chart is not None and chart.exists():
        doc.add_picture(str(chart), width=Cm(15.6))
        picture = doc.paragraphs[-1]
        picture.alignment = WD_ALIGN_PARAGRAPH.CENTER
        # the body's exact 28 pt line height would clip the picture to one line
        picture.paragraph_format.first_line_indent, picture.paragraph_format.line_spacing = Pt(0), 1.0
        picture.paragraph_format.space_before = Pt(6)
        doc.add_paragraph("图1　考核单位排名（与领导驾驶舱排名图一致）", style="Caption")
    else:
        doc.add_paragraph("（排名图未能生成：本机未安装 Chromium，领导驾驶舱未导出图片。"
                          "以 root 运行 make browser 后重新生成即可插入。）")


def largest_deductions(data: OfficeData, unit_code: str) -> pl.DataFrame:
    """The unit's three largest deductions by scoring rule (composition steps such as pool
    transfers only move a deduction already listed, so they are left out here)."""
    return (data.movements.filter(pl.col("unit_code") == unit_code, pl.col("points") < 0,
                                  pl.col("rule_shape") != "composition")
            .sort("points", "item_code").head(TOP_DEDUCTIONS))


def deduction_sentence(n: int, row: dict) -> str:
    reason = (row["explanation_zh"] or "").rstrip("。；;")
    source = f"（依据文件{row['source_seed']}第{row['source_item']}项）" if row["source_item"] else ""
    points = abs(float(row["points"]))
    return f"{n}. 第{row['item_code']}项“{row['item_name']}”扣{points:.2f}分：{reason}{source}。"


def deductions_section(doc: DocumentObject, data: OfficeData) -> None:
    doc.add_paragraph("二、各单位主要扣分情况", style="Heading 1")
    for n, unit in enumerate(data.scores.iter_rows(named=True), start=1):
        numeral = CHINESE_NUMERALS[n - 1] if n <= len(CHINESE_NUMERALS) else str(n)
        grade = unit["grade_note_zh"] or unit["grade"] or "未定等次"  # 一票否决（21(2)①）：不合格
        doc.add_paragraph(f"（{numeral}）{unit['unit_name']}：总分{_points(unit['total_score'])}分，"
                          f"排名第{unit['score_rank']}，{grade}。", style="Heading 2")
        rows = largest_deductions(data, unit["unit_code"])
        if rows.is_empty():
            doc.add_paragraph("本期各项均未扣分。")
            continue
        for i, row in enumerate(rows.iter_rows(named=True), start=1):
            doc.add_paragraph(deduction_sentence(i, row))
    doc.add_paragraph("各单位全部扣分、加分及其依据和来源数据，见附件《考核结果》表格“扣分说明”工作表。")


def quality_note(data: OfficeData) -> str:
    ledgers = data.file_report.filter(pl.col("rows_read").is_not_null())
    faulty = data.file_report.filter(pl.col("rows_quarantined") > 0)
    missing = sum(missing_counts(data.scores).values())
    parts = [f"本期读入部门台账文件{ledgers.height}个" if ledgers.height else "本期未读入部门台账文件"]
    if data.quarantine.is_empty():
        parts.append("各项输入数据均通过质量检查，未隔离任何数据")
    else:
        parts.append(f"共有{faulty.height}个数据文件的{data.quarantine.height}处数据因格式或内容问题被隔离、"
                     "未参与计分，清单见附件表格“数据质量”工作表")
    if missing:
        units = sum(1 for v in missing_counts(data.scores).values() if v)
        parts.append(f"{units}个单位共{missing}项指标因数据缺失暂未确定得分，不按达标计分，待补充数据后确定")
    else:
        parts.append("未发现因数据缺失而无法计分的指标")
    return "；".join(parts) + "。请相关单位核实被隔离的数据，按要求更正后重新报送。"


def write_report(data: OfficeData, out_dir: Path, chart: Path | None, workbook: str) -> Path:
    doc = Document()
    define_styles(doc)
    page_setup(doc)
    page_number_footer(doc)
    doc.add_paragraph(f"关于{data.subject}结果的通报", style=TITLE_STYLE)
    status = doc.add_paragraph(status_line(data))
    status.alignment = WD_ALIGN_PARAGRAPH.CENTER
    status.paragraph_format.first_line_indent = Pt(0)
    addressee = doc.add_paragraph("各考核单位：")
    addressee.paragraph_format.first_line_indent = Pt(0)
    doc.add_paragraph(opening(data))
    doc.add_paragraph("一、考核结果", style="Heading 1")
    doc.add_paragraph("各单位得分、等次及排名如下（总分＝分值－扣分＋加分）：")
    ranking_table(doc, data)
    ranking_figure(doc, chart)
    deductions_section(doc, data)
    doc.add_paragraph("三、数据质量说明", style="Heading 1")
    doc.add_paragraph(quality_note(data))
    doc.add_paragraph("四、有关要求", style="Heading 1")
    doc.add_paragraph("请各单位对照扣分情况，逐项分析原因，认真抓好整改。对考核结果有异议的，"
                      "请在规定时限内向考核工作办公室书面反馈，并附相关证明材料。")
    attachment = doc.add_paragraph(f"附件：{workbook}")
    attachment.paragraph_format.space_before = Pt(16)
    for text in ("考核工作办公室", _date_zh(date.today())):
        signature = doc.add_paragraph(text)
        signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        signature.paragraph_format.right_indent = Cm(1.2)
    doc.core_properties.title = f"关于{data.subject}结果的通报"
    doc.core_properties.author = "ecoscore"
    path = out_dir / report_name(data.scheme_code, data.year)
    doc.save(path)
    return path
