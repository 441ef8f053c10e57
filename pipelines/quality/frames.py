"""The DataFrame (and expectation parameters) each suite validates, fetched from the warehouse.

GX validates DataFrames, not SQL (GX's SQL datasource returns empty results on DuckDB, GX
#10738): each frame is a DuckDB query read with `.pl()`. A rule lives once (issue 20 part 3):

- Gates before dbt read raw tables — they must stop an unusable file before any model is built
  from it, and a new file's rows outside the run's months (a time in the future) never reach the
  incremental checked table. `raw_air_station_hourly`, `raw_water_sections`, `raw_schemes`.
  They parse cells with the very macros the staging models use (macros/air/feed.sql, rendered
  with plain jinja2: no second parser) and judge each row on its own; nothing in them labels
  hours, counts valid hours or days, or builds a day.
- Checks after dbt read the model that owns the rule, as a plain select over it:
  `air_station_completeness` (valid days per station-month: int_air__station_monthly, built on
  int_air__station_daily's 20-hour rule and macros/air/feed.sql's 27/25 days),
  `air_station_hourly_checked` (the hour's natural day, by the station's hour label:
  stg_air__station_hourly_checked), `water_section_monthly_checked` (sections, months,
  numbers and copies sent twice: stg_water__section_monthly_checked's `problem_kind`, issue 37 —
  the monthly water cells are a view, so nothing of a bad file persists before the check holds
  publishing back), `ledger_events` (the rows and reasons
  int_ledgers__quarantine sets aside), the marts and the published columns. The Dagster check
  targets that model's asset, so it runs after it (pipelines/quality/assets.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import duckdb
import polars as pl

from pipelines.lib import personal
from pipelines.lib.macros import dbt_macros
from pipelines.lib.settings import DBT_PROJECT_DIR

AIR_COLUMNS = ["pm2_5", "pm10", "so2", "no2", "co", "o3"]
BOUNDS_SEED = DBT_PROJECT_DIR / "seeds" / "standards" / "std_air_physical_bounds.csv"
# Ledger columns int_ledgers__row_problems / int_ledgers__duplicates quarantine a row for.
LEDGER_CHECKED_COLUMNS = ["scheme_code", "unit_code", "item_code", "event_date", "event_kind",
                          "quantity", "amount", "amount_unit", "deadline", "completed_date", "status",
                          "approval_ref", "evidence_ref", "issuing_level"]
# The relations the personal-data gate scans: the whole writer warehouse (every schema), more than
# is published — a release's ecoscore.duckdb and Parquet files hold the marts only (issue 31) and
# release_candidate scans those files again — so nothing a mart could be built from holds any.
PUBLISHED_FILTER = ("table_catalog = current_database() "
                    "and table_schema not in ('information_schema', 'pg_catalog')")

Frame = tuple[pl.DataFrame, dict[str, Any]]


def feed_macros():
    return dbt_macros("air/feed.sql")


def air_bounds() -> dict[str, Any]:
    """Physical bounds per pollutant from the standards seed, as expectation parameters."""
    bounds = pl.read_csv(BOUNDS_SEED)
    params: dict[str, Any] = {}
    for r in bounds.iter_rows(named=True):
        params[f"{r['column_name']}_min"] = float(r["min_value"])
        params[f"{r['column_name']}_max"] = float(r["max_value"])
    return params


def _parsed_air_sql() -> str:
    macros = feed_macros()
    values = ",\n".join(
        f"{macros.air_parse_value(c)}::double as {c}, "
        f"case when {macros.air_not_a_number(c, macros.air_parse_value(c))} then {c} end "
        f"as {c}_not_number"
        for c in AIR_COLUMNS)
    return f"""
        select
            h.source_file, h.source_row::bigint as source_row,
            upper(trim(h.stationcode)) as station_code,
            trim(h.timepoint) as timepoint_text,
            {macros.air_parse_timepoint('h.timepoint')} as timepoint,
            {values}
        from raw.air_station_hourly as h
    """


def raw_air_station_hourly(con: duckdb.DuckDBPyConnection, year: int, as_of: str) -> Frame:
    """Each raw row, parsed with the staging macros, judged on its own (the gate: a file where
    most rows fail blocks before dbt builds anything from it)."""
    frame = con.sql(f"""
        with parsed as ({_parsed_air_sql()})
        select *,
            -- the feed may be an hour ahead of the clock, never more
            epoch(timepoint - current_timestamp::timestamp) / 3600 as hours_ahead,
            case when minute(timepoint) <> 0 or second(timepoint) <> 0 then timepoint_text end
                as timepoint_not_whole_hour,
            pm2_5 - pm10 as pm2_5_above_pm10
        from parsed
    """).pl()
    # the registry's stations and the national station list's (issue 33), when it was loaded
    listed = con.execute("select count(*) from information_schema.tables where table_schema = 'raw' "
                         "and table_name = 'air_national_stations'").fetchall()[0][0]
    national = ("union select distinct upper(trim(stationcode)) from raw.air_national_stations"
                if listed else "")
    stations = con.sql("select distinct upper(trim(stationcode)) from raw.air_stations "
                       + national).fetchall()
    return frame, {"known_stations": sorted(r[0] for r in stations),
                   "max_hours_ahead": int(feed_macros().air_max_hours_ahead()), **air_bounds()}


def air_station_hourly_checked(con: duckdb.DuckDBPyConnection, year: int, as_of: str) -> Frame:
    """Each parsed row's natural day, as stg_air__station_hourly_checked labels its hour."""
    frame = con.sql("""
        select source_file, source_row::bigint as source_row, station_code,
            year(period_start) as period_year
        from staging.stg_air__station_hourly_checked
    """).pl()
    return frame, {"year": year, "year_before": year - 1}


