{#- Unit-level daily values received as such (issue 33 item 5), one row per unit and day:
    - the unit-level feed files (raw.air_unit_feed: a county's or city's 日报 from the provincial
      platform), `feed_source` 'unit_feed';
    - CNEMC's national city files (stg_air__unit_official): a city's real-time daily values are
      the 24-hour types of the hour that closes the day (next day's 00:00), `feed_source`
      'national_city_file'. O3 is taken from the day's hours: its largest 8-hour mean is the
      largest hourly O3_8h of the windows ending 08:00 … 24:00 (HJ 663-2013 / GB 3095-2012 表4),
      its largest hourly value the largest hourly O3. The file's O3_8h_24h changed meaning during
      2023 (January: the day's largest 8-hour mean; December: no longer, O3_24h empty): the
      day's hours give the same value in January (339-city mean 90 μg/m³, as published) and the
      published one in December (82 μg/m³; O3_8h_24h gives 63).
    A unit-day computed from station hours wins over a fed one (int_air__unit_daily). A feed row
    whose date or unit cannot be read is left out here and listed by the quarantine. -#}
with feed as (
    select * from {{ source('raw_air', 'air_unit_feed') }}
),

official as (
    select * from {{ ref('stg_air__unit_official') }}
),

from_feed as (
    select
        trim(unit_code) as unit_code,
        coalesce(nullif(trim(unit_name), ''), trim(unit_code)) as unit_name,
        try_cast(trim(date) as date) as obs_date,
        {{ air_parse_value('pm2_5') }} as pm2_5_24h,
        {{ air_parse_value('pm10') }} as pm10_24h,
        {{ air_parse_value('so2') }} as so2_24h,
        {{ air_parse_value('no2') }} as no2_24h,
        {{ air_parse_value('co') }} as co_24h,
        {{ air_parse_value('o3_1h_max') }} as o3_1h_max,
        {{ air_parse_value('o3_8h_max') }} as o3_8h_max,
        'unit_feed' as feed_source
    from feed
),

from_city_files as (
    select
        unit_code,
        unit_code as unit_name,
        obs_date,
        max(official_value) filter (where published_type = 'PM2.5_24h') as pm2_5_24h,
        max(official_value) filter (where published_type = 'PM10_24h') as pm10_24h,
        max(official_value) filter (where published_type = 'SO2_24h') as so2_24h,
        max(official_value) filter (where published_type = 'NO2_24h') as no2_24h,
        max(official_value) filter (where published_type = 'CO_24h') as co_24h,
        'national_city_file' as feed_source
    from official
    where hour(timepoint) = 0 and published_type like '%\_24h' escape '\'
    group by unit_code, obs_date
),

-- the day's O3 from its hours (timepoints D 01:00 … D+1 00:00; 8-hour windows ending 08–24)
city_file_o3 as (
    select
        unit_code,
        obs_date,
        max(official_value) filter (where published_type = 'O3') as o3_1h_max,
        max(official_value) filter (
            where published_type = 'O3_8h' and (hour(timepoint) >= 8 or hour(timepoint) = 0)
        ) as o3_8h_max
    from official
    where published_type in ('O3', 'O3_8h')
    group by unit_code, obs_date
),

city_file_days as (
    select
        d.unit_code,
        d.unit_name,
        d.obs_date,
        d.pm2_5_24h,
        d.pm10_24h,
        d.so2_24h,
        d.no2_24h,
        d.co_24h,
        o.o3_1h_max,
        o.o3_8h_max,
        d.feed_source
    from from_city_files as d
    left join city_file_o3 as o using (unit_code, obs_date)
),

usable_feed as (
    select * from from_feed
    where unit_code is not null and unit_code != '' and obs_date is not null
),

final as (
    select * from usable_feed
    union all
    -- a unit-day in a feed file is taken from the file, not from the national city file
    select c.*
    from city_file_days as c
    anti join usable_feed as f using (unit_code, obs_date)
)

select * from final
