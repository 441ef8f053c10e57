{#- Completeness of each station-month (站点逐月有效天数), published: the valid days (PM2.5
    24-hour mean valid, ≥ 20 valid hours), the days the month needs (27, February 25: GB
    3095-2012 表4, 2018 amendment) and the days short of them up to the last day with PM2.5 data
    (int_air__station_monthly, the model the quality check air_station_completeness reads: one
    home). The dashboard's station completeness panel reads it. Months without any PM2.5 hour
    are left out. -#}

with monthly as (
    select * from {{ ref('int_air__station_monthly') }}
),

final as (
    select
        ---------- ids
        station_code,
        obs_year::integer as obs_year,
        obs_month::integer as obs_month,
        month,
        ---------- day counts
        valid_days::integer as valid_days,
        required_days::integer as required_days,
        days_short::integer as days_short,
        last_date
    from monthly
)

select * from final