def air_station_completeness(con: duckdb.DuckDBPyConnection, year: int, as_of: str) -> Frame:
    """Valid days per station-month of the year, as int_air__station_monthly counts them."""
    frame = con.sql("""
        select station_code, month, valid_days, required_days, days_short
        from intermediate.int_air__station_monthly
        where obs_year = ?
        order by station_code, month
    """, params=[year]).pl()
    return frame, {}


def air_unit_official_check(con: duckdb.DuckDBPyConnection, year: int, as_of: str) -> Frame:
    """Each computed unit value beside CNEMC's official one (marts.fct_air_unit_official_check,
    issue 33), the hours and days of the year."""
    frame = con.sql("""
        select unit_code, timepoint::varchar as timepoint, published_type, grain,
            computed_value::double as computed_value, official_value::double as official_value,
            is_match
        from marts.fct_air_unit_official_check
        where year(obs_date) = ?
        order by unit_code, timepoint, published_type
    """, params=[year]).pl()
    return frame, {}


def raw_schemes(con: duckdb.DuckDBPyConnection, year: int, as_of: str) -> Frame:
    frame = con.sql("""
        select t.scheme_code, t.item_code, t.unit_code, i.points, i.item_name, i.source_seed,
            i.source_item, u.unit_code is not null as unit_is_defined,
            i.item_code is not null as item_is_defined
        from raw.scheme_targets as t
        left join raw.scheme_items as i using (scheme_code, item_code)
        left join raw.scheme_units as u using (scheme_code, unit_code)
    """).pl()
    return frame, {}


def mart_unit_item_scores(con: duckdb.DuckDBPyConnection, year: int, as_of: str) -> Frame:
    frame = con.sql("""
        select scheme_code, unit_code, item_code, points::double as points,
            score::double as score,
            -- missing data (issue 14) or pending review (待核: a ledger row quarantined, issue 31):
            -- a block scheme stops publishing, a flag scheme warns
            status in ('missing', 'pending') and missing_data = 'block' as missing_blocks,
            status in ('missing', 'pending') and missing_data <> 'block' as missing_flagged
        from marts.fct_unit_item_scores
    """).pl()
    return frame, {}


def mart_score_movements(con: duckdb.DuckDBPyConnection, year: int, as_of: str) -> Frame:
    frame = con.sql("""
        select scheme_code, unit_code, item_code, source_seed, source_item, source_keys,
            explanation_zh
        from marts.fct_score_movements
    """).pl()
    return frame, {}


def published_columns(con: duckdb.DuckDBPyConnection, year: int, as_of: str) -> Frame:
    """Every published column, with the first text value in it that holds personal data (an ID
    number, a phone number, a signed name: the one rule of pipelines/lib/personal.py), masked —
    the report says where, never what."""
    columns = con.sql(f"""
        select table_schema, table_name, table_schema || '.' || table_name as relation,
            column_name, data_type
        from information_schema.columns where {PUBLISHED_FILTER}
    """).pl()
    hits = personal_data_hits(con, columns.filter(pl.col("data_type") == "VARCHAR"))
    frame = columns.select("relation", "column_name")
    return frame.join(hits, on=["relation", "column_name"], how="left"), {}


