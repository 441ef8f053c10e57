{#- 8-hour moving means of O3 (GB 3095-2012 表4 / HJ 663-2013): a window holds the 8 hours
    ending at its last hour and is valid with at least 6 valid hours. Only windows ending
    08:00 … 24:00 count for the day (the 17 windows that lie inside the natural day). -#}

with hourly as (
    select station_code, period_start, obs_date, o3
    from {{ ref('stg_air__station_hourly') }}
),

windows as (
    select
        station_code,
        obs_date,
        period_start as last_hour_start,
        avg(o3) over w as o3_8h_mean,
        count(o3) over w as n_valid_hours
    from hourly
    window w as (
        partition by station_code
        order by period_start
        range between interval 7 hour preceding and current row
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
    where hour(last_hour_start) >= 7
)

select * from final
