{#- Parsing helpers for the national real-time feed layout (CNEMC): strings, `-;` for missing. -#}

{% macro air_raw_columns() -%}
{{ return(['pm2_5', 'pm10', 'so2', 'no2', 'co', 'o3']) }}
{%- endmacro %}


{% macro air_missing_tokens() -%}
{#- A list literal: `list_contains(tokens, x)` is evaluated only on the rows that reach it,
    where an IN list becomes a join over every row. -#}
['', '-;', '-', '--', '—', 'nan', 'null', 'na', 'n/a']
{%- endmacro %}


{% macro air_parse_value(column) -%}
{#- A cell that is a number is its value; anything else is missing. Every missing token fails
    the cast, so the token list only tells "missing" from "not a number" when a cell is
    reported (stg_air__station_hourly_checked). -#}
try_cast(trim({{ column }}) as decimal(18, 3))
{%- endmacro %}


{% macro air_parse_timepoint(column) -%}
{#- SPEC §2.2: a timestamp written `24:00` belongs to the day it names (= next day 00:00). -#}
{#- The feed's own form (2024-03-05T14:00:00) first, without trimming or pattern matching (a
    national year is 15 M rows); anything else, 24:00 included, takes the general path. -#}
coalesce(
case
    when length({{ column }}) = 19 and {{ column }}[11] = 'T'
        then try_strptime({{ column }}, '%Y-%m-%dT%H:%M:%S')
end,
case
    when regexp_matches(trim({{ column }}), '[ T]24:00(:00)?$')
        then try_strptime(regexp_replace(trim({{ column }}), '[ T]24:00(:00)?$', ''), ['%Y-%m-%d', '%Y/%m/%d'])
            + interval 24 hour
    else try_strptime(trim({{ column }}), [
        '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M'
    ])
end)
{%- endmacro %}


{% macro air_not_a_number(raw, parsed) -%}
{#- A cell that is written but is neither a number nor a missing token: '不是数值'
    (stg_air__station_hourly_checked quarantines it; the raw gate counts it per file). -#}
({{ parsed }} is null and {{ raw }} is not null
    and not list_contains({{ air_missing_tokens() }}, lower(trim({{ raw }}))))
{%- endmacro %}


{% macro air_max_hours_ahead() -%}
{#- The feed may stamp an hour up to one hour ahead of the clock (the hour being measured);
    later is '时间在未来' (stg_air__station_hourly_checked, the raw gate's parameter). -#}
1
{%- endmacro %}


{% macro air_unit_check_columns() -%}
{#- The pollutants whose station-months are checked for a wrong unit (seed std_air_unit_checks
    names only these). -#}
{{ return(['pm2_5', 'pm10']) }}
{%- endmacro %}


{% macro air_period_start(timepoint, hour_label) -%}
{#- The hour a value averages starts at period_start (its natural day is that hour's date): a
    station whose feed labels the hour by its start (`feed_hour_label` 'start') as written;
    otherwise (CNEMC: the end) one hour earlier, so day D = timepoints D 01:00 … D+1 00:00.
    The one rule: stg_air__station_hourly_checked calls it; everything else reads that model's
    period_start / obs_date (the quality check air_station_hourly_checked included). -#}
case when {{ hour_label }} = 'start' then {{ timepoint }} else {{ timepoint }} - interval 1 hour end
{%- endmacro %}


{% macro air_min_valid_hours() -%}
{#- GB 3095-2012 表4 (2018 amendment) / HJ 663-2013 §4: a 24-hour mean needs at least 20 hourly
    values that day. -#}
20
{%- endmacro %}


{% macro air_min_valid_days(month) -%}
{#- GB 3095-2012 表4 (2018 amendment): a monthly statistic needs at least 27 daily values,
    25 in February (fct_air_unit_monthly per unit, int_air__station_monthly per station). -#}
case when {{ month }} = 2 then 25 else 27 end
{%- endmacro %}
