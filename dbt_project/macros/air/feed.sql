{#- Parsing helpers for the national real-time feed layout (CNEMC): strings, `-;` for missing. -#}

{% macro air_raw_columns() -%}
{{ return(['pm2_5', 'pm10', 'so2', 'no2', 'co', 'o3']) }}
{%- endmacro %}


{% macro air_missing_tokens() -%}
('', '-;', '-', '--', '—', 'nan', 'null', 'na', 'n/a')
{%- endmacro %}


{% macro air_parse_value(column) -%}
{#- A cell that is one of the feed's missing tokens is missing; anything else must be a number. -#}
case
    when {{ column }} is null or lower(trim({{ column }})) in {{ air_missing_tokens() }} then null
    else try_cast(trim({{ column }}) as decimal(18, 3))
end
{%- endmacro %}


{% macro air_parse_timepoint(column) -%}
{#- SPEC §2.2: a timestamp written `24:00` belongs to the day it names (= next day 00:00). -#}
case
    when regexp_matches(trim({{ column }}), '[ T]24:00(:00)?$')
        then try_strptime(regexp_replace(trim({{ column }}), '[ T]24:00(:00)?$', ''), ['%Y-%m-%d', '%Y/%m/%d'])
            + interval 24 hour
    else try_strptime(trim({{ column }}), [
        '%Y-%m-%dT%H:%M:%S', '%Y-%m-%d %H:%M:%S', '%Y-%m-%d %H:%M', '%Y/%m/%d %H:%M:%S', '%Y/%m/%d %H:%M'
    ])
end
{%- endmacro %}
