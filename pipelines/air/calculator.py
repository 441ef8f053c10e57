"""The `ecoscore aqi` calculator: IAQI and AQI of any CSV of concentrations, with the very
same standards tables (dbt seeds) and the very same SQL (dbt_project/macros/air/iaqi.sql,
rendered with plain jinja2) as the pipeline's models. There is no second implementation."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import duckdb
import polars as pl

from pipelines.lib.files import InputFileError, decode_text, read_csv_strings
from pipelines.lib.macros import dbt_macros
from pipelines.lib.settings import DBT_PROJECT_DIR

SEEDS_DIR = DBT_PROJECT_DIR / "seeds" / "standards"
MODES = ("hourly", "daily")
INPUT_COLUMNS = ["pm2_5", "pm10", "so2", "no2", "co", "o3"]

# Which breakpoint row each input column is looked up on.
# HJ 633-2012 §5.1.1 实时报: 1-hour SO2, NO2, CO, O3; PM2.5 and PM10 have no 1-hour rows, so
# their hourly values go on the 24-hour breakpoints (SPEC §2.1, real-data README).
# HJ 633-2012 §5.1.2 日报: 24-hour SO2, NO2, PM10, PM2.5, CO, the day's max 1-hour O3 and the
# day's max 8-hour O3.
LOOKUP = {
    "hourly": {"so2": "so2_1h", "no2": "no2_1h", "pm10": "pm10_24h", "pm2_5": "pm2_5_24h",
               "co": "co_1h", "o3": "o3_1h"},
    "daily": {"so2": "so2_24h", "no2": "no2_24h", "pm10": "pm10_24h", "pm2_5": "pm2_5_24h",
              "co": "co_24h", "o3": "o3_1h", "o3_8h": "o3_8h"},
}
OUTPUT_IAQI = {"hourly": ["so2", "no2", "pm10", "pm2_5", "co", "o3"],
               "daily": ["so2", "no2", "pm10", "pm2_5", "co", "o3", "o3_8h"]}
MISSING_TOKENS = ("", "-;", "-", "--", "—", "nan", "null", "na", "n/a")
# The columns the SQL reads; every other input column passes through untouched (a user's own
# `row_id` included: the SQL's row key never meets the user's columns).
READ_COLUMNS = [*INPUT_COLUMNS, "o3_8h", "so2_24h", "timepoint"]
RESULT_COLUMNS = ["aqi", "level", "category", "primary_pollutants", "standard", "reason"]
# The AQI of a row: HJ 633-2012 §5.2 formula (2), "AQI = max{IAQI1, IAQI2, IAQI3, …, IAQIn}，
# 式中：IAQI — 空气质量分指数；n — 污染物项目" — the maximum over the pollutants measured. A
# missing pollutant is left out, whichever it is, and the row has no AQI only when none is
# present (or SO2 1 h > 800 cannot be indexed, 表1 注2). This is the national practice: in the
# CNEMC real-time feed of 2018-02-20 07:00 (tests/data/real/) 261 station-hours missing one
# pollutant (PM10 253, NO2 3, CO 2, PM2.5 2, and PM10 with O3 once) carry a published AQI, the
# maximum over the rest (tests/test_air_real_data.py reproduces all 1,475).


def air_macros():
    """The dbt macros of macros/air/, as plain jinja2 callables (lib/macros.py)."""
    return dbt_macros("air")


def load_standards(con: duckdb.DuckDBPyConnection) -> None:
    """The seed CSVs, as tables named like the dbt seeds."""
    for name in ("std_aqi_breakpoints", "std_aqi_levels", "std_pollutants", "std_standards"):
        con.execute(f"create table {name} as select * from read_csv('{SEEDS_DIR / name}.csv', "
                    "header = true, all_varchar = false)")


def known_standards(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("select standard_code from std_standards order by 1").fetchall()]


def parse_value_sql(column: str) -> str:
    tokens = ", ".join(f"'{t}'" for t in MISSING_TOKENS)
    return (f"case when \"{column}\" is null or lower(trim(\"{column}\")) in ({tokens}) then null "
            f"else try_cast(trim(\"{column}\") as decimal(18, 3)) end")


def standard_sql(standard: str | None, has_timepoint: bool, mode: str) -> str:
    """SQL for the standard of each row (SPEC §2.1: the version in force on the measurement's
    date unless pinned). An hourly timepoint labels the end of its hour (CNEMC), so its date
    is that of the hour's start."""
    if standard:
        return f"'{standard}'"
    today = dt.date.today().isoformat()
    if not has_timepoint:
        return (f"(select standard_code from std_standards "
                f"where '{today}'::date between valid_from and valid_to)")
    tp = air_macros().air_parse_timepoint("i.timepoint")
    date_only = "try_strptime(trim(i.timepoint), ['%Y-%m-%d', '%Y/%m/%d'])::date"
    hour_day = f"(({tp}) - interval 1 hour)::date" if mode == "hourly" else f"({tp})::date"
    day = f"coalesce({date_only}, {hour_day})"
    return f"(select standard_code from std_standards s where {day} between s.valid_from and s.valid_to)"


