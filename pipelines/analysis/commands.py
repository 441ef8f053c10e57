"""CLI: `ecoscore docs` (data dictionary and dbt docs), `ecoscore whatif` (scenarios)."""

from __future__ import annotations

import argparse
import subprocess
from pathlib import Path

from pipelines.lib import console
from pipelines.lib.settings import get_settings


def cmd_docs(args: argparse.Namespace) -> int:
    from pipelines.analysis.dictionary import build_docs

    settings = get_settings()
    out = Path(args.output) if args.output else settings.data_dir / "docs"
    try:
        html, md = build_docs(settings, out)
    except FileNotFoundError as err:
        print(err)
        return 1
    print(f"dbt 文档 dbt docs (static, offline): {html}\n数据字典 data dictionary: {md}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    docs = sub.add_parser("docs", help="生成数据字典与 dbt 文档 (dbt docs and the data "
                                       "dictionary of the published marts)")
    docs.add_argument("-o", "--output", help="输出目录，默认 data/docs (output folder)")
    docs.set_defaults(func=cmd_docs)
    whatif = sub.add_parser("whatif", help="情景分析：在副本中按假设重新计分，不动已发布结果 "
                                           "(re-score a unit under a scenario)")
    whatif.add_argument("--year", type=int)
    whatif.add_argument("--unit", help="考核单位，代码或中文名，如 灵山县 (unit code or Chinese name)")
    whatif.add_argument("--set", action="append", metavar="KEY=VALUE",
                        help="e.g. air.pm2_5.2024-12=30 (every day of the period at that value)")
    whatif.add_argument("--excuse", action="append", metavar="LEDGER_ROW_ID",
                        help="按经核实剔除处理这条台账事件 (treat this ledger event as excused)")
    whatif.add_argument("--scenario", help="情景文件 YAML：year、unit、set、excuse (a scenario file)")
    whatif.add_argument("-v", "--verbose", action="store_true",
                        help="终端同时显示 dbt 日志 (also stream dbt's log here)")
    whatif.set_defaults(func=cmd_whatif)


def cmd_whatif(args: argparse.Namespace) -> int:
    from pipelines.analysis.whatif import Scenario, ScenarioError, format_report, parse_setting, run_scenario

    try:
        if args.scenario:
            scenario = Scenario.from_yaml(Path(args.scenario))
        else:
            if args.year is None or args.unit is None:
                print("需要 --year 和 --unit，或 --scenario FILE")
                return 2
            scenario = Scenario(year=args.year, unit=args.unit)
        scenario.settings.update(dict(parse_setting(s) for s in args.set or []))
        scenario.excused += args.excuse or []
    except ScenarioError as err:
        print(err)
        return 1
    settings = get_settings()
    result = None
    with console.session(settings.logs_dir, "whatif", getattr(args, "verbose", False)) as current:
        try:
            result = run_scenario(settings, scenario)
        except (ScenarioError, FileNotFoundError) as err:
            current.renderer.error([str(err)])
        except subprocess.CalledProcessError as err:
            print(err.stdout or "", err.stderr or "", sep="\n")  # into the log file
            current.renderer.error(console.error_block(
                "情景重算失败 what-if re-score failed (published results untouched)",
                dbt_error_lines(f"{err.stdout or ''}\n{err.stderr or ''}"),
                "按上面的 dbt 报错改正模型或情景设定后再运行 (fix the model or the setting named "
                "above, then run again)", current.log_path))
    if result is None:
        return 1
    print(format_report(scenario, result))
    return 0


def dbt_error_lines(output: str, limit: int = 12) -> list[str]:
    """The lines of dbt's output that say what failed (the error headers and their next lines)."""
    lines, tail = [], 0
    for line in (console.ANSI.sub("", raw).strip() for raw in output.splitlines()):
        if line.startswith(console.DBT_ERROR_HEADS) or " ERROR " in f" {line} ":
            lines.append(f"  {line}")
            tail = 2
        elif tail and line:
            lines.append(f"    {line}")
            tail -= 1
    return lines[:limit] or ["  dbt 没有给出原因 (dbt gave no reason): 见日志 see the log"]
