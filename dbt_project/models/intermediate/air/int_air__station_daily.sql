{#- Station daily statistics (HJ 663-2013 / GB 3095-2012 表4): 24-hour means need at least
    20 valid hourly values that day; the day's maximum 8-hour O3 needs at least 14 valid
    8-hour windows among those ending 08:00 … 24:00; the day's maximum 1-hour O3 is taken
    under the same 20-hour rule as the 24-hour means. Values stay unrounded here; rounding
    happens once, on the unit's concentration, before the IAQI lookup.
    The `*_all` columns are the same statistics without the count rules — what CNEMC's
    real-time release publishes as a station's 24-hour value (the mean of the hours it has, the
    largest 8-hour window it has), which the `cnemc_published` unit convention averages
    (seed std_air_unit_conventions, rule station_daily_basis). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['air_hourly_path'],
    pre_hook="{{ air_window_delete('obs_date') }}",
) }}
{%- set daily_cols = ['pm2_5', 'pm10', 'so2', 'no2', 'co'] %}

with hourly as (
    select * from {{ ref('stg_air__station_hourly') }}
    where {{ air_window_where('obs_date') }}
),

o3_windows as (
    select * from {{ ref('int_air__station_o3_8h') }}
    where {{ air_window_where('obs_date') }}
),

hourly_stats as (
    select
        station_code,
        obs_date,
        {%- for c in daily_cols %}
            count({{ c }}) as {{ c }}_hours,
            case when count({{ c }}) >= {{ air_min_valid_hours() }} then avg({{ c }}) end as {{ c }}_24h,
            avg({{ c }}) as {{ c }}_24h_all,
        {%- endfor %}
        count(o3) as o3_hours,
        case when count(o3) >= {{ air_min_valid_hours() }} then max(o3) end as o3_1h_max,
        max(o3) as o3_1h_max_all
    from hourly
    group by station_code, obs_date
),

-- one row per station-day already (int_air__station_o3_8h)
o3_8h_stats as (
    select
        station_code,
        obs_date,
        o3_8h_windows,
        case when o3_8h_windows >= 14 then o3_8h_largest end as o3_8h_max,
        o3_8h_largest as o3_8h_max_all
    from o3_windows
),

final as (
    select
        hourly_stats.*,
        coalesce(o3_8h_stats.o3_8h_windows, 0) as o3_8h_windows,
        o3_8h_stats.o3_8h_max,
        o3_8h_stats.o3_8h_max_all
    from hourly_stats
    left join o3_8h_stats using (station_code, obs_date)
)

select * from final
