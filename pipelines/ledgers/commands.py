"""CLI subcommands of the ledgers domain: `ecoscore ledger-template`, `ecoscore ledger-check`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_template(args: argparse.Namespace) -> int:
    from pipelines.ledgers.template import TemplateError, build_template
    from pipelines.lib.names import UnknownNameError, scheme_path

    try:
        sheets = build_template(scheme_path(args.scheme), args.unit, Path(args.output))
    except (TemplateError, UnknownNameError) as err:
        print(err, file=sys.stderr)
        return 2
    print(f"{args.output}: 填写说明 + {'、'.join(sheets)}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """Load data/raw/ledgers (of ECOSCORE_DATA_DIR) and print the per-file report and the
    quarantine, without running the rest of the pipeline."""
    from pipelines.ledgers.check import LedgerCheckError, check_ledgers
    from pipelines.lib.calendar import current_year
    from pipelines.lib.settings import get_settings

    try:
        result = check_ledgers(get_settings(), args.year or current_year())
    except LedgerCheckError as err:
        print(err, file=sys.stderr)
        return 2
    print("\n".join(report_lines(result)))
    return 1 if result["quarantine"].height else 0


def report_lines(result: dict) -> list[str]:
    """Per file: rows read, loaded, quarantined and its status; then every quarantined cell (a
    file-level problem is placed as 整个文件, never 第 None 行)."""
    lines = [f"{f['source_file']}: 读取 {f['rows_read']} 行，载入 {f['rows_loaded']}，"
             f"隔离 {f['rows_quarantined']}"
             + (f"，属其他考核年度 {f['rows_other_year']}" if f.get("rows_other_year") else "")
             + f"（{f['change']}）— {f['status_zh']}"
             for f in result["files"].iter_rows(named=True)]
    for q in result["quarantine"].iter_rows(named=True):
        place = "整个文件" if q["source_row"] is None else f"第 {q['source_row']} 行"
        where = f"{q['source_file']} {q['source_sheet'] or ''} {place}".replace("  ", " ")
        lines.append(f"  {where} {q['column_name'] or ''}「{q['value'] or ''}」: {q['reason']}")
    pending = result.get("pending")
    for p in pending.iter_rows(named=True) if pending is not None else []:
        lines.append(f"  待核 {p['scheme_code']} {p['unit_code']} 指标 {p['item_code']}: {p['pending_zh']}")
    for u in result["unread"].iter_rows(named=True):
        where = f"{u['source_file']} {u['source_sheet'] or ''} 第 {u['source_row']} 行".replace("  ", " ")
        lines.append(f"  警告 {where}: {u['reason_zh']}")
    return lines


def register(subparsers: argparse._SubParsersAction) -> None:
    template = subparsers.add_parser(
        "ledger-template", help="按考核方案生成单位的台账填报表 .xlsx (a unit's fill-in ledger workbook)")
    template.add_argument("--scheme", required=True,
                          help="scheme YAML file, or a scheme code or Chinese name of data/raw/schemes/ "
                               "(qinzhou_2024, 钦州市)")
    template.add_argument("--unit", required=True, help="考核单位，代码或中文名 (unit code or Chinese name)")
    template.add_argument("-o", "--output", required=True, help="输出 .xlsx (output workbook)")
    template.set_defaults(func=cmd_template)
    check = subparsers.add_parser(
        "ledger-check", help="检查 data/raw/ledgers 的台账，列出将被隔离的行 "
                             "(list ledger rows that would be quarantined)")
    check.add_argument("--year", type=int, default=None,
                       help="考核年度，默认北京时间的本年 (assessment year)")
    check.set_defaults(func=cmd_check)
