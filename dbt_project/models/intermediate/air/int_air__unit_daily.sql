{#- A unit's daily concentration is the arithmetic mean over its counted stations (SPEC §2.2;
    seed 004 annex note: 钦南区、钦北区 use the three central-city stations; 对照点 never count,
    a membership counts between its dates — stg_air__unit_stations), rounded before the IAQI
    lookup — μg/m³ to whole numbers, CO (mg/m³) to one decimal — by the unit convention the
    var `air_convention` chooses (seed std_air_unit_conventions, macros/air/conventions.sql):
    - `standard`: the mean over the stations whose daily value is valid (≥ 20 hours, GB 3095-2012
      表4 / HJ 663-2013 §4), rounded half to even (GB/T 8170-2008 §3.3);
    - `cnemc_published`: the mean of the stations' published 24-hour values
      (stg_air__station_published_daily, from the national station files; a pollutant a station
      left blank that day does not count; a station that published nothing that day counts with
      the mean of the hours it has rounded half up, CO to 0.1), whatever their number of hours,
      rounded half up — CO to 0.01 from its binary64 mean in station-code order (rule
      co_unit_mean) —: CNEMC's real-time city 24-hour value (measured on 2023-01-20..23).
    A unit-day with no counted station is taken from the unit-level feeds (issue 33 item 5,
    stg_air__unit_feed_daily: the provincial platform's unit 日报, CNEMC's city files), rounded by
    the same rule; `value_source` says which ('stations' or the feed).
    The standard in force on the day is chosen by date unless the `standard` var pins one. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['air_hourly_path'],
    pre_hook="{{ air_window_delete('obs_date') }}",
) }}
{%- set daily_cols = ['pm2_5_24h', 'pm10_24h', 'so2_24h', 'no2_24h', 'co_24h', 'o3_1h_max', 'o3_8h_max'] %}
{%- set co_chosen = "case when convention.station_daily_basis = 'published_24h' then station_values.co_24h_published else station_values.co_24h_valid end" %}

with station_daily as (
    select * from {{ ref('int_air__station_daily') }}
    where {{ air_window_where('obs_date') }}
),

unit_stations as (
    select * from {{ ref('stg_air__unit_stations') }}
    where is_counted
),

standards as (
    select * from {{ ref('std_standards') }}
),

published as (
    select * from {{ ref('stg_air__station_published_daily') }}
    where {{ air_window_where('obs_date') }}
),

unit_feed as (
    select * from {{ ref('stg_air__unit_feed_daily') }}
    where {{ air_window_where('obs_date') }}
),

convention as (
    {{ air_unit_convention() }}
),

-- each station's daily value both ways the conventions count it: its published 24-hour value
-- (a station that published that day but left a pollutant blank does not count for it; one
-- that published nothing that day — no national station file — counts with the mean of the
-- hours it has, rounded half up) and its valid 24-hour mean
station_values as (
    select
        coalesce(station_daily.station_code, published.station_code) as station_code,
        coalesce(station_daily.obs_date, published.obs_date) as obs_date,
    {%- for c in daily_cols %}
        case
            when published.station_code is not null then published.{{ c }}
            else {{ air_round('station_daily.' ~ c ~ '_all', 1 if c.startswith('co') else 0, "'half_up'") }}
        end as {{ c }}_published,
        station_daily.{{ c }} as {{ c }}_valid{{ "," if not loop.last }}
    {%- endfor %}
    from station_daily
    full outer join published using (station_code, obs_date)
),

station_means as (
    select
        unit_stations.unit_code,
        any_value(unit_stations.unit_name) as unit_name,
        station_values.obs_date,
        count(*) as n_stations_reporting,
        {{ air_co_binary64_sum(co_chosen, 'station_values.station_code') }} / count({{ co_chosen }}) as co_24h_mean_binary64,
    {%- for c in daily_cols %}
        {%- set chosen = "case when convention.station_daily_basis = 'published_24h' then station_values." ~ c ~ "_published else station_values." ~ c ~ "_valid end" %}
        avg({{ chosen }}) as {{ c }}_mean,
        count({{ chosen }}) as {{ c }}_stations{{ "," if not loop.last }}
    {%- endfor %}
    from unit_stations
    inner join station_values
        on
            station_values.station_code = unit_stations.station_code
            and station_values.obs_date between unit_stations.valid_from and unit_stations.valid_to
    {{ air_unit_convention_join('unit_stations.unit_code') }}
    group by unit_stations.unit_code, station_values.obs_date
),

unit_means as (
    select station_means.*, 'stations' as value_source
    from station_means
    union all
    select
        f.unit_code,
        f.unit_name,
        f.obs_date,
        0 as n_stations_reporting,
        null::double as co_24h_mean_binary64,
        {%- for c in daily_cols %}
            f.{{ c }} as {{ c }}_mean,
            0 as {{ c }}_stations,
        {%- endfor %}
        f.feed_source as value_source
    from unit_feed as f
    anti join station_means as s using (unit_code, obs_date)
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
        convention.convention_code,
        ---------- measures (rounded, as looked up)
        {%- for c in daily_cols %}
            {%- if c.startswith('co') %}
                {{ air_unit_co('unit_means.co_24h_mean', 'unit_means.co_24h_mean_binary64', 'convention.daily_mean_rounding') }} as co_24h,
            {%- else %}
                {{ air_round('unit_means.' ~ c ~ '_mean', 0, 'convention.daily_mean_rounding') }} as {{ c }},
            {%- endif %}
        {%- endfor %}
        ---------- coverage
        unit_means.value_source,
        unit_means.n_stations_reporting,
    {%- for c in daily_cols %}
        unit_means.{{ c }}_stations{{ "," if not loop.last }}
    {%- endfor %}
    from unit_means
    {{ air_unit_convention_join('unit_means.unit_code') }}
    left join standards
        on unit_means.obs_date between standards.valid_from and standards.valid_to
)

select * from final