def calculation_sql(mode: str, columns: list[str], standard: str | None) -> str:
    """The whole calculation over table `input_rows` (row_id + the input's string columns)."""
    macros = air_macros()
    lookup = {c: p for c, p in LOOKUP[mode].items() if c in columns}
    parsed = ",\n".join(f"{parse_value_sql(c)} as {c}" for c in lookup)
    has_so2_24h = mode == "hourly" and "so2_24h" in columns
    if has_so2_24h:
        parsed += f",\n{parse_value_sql('so2_24h')} as so2_24h"
    problems = " || ".join(
        f"case when \"{c}\" is not null and lower(trim(\"{c}\")) not in "
        f"({', '.join(repr(t) for t in MISSING_TOKENS)}) and {parse_value_sql(c)} is null "
        f"then '{c} 不是数值; ' when {parse_value_sql(c)} < 0 then '{c} 为负值; ' else '' end"
        for c in lookup
    ) or "''"
    # HJ 633-2012 表1 注2/注3 are applied by the macro iaqi_with_hj633_notes, as in the models;
    # a SO2 1-hour row carries the row's 24-hour value for 注2 when the input has one.
    so2_24h = "so2_24h" if has_so2_24h else "null"
    longs = [f"select row_id, standard_code, '{col}' as slot, '{pollutant}' as pollutant, "
             f"{col} as conc, {so2_24h if col == 'so2' else 'null'} as so2_24h from parsed"
             for col, pollutant in lookup.items()]
    conc_union = "\nunion all\n".join(longs)
    iaqi_cols = ",\n".join(
        f"max(iaqi) filter (where slot = '{c}') as iaqi_{c}" for c in OUTPUT_IAQI[mode]
    )
    # true only for a measured SO2 above 800 without its 24-hour value (macro note
    # 'so2_1h_unindexed'): a missing SO2 is simply not an IAQI, as any other missing pollutant
    # (HJ 633-2012 §5.2 formula (2): the note above RESULT_COLUMNS)
    so2_unindexed = "coalesce(notes.so2_unindexed, false)"
    return f"""
with parsed as (
    select i.row_id, {standard_sql(standard, 'timepoint' in columns, mode)} as standard_code,
        {problems} as value_problems,
        {parsed}
    from input_rows as i
),
concentrations as (
    select * from ({conc_union}) where conc is not null and conc >= 0 and standard_code is not null
),
iaqi_noted as (
    {macros.iaqi_with_hj633_notes('concentrations', 'std_aqi_breakpoints', 'c.so2_24h')}
),
notes as (
    select row_id, bool_or(hj633_note = 'so2_1h_unindexed') as so2_unindexed,
        bool_or(hj633_note = 'o3_8h_above_800') as o3_8h_above_800
    from iaqi_noted group by row_id
),
iaqi as (
    select * from iaqi_noted where iaqi is not null
),
iaqi_named as (
    select iaqi.*, std_pollutants.display_name, std_pollutants.sort_order
    from iaqi inner join std_pollutants using (pollutant)
),
aqi as (
    {macros.aqi_from_iaqi('iaqi_named', ['row_id'], 'std_aqi_levels')}
),
iaqi_wide as (
    select row_id, {iaqi_cols} from iaqi group by row_id
),
final as (
    select
        p.row_id,
        iaqi_wide.* exclude (row_id),
        case when not ({so2_unindexed}) then aqi.aqi end as aqi,
        case when not ({so2_unindexed}) then aqi.level end as level,
        case when not ({so2_unindexed}) then aqi.category end as category,
        case when not ({so2_unindexed}) then aqi.primary_pollutants end as primary_pollutants,
        p.standard_code as standard,
        nullif(trim(
            case when p.standard_code is null then 'timepoint 无法识别或不在任何标准的适用期内; ' else '' end
            || p.value_problems
            || case when {so2_unindexed}
                then 'SO2 1小时浓度高于800，须报告SO2 24小时分指数，但输入无 so2_24h (HJ 633-2012 表1 注2); '
                else '' end
            || case when notes.o3_8h_above_800
                then 'O3 8小时浓度高于800，按1小时分指数报告 (HJ 633-2012 表1 注3); ' else '' end
            || case when aqi.aqi is null and p.standard_code is not null then '无可用的浓度值; ' else '' end
        ), '') as reason
    from parsed as p
    left join aqi using (row_id)
    left join iaqi_wide using (row_id)
    left join notes using (row_id)
)
select * from final order by row_id
"""


