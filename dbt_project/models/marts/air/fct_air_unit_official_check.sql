{#- Computed unit values against CNEMC's official ones, wherever both exist (issue 33): each
    city-hour's six concentrations and AQI (fct_air_unit_hourly against the city file's hourly
    types) and each city-day's daily values (fct_air_unit_daily against the city file's 24-hour
    types at the next day's 00:00 — the real-time release's daily value: PM2.5_24h, PM10_24h,
    SO2_24h, NO2_24h, CO_24h, O3_24h = the day's largest hourly O3, O3_8h_24h = its largest
    8-hour mean). `is_match` compares at the published precision. The quality report counts the
    mismatches (suite air_unit_official_check). Empty without official files. -#}
{%- set hourly = {'AQI': 'aqi', 'PM2.5': 'pm2_5', 'PM10': 'pm10', 'SO2': 'so2', 'NO2': 'no2', 'CO': 'co', 'O3': 'o3'} %}
{%- set daily = {'PM2.5_24h': 'pm2_5_24h', 'PM10_24h': 'pm10_24h', 'SO2_24h': 'so2_24h',
                 'NO2_24h': 'no2_24h', 'CO_24h': 'co_24h', 'O3_24h': 'o3_1h_max', 'O3_8h_24h': 'o3_8h_max'} %}

with official as (
    select * from {{ ref('stg_air__unit_official') }}
),

unit_hourly as (
    select * from {{ ref('fct_air_unit_hourly') }}
),

unit_daily as (
    select * from {{ ref('fct_air_unit_daily') }}
),

hourly_long as (
    unpivot (
        select unit_code, timepoint, {{ hourly.values() | join(', ') }} from unit_hourly
    )
    on {{ hourly.values() | join(', ') }}
    into name measure value computed_value
),

daily_long as (
    unpivot (
        select unit_code, obs_date, {{ daily.values() | join(', ') }} from unit_daily
    )
    on {{ daily.values() | join(', ') }}
    into name measure value computed_value
),

hourly_checked as (
    select
        o.unit_code,
        'hour' as grain,
        o.timepoint,
        o.obs_date,
        o.published_type,
        h.measure,
        h.computed_value::decimal(18, 3) as computed_value,
        o.official_value,
        o.source_file,
        o.source_row
    from official as o
    inner join hourly_long as h
        on
            h.unit_code = o.unit_code
            and h.timepoint = o.timepoint
            and h.measure = case o.published_type
                {%- for t, m in hourly.items() %} when '{{ t }}' then '{{ m }}'{% endfor %}
            end
),

daily_checked as (
    select
        o.unit_code,
        'day' as grain,
        o.timepoint,
        o.obs_date,
        o.published_type,
        d.measure,
        d.computed_value::decimal(18, 3) as computed_value,
        o.official_value,
        o.source_file,
        o.source_row
    from official as o
    inner join daily_long as d
        on
            d.unit_code = o.unit_code
            and d.obs_date = o.obs_date
            and hour(o.timepoint) = 0
            and d.measure = case o.published_type
                {%- for t, m in daily.items() %} when '{{ t }}' then '{{ m }}'{% endfor %}
            end
),

final as (
    select
        *,
        computed_value = official_value as is_match,
        computed_value - official_value as difference
    from (
        select * from hourly_checked
        union all
        select * from daily_checked
    )
)

select * from final
