"""`ecoscore scheme check FILE` (a scheme file against a snapshot of the writer's warehouse) and
`ecoscore scheme draft` (a scheme drafted from the government's table, pipelines/scheme/draft)."""

from __future__ import annotations

import argparse
import sys

from pipelines.lib.settings import get_settings


def cmd_scheme_check(args: argparse.Namespace) -> int:
    """`ecoscore scheme check FILE`: exit 2 when the file is invalid, 1 on data errors."""
    from pathlib import Path

    from pipelines.scheme.check import check_scheme, render
    from pipelines.scheme.loader import SchemeError

    if not Path(args.file).is_file():
        print(f"ecoscore scheme check: {args.file}: 文件不存在，应为方案 YAML 文件（如 "
              "data/raw/schemes/qinzhou_2024.yaml） (no such file)", file=sys.stderr)
        return 2
    try:
        year = args.year or scheme_file_year(Path(args.file))
        # the scheme's own year's published copy (a 2022 scheme against 2022's data, not the newest)
        warehouse = Path(args.warehouse) if args.warehouse else \
            get_settings().year_release(year) / "ecoscore.duckdb"
        report = check_scheme(Path(args.file), year, warehouse)
    except SchemeError as err:
        print(f"错误：{err}", file=sys.stderr)
        return 2
    print(render(report))
    return 1 if report.errors else 0


def scheme_file_year(path) -> int | None:
    """The `scheme.year` a scheme file declares (None when it does not say: load_scheme then
    names the problem)."""
    from pipelines.lib.files import read_yaml

    try:
        return int(read_yaml(path)["scheme"]["year"])
    except (OSError, KeyError, TypeError, ValueError):
        return None


def register(subparsers: argparse._SubParsersAction) -> None:
    """`ecoscore scheme …`: scheme files — `check` one against the data, `draft` one from the
    government's own table."""
    from pipelines.scheme.draft.command import register_draft

    scheme = subparsers.add_parser("scheme", help="考核方案文件: check（核对）、draft（从评分表起草）")
    actions = scheme.add_subparsers(dest="scheme_command", required=True)
    check = actions.add_parser(
        "check", help="validate a scheme file and show, per item, what it reads and for how many "
                      "units the data is there (published warehouse copy)")
    check.add_argument("file", help="scheme YAML, e.g. data/raw/schemes/qinzhou_2024.yaml")
    check.add_argument("--year", type=int, default=None, help="data year (default: the scheme's year)")
    check.add_argument("--warehouse", default=None,
                       help="warehouse to read (default: the published read-only copy)")
    check.set_defaults(func=cmd_scheme_check)
    register_draft(actions)
