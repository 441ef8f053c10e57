{#- A unit's hourly concentrations (issue 33): for each hour, the plain mean of the hourly values
    of its counted stations that reported (对照点 never count; a membership counts between its
    dates — stg_air__unit_stations), rounded by the unit convention the var `air_convention`
    chooses (seed std_air_unit_conventions, rule hourly_mean_rounding: half up under
    `cnemc_published` — 100 % of CNEMC's city-hours on 2023-01-20..22 —, half to even under
    `standard`, GB/T 8170-2008 §3.3); μg/m³ to whole numbers, CO to 0.01 mg/m³ (as CNEMC's city
    file publishes it) or 0.1 (standard; rule co_unit_decimals), from the exact mean (standard)
    or, as CNEMC computes it, the binary64 mean summed in station-code order, rounded at its
    binary value (rule co_unit_mean: 100 % of city CO hours on 2023-01-21 and 2023-01-22, the
    exact mean 95 %). Hours are Beijing time;
    `timepoint` labels the end of the hour as the feed does (CNEMC), `period_start` its start. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['air_hourly_path'],
    pre_hook="{{ air_window_delete('obs_date') }}",
) }}
{%- set cols = ['pm2_5', 'pm10', 'so2', 'no2', 'co', 'o3'] %}

with hourly as (
    -- a station-hour sent with every value missing is not a report: it neither counts as a
    -- reporting station nor makes a unit-hour (the same as a row never sent, or quarantined)
    select * from {{ ref('stg_air__station_hourly') }}
    where
        {{ air_window_where('obs_date') }}
        and coalesce({{ cols | join(', ') }}) is not null
),

unit_stations as (
    select * from {{ ref('stg_air__unit_stations') }}
    where is_counted
),

convention as (
    {{ air_unit_convention() }}
),

unit_means as (
    select
        unit_stations.unit_code,
        any_value(unit_stations.unit_name) as unit_name,
        hourly.timepoint,
        any_value(hourly.period_start) as period_start,
        any_value(hourly.obs_date) as obs_date,
        count(*) as n_stations_reporting,
        {{ air_co_binary64_sum('hourly.co', 'hourly.station_code') }} / count(hourly.co) as co_mean_binary64,
    {%- for c in cols %}
        avg(hourly.{{ c }}) as {{ c }}_mean,
        count(hourly.{{ c }}) as {{ c }}_stations{{ "," if not loop.last }}
    {%- endfor %}
    from unit_stations
    inner join hourly
        on
            hourly.station_code = unit_stations.station_code
            and hourly.obs_date between unit_stations.valid_from and unit_stations.valid_to
    group by unit_stations.unit_code, hourly.timepoint
),

final as (
    select
        ---------- ids
        unit_means.unit_code,
        unit_means.unit_name,
        unit_means.timepoint,
        unit_means.period_start,
        unit_means.obs_date,
        convention.convention_code,
        ---------- measures (μg/m³; CO mg/m³), rounded by the convention
        {%- for c in cols %}
            {%- if c == 'co' %}
                {{ air_unit_co('unit_means.co_mean', 'unit_means.co_mean_binary64', 'convention.hourly_mean_rounding') }} as co,
            {%- else %}
                {{ air_round('unit_means.' ~ c ~ '_mean', 0, 'convention.hourly_mean_rounding') }} as {{ c }},
            {%- endif %}
        {%- endfor %}
        ---------- coverage: stations counted (those that reported the pollutant that hour)
        unit_means.n_stations_reporting,
    {%- for c in cols %}
        unit_means.{{ c }}_stations{{ "," if not loop.last }}
    {%- endfor %}
    from unit_means
    {{ air_unit_convention_join('unit_means.unit_code') }}
)

select * from final
