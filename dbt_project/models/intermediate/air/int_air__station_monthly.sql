{#- Completeness of each station-month (站点逐月有效天数), read by the quality check
    `air_station_completeness` (expectations/air_station_completeness.yaml): a valid day is a
    day whose PM2.5 24-hour mean is valid (≥ 20 valid hours, int_air__station_daily); the annual
    statistic needs ≥ 27 valid days in every month, 25 in February (GB 3095-2012 表4, 2018
    amendment; macros/air/feed.sql). A month still running (as-of) is judged on the days it has
    had. -#}
{{ config(materialized='view') }}

with daily as (
    select * from {{ ref('int_air__station_daily') }}
),

monthly as (
    select
        ---------- ids
        station_code,
        year(obs_date) as obs_year,
        month(obs_date) as obs_month,
        strftime(min(obs_date), '%Y-%m') as month,
        ---------- day counts (PM2.5, the pollutant fct_air_unit_monthly's validity reads)
        count(pm2_5_24h) as valid_days,
        max(obs_date) filter (where pm2_5_hours > 0) as last_date,
        {{ air_min_valid_days('month(min(obs_date))') }} as required_days
    from daily
    group by station_code, year(obs_date), month(obs_date)
),

final as (
    select
        monthly.*,
        -- days short of the month's minimum, counted up to the last day with PM2.5 data
        least(required_days, day(last_date)) - valid_days as days_short
    from monthly
    where last_date is not null
)

select * from final
