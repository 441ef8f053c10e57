{#- Unit-level conventions (issue 33): how a unit's (city's, county's) values are made from its
    stations' — rounding of the hourly and daily means, rounding of the IAQI, which station
    daily values count. The rules are data, seed std_air_unit_conventions (each with its
    source); the dbt var `air_convention` chooses one: `cnemc_published` (default — it
    reproduces the figures CNEMC publishes) or `standard` (HJ 633-2012, HJ 663-2013, GB/T 8170
    as written); a scheme that declares `air_convention` sets it for its units
    (int_air__unit_conventions). The station level never changes with it. -#}

{% macro air_convention_code() -%}
{{ return(var('air_convention', 'cnemc_published')) }}
{%- endmacro %}


{% macro air_unit_convention() -%}
{#- One row per convention: its rules as columns. The unit models join it per unit with
    air_unit_convention_join. -#}
select
    convention_code,
    max(rule_value) filter (where rule_code = 'hourly_mean_rounding') as hourly_mean_rounding,
    max(rule_value) filter (where rule_code = 'daily_mean_rounding') as daily_mean_rounding,
    max(rule_value) filter (where rule_code = 'iaqi_rounding') as iaqi_rounding,
    max(rule_value) filter (where rule_code = 'station_daily_basis') as station_daily_basis,
    max(rule_value) filter (where rule_code = 'co_unit_decimals')::integer as co_unit_decimals
from {{ ref('std_air_unit_conventions') }}
group by convention_code
{%- endmacro %}


{% macro air_unit_convention_join(unit_column) -%}
{#- The unit's convention (issue 33: chosen per scheme): the one its scheme declares
    (int_air__unit_conventions), else the var's; needs a CTE `convention` =
    air_unit_convention(). -#}
left join {{ ref('int_air__unit_conventions') }} as unit_convention
    on unit_convention.unit_code = {{ unit_column }}
inner join convention
    on convention.convention_code = coalesce(unit_convention.convention_code, '{{ air_convention_code() }}')
{%- endmacro %}


{% macro air_round(value, decimals, mode) -%}
{#- A mean rounded by the convention's rule: 'half_up' (round, half away from zero: values are
    never negative) or 'half_even' (GB/T 8170-2008 §3.3). The value is cast to decimal first, so
    a tie computed in floating point (0.455 held as 0.45499…) is a tie again. -#}
case
    when {{ mode }} = 'half_up' then round(({{ value }})::decimal(18, 6), {{ decimals }})
    else round_even(({{ value }})::decimal(18, 6), {{ decimals }})
end
{%- endmacro %}
