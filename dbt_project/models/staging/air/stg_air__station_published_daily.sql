{#- Each station's published real-time daily values (raw.air_station_published_daily): one row
    per station and day, the day being the one the file's hour 0 closes (file date − 1). O3_24h
    is the day's largest hourly O3, O3_8h_24h its largest 8-hour mean. Read by
    int_air__unit_daily under the cnemc_published convention (rule station_daily_basis). -#}
with source as (
    select * from {{ source('raw_air', 'air_station_published_daily') }}
),

parsed as (
    select
        upper(trim(stationcode)) as station_code,
        (try_strptime(trim(date), '%Y%m%d') - interval 1 day)::date as obs_date,
        trim(type) as published_type,
        {{ air_parse_value('value') }} as published_value
    from source
),

final as (
    select
        station_code,
        obs_date,
        max(published_value) filter (where published_type = 'PM2.5_24h') as pm2_5_24h,
        max(published_value) filter (where published_type = 'PM10_24h') as pm10_24h,
        max(published_value) filter (where published_type = 'SO2_24h') as so2_24h,
        max(published_value) filter (where published_type = 'NO2_24h') as no2_24h,
        max(published_value) filter (where published_type = 'CO_24h') as co_24h,
        max(published_value) filter (where published_type = 'O3_24h') as o3_1h_max,
        max(published_value) filter (where published_type = 'O3_8h_24h') as o3_8h_max
    from parsed
    where obs_date is not null and published_value is not null
    group by station_code, obs_date
)

select * from final
