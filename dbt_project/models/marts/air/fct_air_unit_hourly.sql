{#- Hourly AQI of each unit (实时报, HJ 633-2012 §5.1.1; issue 33): the unit's six hourly
    concentrations (int_air__unit_hourly), their IAQI — PM2.5 and PM10 on the 24-hour
    breakpoints (the table has no 1-hour PM rows), SO2, NO2, CO and O3 on the 1-hour ones, as
    CNEMC's real-time release does —, the AQI, level, category and primary pollutants. The IAQI
    is rounded as the unit convention says (rule iaqi_rounding: half up under `cnemc_published`,
    up under `standard`, HJ 633-2012 §6.2). SO2 1 h above 800 gets no IAQI (表1 注2 sends it to the
    24-hour value, which an hour does not have): the AQI is then the max of the others. -#}
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    tags=['air_hourly_path'],
    pre_hook="{{ air_window_delete('obs_date') }}",
) }}

with unit_hourly as (
    select * from {{ ref('int_air__unit_hourly') }}
    where {{ air_window_where('obs_date') }}
),

standards as (
    select * from {{ ref('std_standards') }}
),

with_standard as (
    select
        unit_hourly.*,
        {%- if var('standard', '') %}
            '{{ var("standard") }}' as standard_code
        {%- else %}
            standards.standard_code
        {%- endif %}
    from unit_hourly
    left join standards
        on unit_hourly.obs_date between standards.valid_from and standards.valid_to
),

concentrations_long as (
    unpivot (
        select
            unit_code, timepoint, standard_code,
            pm2_5 as pm2_5_24h, pm10 as pm10_24h, so2 as so2_1h, no2 as no2_1h, co as co_1h,
            o3 as o3_1h
        from with_standard
    )
    on pm2_5_24h, pm10_24h, so2_1h, no2_1h, co_1h, o3_1h
    into name pollutant value conc
),

{{ air_unit_aqi_ctes('concentrations_long', ['unit_code', 'timepoint'], ['pm2_5_24h', 'pm10_24h', 'so2_1h', 'no2_1h', 'co_1h', 'o3_1h']) }},

final as (
    select
        ---------- ids
        h.unit_code,
        h.unit_name,
        h.timepoint,
        h.period_start,
        h.obs_date,
        h.standard_code,
        h.convention_code,
        ---------- concentrations (μg/m³; CO mg/m³), rounded as looked up
        h.pm2_5,
        h.pm10,
        h.so2,
        h.no2,
        h.co,
        h.o3,
        ---------- IAQI
        iaqi_wide.pm2_5_24h as iaqi_pm2_5,
        iaqi_wide.pm10_24h as iaqi_pm10,
        iaqi_wide.so2_1h as iaqi_so2,
        iaqi_wide.no2_1h as iaqi_no2,
        iaqi_wide.co_1h as iaqi_co,
        iaqi_wide.o3_1h as iaqi_o3,
        ---------- AQI
        aqi.aqi,
        aqi.level,
        aqi.category,
        aqi.primary_pollutants,
        ---------- stations counted
        h.n_stations_reporting,
        h.pm2_5_stations,
        h.pm10_stations,
        h.so2_stations,
        h.no2_stations,
        h.co_stations,
        h.o3_stations
    from with_standard as h
    left join aqi using (unit_code, timepoint)
    left join iaqi_wide using (unit_code, timepoint)
)

select * from final
