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
    max(rule_value) filter (where rule_code = 'co_unit_decimals')::integer as co_unit_decimals,
    max(rule_value) filter (where rule_code = 'co_unit_mean') as co_unit_mean
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


{% macro air_co_binary64_sum(value, station_column) -%}
{#- The stations' CO added one after another in station-code order in IEEE 754 binary64 (seed
    std_air_unit_conventions, rule co_unit_mean = binary64_station_order: how CNEMC's city CO is
    computed, measured on its city and station files of 2023-01-21..22). An aggregate: NULL when
    no station has a value; divide by count({{ value }}) for the mean. list_sum adds a list's
    doubles one after another (checked: equal to a sequential binary64 sum on 20,000 random
    lists; sum() itself may not keep an ORDER BY); a lambda fold would say it too, but sqlfluff
    cannot parse DuckDB's lambda syntax. -#}
list_sum(list(({{ value }})::double order by {{ station_column }}) filter (where ({{ value }}) is not null))
{%- endmacro %}


{% macro air_unit_co(exact_mean, binary64_mean, mode) -%}
{#- A unit's CO (mg/m³) by its convention (needs the `convention` columns): to the convention's
    decimals (rule co_unit_decimals: 2 under cnemc_published, CNEMC's city files; 1 under
    standard, HJ 663-2013 §4), rounded by `mode` from the exact mean (rule co_unit_mean = exact:
    HJ 663-2013's arithmetic mean) or, under binary64_station_order, from the binary64 mean
    (air_co_binary64_sum) at its exact binary value — so a tie such as 0.475 lands on the side
    its binary value lies (0.47499999999999997780 → 0.47), as CNEMC's published CO does. A unit
    value with no binary64 mean (a fed unit value) is rounded from its exact value. DuckDB rounds
    a decimal exactly only to a constant number of places, so the one expression
    (air_unit_co_to) is written out for each number of decimals the seed allows (its
    accepted_values test); another number stops the model naming the convention. -#}
case convention.co_unit_decimals
    {%- for decimals in [2, 1] %}
    when {{ decimals }} then {{ air_unit_co_to(exact_mean, binary64_mean, decimals, mode) }}
    {%- endfor %}
    else error(
        'std_air_unit_conventions: ' || convention.convention_code || ' co_unit_decimals '
        || coalesce(convention.co_unit_decimals::varchar, 'missing') || ' is not 1 or 2'
    )
end
{%- endmacro %}


{% macro air_unit_co_to(exact_mean, binary64_mean, decimals, mode) -%}
{#- air_unit_co at a constant number of decimals. -#}
case
    when convention.co_unit_mean = 'binary64_station_order' and ({{ binary64_mean }}) is not null
        then {{ air_round_binary64(binary64_mean, decimals, mode) }}
    else {{ air_round(exact_mean, decimals, mode) }}
end
{%- endmacro %}


{% macro air_round_binary64(value, decimals, mode) -%}
{#- A binary64 value rounded at its exact binary value (not at the decimal it stands for):
    printf writes the double's exact expansion to 20 decimals — finer than any binary64 gap
    near a CO value, so no false tie is made —, then half up or half to even. -#}
(case
    when {{ mode }} = 'half_up' then round(printf('%.20f', {{ value }})::decimal(38, 20), {{ decimals }})
    else round_even(printf('%.20f', {{ value }})::decimal(38, 20), {{ decimals }})
end)::decimal(18, {{ decimals }})
{%- endmacro %}