def personal_data_hits(con: duckdb.DuckDBPyConnection, columns: pl.DataFrame) -> pl.DataFrame:
    """relation, column_name, text_value (masked) for each text column holding personal data
    (pipelines/lib/personal.py `first_matches`)."""
    sources = [(f"{schema}.{table}", f'"{schema}"."{table}"', group["column_name"].to_list())
               for (schema, table), group in columns.group_by(["table_schema", "table_name"],
                                                               maintain_order=True)]
    return pl.DataFrame(personal.first_matches(con, sources), orient="row",
                        schema={"relation": pl.String, "column_name": pl.String,
                                "text_value": pl.String})


def water_section_monthly_checked(con: duckdb.DuckDBPyConnection, year: int, as_of: str) -> Frame:
    """Every monitoring cell as stg_water__section_monthly_checked parsed and judged it (the
    model owns the rules; `problem_kind` says which one a cell broke)."""
    frame = con.sql("""
        select source_file, source_row::bigint as source_row, header as source_column,
            problem_kind is distinct from 'unknown_section' as section_is_known,
            case when problem_kind <> 'unreadable_month' or problem_kind is null
                then make_date(obs_year, obs_month, 1) end as month_start,
            case when problem_kind = 'not_a_number' then raw_value end as value_not_number,
            value::double as value,
            case when problem_kind = 'conflicting_indicator' then problem end as conflicting_versions,
            obs_year as period_year
        from staging.stg_water__section_monthly_checked
    """).pl()
    return frame, {"year": year, "year_before": year - 1}


def raw_water_sections(con: duckdb.DuckDBPyConnection, year: int, as_of: str) -> Frame:
    frame = con.sql("""
        select source_file, source_row::bigint as source_row, upper(trim(section_code)) as section_code,
            trim(section_name) as section_name, trim(target_class) as target_class,
            upstream_section_code,
            nullif(upper(trim(upstream_section_code)), '') is null
                or upper(trim(upstream_section_code)) in (
                    select upper(trim(section_code)) from raw.water_sections) as upstream_is_known
        from raw.water_sections
    """).pl()
    return frame, {}


def ledger_events(con: duckdb.DuckDBPyConnection, year: int, as_of: str) -> Frame:
    """One row per ledger data row (titles and footers left out), with the quarantine's reasons
    per column (`<column>_problem`); plus one row per file-level problem (`file_problem`)."""
    # A date that reads but falls outside the year (event_year_problem) is quarantined without
    # condemning its file: a ledger kept across years is normal, and a 2023 run reading the
    # 2024 rows of the same file must not block (a date that cannot be read still counts).
    pivot = ",\n".join(
        f"string_agg(q.reason, '；') filter (where q.column_name = '{c}'"
        + (" and e.event_date is null" if c == "event_date" else "") + f") as {c}_problem"
        for c in LEDGER_CHECKED_COLUMNS)
    pivot += (",\nstring_agg(q.reason, '；') filter (where q.column_name = 'event_date'"
              " and e.event_date is not null) as event_year_problem")
    frame = con.sql(f"""
        with data_rows as (
            select ledger_row_id, source_file, coalesce(source_sheet, '') as source_sheet,
                source_row::bigint as source_row
            from raw.ledger_rows where row_problem is null
        ),
        per_row as (
            select d.source_file, d.source_sheet, d.source_row, {pivot},
                null::varchar as file_problem
            from data_rows as d
            left join intermediate.int_ledgers__quarantine as q using (ledger_row_id)
            left join intermediate.int_ledgers__rows_resolved as e using (ledger_row_id)
            group by all
        ),
        per_file as (
            select source_file, coalesce(source_sheet, '') as source_sheet,
                header_row::bigint as source_row,
                {", ".join(f"null::varchar as {c}_problem"
                           for c in [*LEDGER_CHECKED_COLUMNS, "event_year"])},
                file_problem
            from raw.ledger_files where file_problem is not null
        )
        select * from per_row union all by name select * from per_file
    """).pl()
    return frame, {}


FRAMES: dict[str, Callable[[duckdb.DuckDBPyConnection, int, str], Frame]] = {
    "raw_air_station_hourly": raw_air_station_hourly,
    "air_station_hourly_checked": air_station_hourly_checked,
    "air_station_completeness": air_station_completeness,
    "air_unit_official_check": air_unit_official_check,
    "raw_schemes": raw_schemes,
    "water_section_monthly_checked": water_section_monthly_checked,
    "raw_water_sections": raw_water_sections,
    "ledger_events": ledger_events,
    "mart_unit_item_scores": mart_unit_item_scores,
    "mart_score_movements": mart_score_movements,
    "published_personal_data": published_columns,
}
