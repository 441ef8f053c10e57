{#- Daily AQI of each assessment unit (日报, HJ 633-2012 §5.1.2): the IAQI of the seven daily
    values — 24-hour SO2, NO2, PM10, PM2.5, CO, the day's maximum 1-hour O3 and maximum
    8-hour O3 — then AQI, level, category, primary and exceeding pollutants. The IAQI is
    rounded as the unit convention says (seed std_air_unit_conventions, rule iaqi_rounding: up
    per HJ 633-2012 §6.2 under `standard`, half up under `cnemc_published`). -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['air_hourly_path'],
    pre_hook="{{ air_window_delete('obs_date') }}",
) }}

with unit_daily as (
    select * from {{ ref('int_air__unit_daily') }}
    where {{ air_window_where('obs_date') }}
),

concentrations_long as (
    unpivot (
        select
            unit_code, obs_date, standard_code,
            so2_24h, no2_24h, pm10_24h, pm2_5_24h, co_24h,
            o3_1h_max as o3_1h, o3_8h_max as o3_8h
        from unit_daily
    )
    on so2_24h, no2_24h, pm10_24h, pm2_5_24h, co_24h, o3_1h, o3_8h
    into name pollutant value conc
),

{{ air_unit_aqi_ctes('concentrations_long', ['unit_code', 'obs_date'], ['so2_24h', 'no2_24h', 'pm10_24h', 'pm2_5_24h', 'co_24h', 'o3_1h', 'o3_8h']) }},

final as (
    select
        ---------- ids
        unit_daily.unit_code,
        unit_daily.unit_name,
        unit_daily.obs_date,
        unit_daily.obs_year,
        unit_daily.obs_month,
        unit_daily.standard_code,
        unit_daily.convention_code,
        ---------- concentrations (μg/m³; CO mg/m³), rounded as looked up
        unit_daily.so2_24h,
        unit_daily.no2_24h,
        unit_daily.pm10_24h,
        unit_daily.pm2_5_24h,
        unit_daily.co_24h,
        unit_daily.o3_1h_max,
        unit_daily.o3_8h_max,
        ---------- IAQI
        iaqi_wide.so2_24h as iaqi_so2,
        iaqi_wide.no2_24h as iaqi_no2,
        iaqi_wide.pm10_24h as iaqi_pm10,
        iaqi_wide.pm2_5_24h as iaqi_pm2_5,
        iaqi_wide.co_24h as iaqi_co,
        iaqi_wide.o3_1h as iaqi_o3_1h,
        iaqi_wide.o3_8h as iaqi_o3_8h,
        ---------- AQI
        aqi.aqi,
        aqi.level,
        aqi.level_name,
        aqi.category,
        aqi.colour,
        aqi.primary_pollutants,
        aqi.exceed_pollutants,
        -- a valid day has all seven daily values, each under its own validity rule (a fed
        -- unit-day may come without the largest hourly O3: the other six make its day)
        (
            unit_daily.so2_24h is not null and unit_daily.no2_24h is not null
            and unit_daily.pm10_24h is not null and unit_daily.pm2_5_24h is not null
            and unit_daily.co_24h is not null and unit_daily.o3_8h_max is not null
            and (unit_daily.o3_1h_max is not null or unit_daily.value_source != 'stations')
        ) as is_valid_day,
        unit_daily.value_source,
        unit_daily.n_stations_reporting
    from unit_daily
    left join aqi using (unit_code, obs_date)
    left join iaqi_wide using (unit_code, obs_date)
)

select * from final
