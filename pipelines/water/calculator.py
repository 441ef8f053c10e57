"""The `ecoscore water-class` calculator: GB 3838-2002 class of any CSV of water samples, with
the very same standards tables (dbt seeds std_gb3838_*) and the very same SQL
(dbt_project/macros/water/gb3838.sql, rendered with plain jinja2) as the pipeline's models.
There is no second implementation."""

from __future__ import annotations

import io
from pathlib import Path

import duckdb
import polars as pl

from pipelines.lib.files import InputFileError, decode_text, read_csv_strings
from pipelines.lib.macros import dbt_macros
from pipelines.lib.settings import DBT_PROJECT_DIR

SEEDS_DIR = DBT_PROJECT_DIR / "seeds" / "standards"
STANDARD = "GB3838-2002"
WATERBODIES = ("river", "lake")
OUTPUT_COLUMNS = ["class", "class_name", "limiting_indicators", "reason"]
SEEDS = ("std_gb3838_limits", "std_gb3838_indicator_aliases", "std_gb3838_classes")


def water_macros():
    """The dbt macros of macros/water/, as plain jinja2 callables (lib/macros.py)."""
    return dbt_macros("water")


def load_standards(con: duckdb.DuckDBPyConnection) -> None:
    """The GB 3838 seed CSVs, as tables named like the dbt seeds (limits exact: DECIMAL)."""
    for name in SEEDS:
        con.execute(f"create table {name} as select * from read_csv('{SEEDS_DIR / name}.csv', "
                    "header = true, all_varchar = true)")
    casts = ", ".join(f"{c}::decimal(18, 6) as {c}" for c in
                      ["range_low", "limit_1", "limit_2", "limit_3", "limit_4", "limit_5"])
    con.execute(f"create or replace table std_gb3838_limits as select * replace ({casts}, "
                "evaluated::boolean as evaluated, sort_order::integer as sort_order) "
                "from std_gb3838_limits")
    con.execute("create or replace table std_gb3838_classes as select * replace "
                "(class::integer as class) from std_gb3838_classes")


def waterbody_sql(column: str) -> str:
    """'river' | 'lake' from a registry or input cell: the staging models' rule
    (macros/water/gb3838.sql water_waterbody: 湖/库/河, spaces ignored)."""
    return str(water_macros().water_waterbody(column))


def target_class_sql(column: str) -> str:
    """A target class written 3, III, Ⅲ, Ⅲ类 or III类 → 1–5 (macro water_target_class)."""
    return str(water_macros().water_target_class(column))


def calculation_sql(has_waterbody: bool, has_target: bool, default_waterbody: str) -> str:
    """The whole calculation over `input_rows` (row_id + strings) and `input_long` (row_id,
    header, raw_value: every cell of every column)."""
    m = water_macros()
    waterbody = waterbody_sql("i.waterbody") if has_waterbody else "null"
    target = target_class_sql("i.target_class") if has_target else "null"
    return f"""
with rows as (
    select i.row_id,
        coalesce({waterbody}, '{default_waterbody}') as waterbody,
        {"i.waterbody" if has_waterbody else "null"} as waterbody_text,
        coalesce({target}, 3) as target_class,
        {"i.target_class" if has_target else "null"} as target_text
    from input_rows as i
),
cells as (
    select l.row_id, l.header, a.indicator, l.raw_value, {m.water_parse_value('l.raw_value')} as value
    from input_long as l
    inner join std_gb3838_indicator_aliases as a on lower(trim(a.alias)) = lower(trim(l.header))
),
measurements as (
    select c.row_id, '{STANDARD}' as standard_code, c.indicator, r.waterbody, c.value, r.target_class
    from cells as c inner join rows as r using (row_id)
),
indicator_classes as (
    {m.water_indicator_classes('measurements', 'std_gb3838_limits')}
),
section_class as (
    {m.water_section_class('indicator_classes', ['row_id'], 'std_gb3838_classes')}
),
problems as (
    select row_id, string_agg(header || ' 不是数值: ' || raw_value, '; ' order by header) as text
    from cells
    where value is null and lower(trim(coalesce(raw_value, ''))) not in ({m.water_missing_tokens()})
    group by row_id
),
final as (
    select
        r.row_id,
        s.class,
        s.class_name,
        s.limiting_indicators,
        nullif(concat_ws('; ',
            case when r.waterbody_text is not null and trim(r.waterbody_text) <> ''
                  and {waterbody_sql('r.waterbody_text')} is null
                 then 'waterbody 无法识别: ' || r.waterbody_text || '（按 {default_waterbody} 评价）' end,
            case when r.target_text is not null and trim(r.target_text) <> ''
                  and {target_class_sql('r.target_text')} is null
                 then 'target_class 无法识别: ' || r.target_text || '（按 III 类）' end,
            p.text,
            case when s.class is null then '无可评价的指标值（GB 3838-2002 表1 基本项目均缺测）' end
        ), '') as reason
    from rows as r
    left join section_class as s using (row_id)
    left join problems as p using (row_id)
)
select * from final order by row_id
"""


def calculate(frame: pl.DataFrame, waterbody: str = "river") -> pl.DataFrame:
    """`frame` (all strings) with class, class_name, limiting_indicators and reason appended;
    other columns pass through unchanged. `waterbody` applies to rows without their own."""
    if waterbody not in WATERBODIES:
        raise ValueError(f"waterbody 须为 {' 或 '.join(WATERBODIES)}，而不是 {waterbody!r}")
    clashes = [c for c in OUTPUT_COLUMNS if c in frame.columns]
    if clashes:
        raise ValueError(f"输入已有输出列 {', '.join(clashes)}，请改名后再算")
    strings = frame.with_columns(pl.all().cast(pl.Utf8)).with_row_index("row_id")
    long = strings.unpivot(index="row_id", variable_name="header", value_name="raw_value")
    con = duckdb.connect()
    try:
        load_standards(con)
        con.register("input_frame", strings.to_arrow())
        con.register("input_long_frame", long.to_arrow())
        con.execute("create table input_rows as select * from input_frame")
        con.execute("create table input_long as select * from input_long_frame")
        sql = calculation_sql("waterbody" in frame.columns, "target_class" in frame.columns, waterbody)
        result = con.sql(sql).pl()
    finally:
        con.close()
    result = result.with_columns(pl.col("class").cast(pl.Int64))
    return pl.concat([frame, result.drop("row_id")], how="horizontal")


def known_indicator_headers() -> set[str]:
    aliases = pl.read_csv(SEEDS_DIR / "std_gb3838_indicator_aliases.csv", infer_schema=False)
    return {a.strip().lower() for a in aliases["alias"]}


def read_input(path: Path) -> pl.DataFrame:
    """The analyst's CSV, every column as text; at least one GB 3838 indicator column."""
    if not path.exists():
        raise InputFileError(f"{path}: 文件不存在")
    with_header = pl.read_csv(io.StringIO(decode_text(path)), infer_schema=False, n_rows=0)
    columns = [c.strip().lstrip("\ufeff") for c in with_header.columns]
    frame = read_csv_strings(path, columns, str(path)).drop("source_file", "source_row")
    if not any(c.lower() in known_indicator_headers() for c in columns):
        raise InputFileError(f"{path}: 没有任何 GB 3838 指标列"
                             "（例如 溶解氧(mg/L)、氨氮(mg/L)、总磷(mg/L) 或 do、nh3n、tp）")
    return frame


def calculate_file(input_path: Path, output_path: Path, waterbody: str = "river") -> pl.DataFrame:
    result = calculate(read_input(input_path), waterbody)
    result.write_csv(output_path)
    return result
