"""CLI subcommands of the air domain: `ecoscore aqi`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_aqi(args: argparse.Namespace) -> int:
    from pipelines.air.calculator import calculate_file
    from pipelines.lib.files import InputFileError

    try:
        result = calculate_file(Path(args.input), Path(args.output), args.mode, args.standard)
    except (InputFileError, ValueError) as err:
        print(err, file=sys.stderr)
        return 2
    unusable = result["aqi"].null_count()
    print(f"{result.height} 行 → {args.output}（{unusable} 行无 AQI，原因见 reason 列）")
    return 0


def cmd_air_national(args: argparse.Namespace) -> int:
    import re

    from pipelines.air.national_report import national_table, published_warehouse

    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", args.month):
        print(f"--month {args.month}: 应为 YYYY-MM (e.g. 2023-01)", file=sys.stderr)
        return 2
    path = published_warehouse(int(args.month[:4]))
    if not path.exists():
        print(f"{path}: 尚无已发布的结果，请先运行 ecoscore run --year {args.month[:4]}", file=sys.stderr)
        return 2
    try:
        print(national_table(path, args.month, args.top))
    except LookupError as err:
        print(err, file=sys.stderr)
        return 2
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    aqi = subparsers.add_parser(
        "aqi", help="按 HJ 633 计算一个浓度 CSV 的 IAQI/AQI "
                    "(IAQI/AQI of a CSV of concentrations, the pipeline's SQL)",
        description="Input columns pm2_5, pm10, so2, no2, co, o3 (hourly: 1-hour values; daily: "
                    "24-hour means, o3 = day's max 1-hour) and o3_8h in daily mode; optional "
                    "timepoint picks the standard by date; hourly so2_24h is used when SO2 1 h > 800. "
                    "Other columns pass through.")
    aqi.add_argument("input", help="CSV 文件，UTF-8 或 GBK (CSV file)")
    aqi.add_argument("-o", "--output", required=True, help="输出 CSV (output CSV)")
    aqi.add_argument("--mode", choices=["hourly", "daily"], required=True)
    aqi.add_argument("--standard", choices=["HJ633-2012", "HJ633-2026"],
                     help="pin a standard (default: by timepoint date, else the one in force today)")
    aqi.set_defaults(func=cmd_aqi)
    air = subparsers.add_parser(
        "air", help="air-quality reports on the published warehouse (ecoscore air national)")
    air_sub = air.add_subparsers(dest="air_command", required=True)
    nat = air_sub.add_parser(
        "national", help="a month's 339-city national figures: computed vs the Ministry's published, "
                         "and the city ranking on the comprehensive index",
        description="Reads marts.fct_air_national_monthly and fct_air_unit_monthly of the year's "
                    "published release (needs the national city files under data/raw/air/national/ "
                    "and data/raw/registry/national_cities.csv; published figures from "
                    "data/raw/registry/national_published.csv).")
    nat.add_argument("--month", required=True, help="YYYY-MM")
    nat.add_argument("--top", type=int, default=10, help="cities shown at each end of the ranking")
    nat.set_defaults(func=cmd_air_national)

