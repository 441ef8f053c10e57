"""CLI subcommands of the water domain: `ecoscore water-class`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_water_class(args: argparse.Namespace) -> int:
    from pipelines.lib.files import InputFileError
    from pipelines.water.calculator import calculate_file

    try:
        result = calculate_file(Path(args.input), Path(args.output), args.waterbody)
    except (InputFileError, ValueError) as err:
        print(err, file=sys.stderr)
        return 2
    unclassed = result["class"].null_count()
    print(f"{result.height} 行 → {args.output}（{unclassed} 行无水质类别，原因见 reason 列）")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "water-class",
        help="按 GB 3838-2002 判定一个监测 CSV 的水质类别 (water class of a CSV of samples)",
        description="Input columns: the national automatic-station export headers (溶解氧(mg/L), "
                    "高锰酸盐指数(mg/L), 氨氮(mg/L), 总磷(mg/L), pH(无量纲), …) or the project's codes "
                    "(do, codmn, nh3n, tp, ph, …); `--` or empty = missing. Optional per-row "
                    "`waterbody` (river/lake, 河流/湖库) and `target_class` (default III). Other "
                    "columns pass through; adds class (1–6), class_name (I … 劣V), "
                    "limiting_indicators (主要污染指标) and reason.")
    parser.add_argument("input", help="CSV 文件，UTF-8 或 GBK (CSV file)")
    parser.add_argument("-o", "--output", required=True, help="输出 CSV (output CSV)")
    parser.add_argument("--waterbody", choices=["river", "lake"], default="river",
                        help="water body for rows without a waterbody column (lake: lake/reservoir "
                             "TP limits, GB 3838-2002 表1 第8项)")
    parser.set_defaults(func=cmd_water_class)