def calculate(frame: pl.DataFrame, mode: str, standard: str | None = None) -> pl.DataFrame:
    """`frame` (all strings) with iaqi_*, aqi, level, category, primary_pollutants, standard and
    reason appended; other columns pass through unchanged."""
    if mode not in MODES:
        raise ValueError(f"mode 须为 {' 或 '.join(MODES)}，而不是 {mode!r}")
    con = duckdb.connect()
    load_standards(con)
    if standard and standard not in known_standards(con):
        raise ValueError(f"未知标准 {standard!r}（可选: {', '.join(known_standards(con))}）")
    clash = [c for c in frame.columns if c in RESULT_COLUMNS or c.startswith("iaqi_")]
    if clash:
        raise ValueError(f"输入列 {', '.join(clash)} 与计算结果列同名，请改名后再算（结果列："
                         f"iaqi_*、{'、'.join(RESULT_COLUMNS)}）")
    read = [c for c in frame.columns if c in READ_COLUMNS]
    if not any(c in INPUT_COLUMNS + ["o3_8h"] for c in read):
        raise ValueError(f"没有任何污染物列（需要 {', '.join(INPUT_COLUMNS)} 之一）")
    strings = frame.select(read).with_columns(pl.all().cast(pl.Utf8)).with_row_index("row_id")
    con.register("input_frame", strings.to_arrow())
    con.execute("create table input_rows as select * from input_frame")
    result = con.sql(calculation_sql(mode, read, standard)).pl()
    con.close()
    result = result.with_columns(
        pl.col("^iaqi_.*$", "aqi", "level").cast(pl.Int64),
        pl.col("primary_pollutants").fill_null(""),
    )
    return pl.concat([frame, result.drop("row_id")], how="horizontal")


def read_input(path: Path) -> pl.DataFrame:
    """The analyst's CSV, every column as text; at least one pollutant column is required."""
    if not path.exists():
        raise InputFileError(f"{path}: 文件不存在")
    with_header = pl.read_csv(io.StringIO(decode_text(path)), infer_schema=False, n_rows=0)
    columns = [c.strip().lstrip("\ufeff") for c in with_header.columns]
    frame = read_csv_strings(path, columns, str(path)).drop("source_file", "source_row")
    if not any(c in frame.columns for c in INPUT_COLUMNS + ["o3_8h"]):
        raise InputFileError(f"{path}: 没有任何污染物列（需要 {', '.join(INPUT_COLUMNS)} 之一）")
    return frame


def calculate_file(input_path: Path, output_path: Path, mode: str, standard: str | None) -> pl.DataFrame:
    result = calculate(read_input(input_path), mode, standard)
    result.with_columns(pl.col("primary_pollutants").replace("", None)).write_csv(output_path)
    return result
