"""Load the water inputs from data/raw/water/ into the warehouse's raw schema, as strings, every
row keeping its file and row number. Monthly monitoring is stored long (one row per cell) with
the file's own header, so the national export headers and the project's codes both load; dbt
maps headers to GB 3838 indicators with the alias seed (std_gb3838_indicator_aliases)."""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from pipelines.lib.files import InputFileError, decode_text, read_csv_strings

SECTION_COLUMNS = ["section_code", "section_name", "river", "waterbody", "unit_code", "level",
                   "target_class", "upstream_section_code"]
DRINKING_COLUMNS = ["source_code", "source_name", "unit_code", "waterbody", "sample_date", "factor",
                    "value"]
PLANT_COLUMNS = ["plant_code", "plant_name", "unit_code", "li_river_basin", "month",
                 "influent_cod_mg_l", "load_rate_pct"]
# Key columns of a monthly file: the project's names or the national export's.
SECTION_KEYS = {"section_code": "section_code", "断面编码": "section_code",
                "section_name": "section_name", "断面名称": "section_name"}
MONTH_KEYS = {"monitor_month": "monitor_month", "监测时间": "monitor_month", "监测月份": "monitor_month"}
# Export columns that are not measurements.
IGNORED = {"省份", "流域", "水质类别", "站点情况", "province", "basin"}


def water_dir(raw_dir: Path) -> Path:
    return raw_dir / "water"


def header_of(path: Path) -> list[str]:
    frame = pl.read_csv(io.StringIO(decode_text(path)), infer_schema=False, n_rows=0)
    return [c.strip().lstrip("\ufeff") for c in frame.columns]


def read_monthly_file(path: Path, label: str) -> pl.DataFrame:
    """One monitoring file, long: source_file, source_row, section_code, section_name,
    monitor_month, header, raw_value."""
    columns = header_of(path)
    keys = {c: SECTION_KEYS.get(c) or MONTH_KEYS.get(c) for c in columns}
    if not any(k in ("section_code", "section_name") for k in keys.values()):
        raise InputFileError(f"{label}: 缺少断面列（section_code / 断面编码 / 断面名称）")
    if "monitor_month" not in keys.values():
        raise InputFileError(f"{label}: 缺少月份列（monitor_month / 监测时间）")
    frame = read_csv_strings(path, columns, label)
    renamed = frame.rename({c: k for c, k in keys.items() if k})
    for key in ("section_code", "section_name"):
        if key not in renamed.columns:
            renamed = renamed.with_columns(pl.lit(None, dtype=pl.Utf8).alias(key))
    index = ["source_file", "source_row", "section_code", "section_name", "monitor_month"]
    measured = [c for c in renamed.columns if c not in index and c not in IGNORED]
    return renamed.unpivot(on=measured, index=index, variable_name="header", value_name="raw_value")


def no_water_data(raw_dir: Path) -> bool:
    """No water input at all (no folder, or no CSV in it): a year without water data (issue 32)
    publishes with the domain 无数据; one file of the set missing beside the others stays an error."""
    folder = water_dir(raw_dir)
    return not folder.is_dir() or not any(folder.glob("*.csv"))


def read_section_monthly(raw_dir: Path) -> pl.DataFrame:
    files = sorted(water_dir(raw_dir).glob("section_monthly_*.csv"))
    if not files and no_water_data(raw_dir):
        return pl.DataFrame(schema={"source_file": pl.String, "source_row": pl.Int64,
                                    **dict.fromkeys(["section_code", "section_name", "monitor_month",
                                                     "header", "raw_value"], pl.String)})
    if not files:
        raise InputFileError(f"{water_dir(raw_dir)}: 没有断面月度监测文件 (section_monthly_*.csv)")
    return pl.concat([read_monthly_file(f, str(f.relative_to(raw_dir))) for f in files])


def read_table(raw_dir: Path, pattern: str, columns: list[str], what: str) -> pl.DataFrame:
    files = sorted(water_dir(raw_dir).glob(pattern))
    if not files and no_water_data(raw_dir):
        return pl.DataFrame(schema={**dict.fromkeys(columns, pl.String), "source_file": pl.String,
                                    "source_row": pl.Int64})
    if not files:
        raise InputFileError(f"{water_dir(raw_dir)}: 没有{what}文件 ({pattern})")
    return pl.concat([read_csv_strings(f, columns, str(f.relative_to(raw_dir))) for f in files])
