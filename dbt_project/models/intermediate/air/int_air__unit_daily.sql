{#- A unit's daily concentration is the arithmetic mean over its assessment stations (SPEC
    §2.2; seed 004 annex note: 钦南区、钦北区 use the three central-city stations), over the
    stations whose daily value is valid. It is rounded before the IAQI lookup — μg/m³ to whole
    numbers, CO (mg/m³) to one decimal — half to even (GB/T 8170 修约, as HJ 663 requires).
    The standard in force on the day is chosen by date unless the `standard` var pins one. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['air_hourly_path'],
    pre_hook="{{ air_window_delete('obs_date') }}",
) }}
{%- set daily_cols = ['pm2_5_24h', 'pm10_24h', 'so2_24h', 'no2_24h', 'co_24h', 'o3_1h_max', 'o3_8h_max'] %}

with station_daily as (
    select * from {{ ref('int_air__station_daily') }}
    where {{ air_window_where('obs_date') }}
),

unit_stations as (
    select * from {{ ref('stg_air__unit_stations') }}
),

standards as (
    select * from {{ ref('std_standards') }}
),

unit_means as (
    select
        unit_stations.unit_code,
        any_value(unit_stations.unit_name) as unit_name,
        station_daily.obs_date,
        count(*) as n_stations_reporting,
    {%- for c in daily_cols %}
        avg(station_daily.{{ c }}) as {{ c }}_mean,
        count(station_daily.{{ c }}) as {{ c }}_stations{{ "," if not loop.last }}
    {%- endfor %}
    from unit_stations
    inner join station_daily using (station_code)
    group by unit_stations.unit_code, station_daily.obs_date
),

final as (
    select
        ---------- ids
        unit_means.unit_code,
        unit_means.unit_name,
        unit_means.obs_date,
        year(unit_means.obs_date) as obs_year,
        month(unit_means.obs_date) as obs_month,
        {%- if var('standard', '') %}
            '{{ var("standard") }}' as standard_code,
        {%- else %}
            standards.standard_code,
        {%- endif %}
        ---------- measures (rounded, as looked up)
        {%- for c in daily_cols %}
            round_even(unit_means.{{ c }}_mean::decimal(18, 6), {{ 1 if c.startswith('co') else 0 }})
                as {{ c }},
        {%- endfor %}
        ---------- coverage
        unit_means.n_stations_reporting,
    {%- for c in daily_cols %}
        unit_means.{{ c }}_stations{{ "," if not loop.last }}
    {%- endfor %}
    from unit_means
    left join standards
        on unit_means.obs_date between standards.valid_from and standards.valid_to
)

select * from final
