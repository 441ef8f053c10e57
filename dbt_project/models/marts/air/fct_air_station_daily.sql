{#- Station × day statistics (站点日均值), published: the 24-hour means with their valid hours
    (GB 3095-2012 表4: ≥ 20 hours), the day's maximum 1-hour and 8-hour O3 (HJ 663-2013), the
    station's name, level and area. Unrounded, as int_air__station_daily computes them; a
    unit's daily value (fct_air_unit_daily) is the mean of its stations, rounded once. -#}

with daily as (
    select * from {{ ref('int_air__station_daily') }}
),

stations as (
    select * from {{ ref('stg_air__stations') }}
),

final as (
    select
        ---------- ids
        daily.station_code,
        daily.obs_date,
        year(daily.obs_date)::integer as obs_year,
        month(daily.obs_date)::integer as obs_month,
        ---------- the station
        stations.station_name,
        stations.station_level,
        stations.area,
        ---------- 24-hour means and their valid hours
        daily.pm2_5_hours::integer as pm2_5_hours,
        daily.pm2_5_24h,
        daily.pm10_hours::integer as pm10_hours,
        daily.pm10_24h,
        daily.so2_hours::integer as so2_hours,
        daily.so2_24h,
        daily.no2_hours::integer as no2_hours,
        daily.no2_24h,
        daily.co_hours::integer as co_hours,
        daily.co_24h,
        ---------- ozone
        daily.o3_hours::integer as o3_hours,
        daily.o3_1h_max::double as o3_1h_max,
        daily.o3_8h_windows::integer as o3_8h_windows,
        daily.o3_8h_max
    from daily
    left join stations using (station_code)
)

select * from final
