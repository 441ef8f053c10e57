{#- 8-hour moving means of O3 (GB 3095-2012 表4 / HJ 663-2013): a window holds the 8 hours
    ending at its last hour and is valid with at least 6 valid hours. Only windows ending
    08:00 … 24:00 count for the day (the 17 windows that lie inside the natural day), so a
    day's windows need no hour of another day: the frame runs over the hour of the day (an
    integer) within one station-day, which sorts 24 rows at a time instead of a station-year. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['air_hourly_path'],
    pre_hook="{{ air_window_delete('obs_date') }}",
) }}

with hourly as (
    select station_code, period_start, obs_date, hour(period_start) as hour_of_day, o3
    from {{ ref('stg_air__station_hourly') }}
    where {{ air_window_where('obs_date') }}
),

windows as (
    select
        station_code,
        obs_date,
        period_start as last_hour_start,
        hour_of_day,
        avg(o3) over w as o3_8h_mean,
        count(o3) over w as n_valid_hours
    from hourly
    window w as (
        partition by station_code, obs_date
        order by hour_of_day
        range between 7 preceding and current row
    )
),

final as (
    select
        station_code,
        obs_date,
        last_hour_start,
        n_valid_hours,
        case when n_valid_hours >= 6 then o3_8h_mean end as o3_8h
    from windows
    where hour_of_day >= 7
)

select * from final
