{#- A unit's IAQI and AQI from its concentrations in long form (one row per key × pollutant slot,
    columns `unit_code`, `pollutant`, `conc`, `standard_code`): the CTEs `convention` and
    `concentrations` (with the unit convention's `iaqi_rounding`), `iaqi` (HJ 633-2012 表1 notes 2 and 3 applied by
    iaqi_with_hj633_notes), `iaqi_named`, `aqi` (HJ 633-2012 §5: the largest IAQI, level,
    category, primary pollutants) and `iaqi_wide` (one column per slot). The one chain the unit
    marts share (fct_air_unit_hourly: 实时报, fct_air_unit_daily: 日报); the caller names the
    slots and selects from `aqi` and `iaqi_wide` joined on `keys`. -#}
{% macro air_unit_aqi_ctes(long_relation, keys, slots) -%}
convention as (
    {{ air_unit_convention() }}
),

concentrations as (
    select {{ long_relation }}.*, convention.iaqi_rounding
    from {{ long_relation }}
    {{ air_unit_convention_join(long_relation ~ '.unit_code') }}
),

iaqi as (
    {{ iaqi_with_hj633_notes('concentrations', ref('std_aqi_breakpoints'), rounding='c.iaqi_rounding') }}
),

iaqi_named as (
    select iaqi.*, pollutants.display_name, pollutants.sort_order
    from iaqi
    inner join {{ ref('std_pollutants') }} as pollutants using (pollutant)
),

aqi as (
    {{ aqi_from_iaqi('iaqi_named', keys, ref('std_aqi_levels')) }}
),

iaqi_wide as (
    pivot (select {{ keys | join(', ') }}, pollutant, iaqi from iaqi)
    on pollutant in ({% for s in slots %}'{{ s }}'{{ ", " if not loop.last }}{% endfor %})
    using max(iaqi)
    group by {{ keys | join(', ') }}
)
{%- endmacro %}
