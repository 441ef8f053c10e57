{#- CNEMC's official city values (the national city day files, raw.air_unit_official), parsed:
    one row per city, hour and published type. `unit_code` is the city as the file names it
    (the national station list names the same cities, stg_air__unit_stations). The file's `hour`
    is the timepoint (CNEMC labels the end of the hour: hour 0 of day D+1 closes day D, and its
    24-hour columns are day D's real-time daily values). -#}
with source as (
    select * from {{ source('raw_air', 'air_unit_official') }}
),

parsed as (
    select
        ---------- ids
        trim(unit_name) as unit_code,
        try_strptime(trim(date), '%Y%m%d') + to_hours(try_cast(trim(hour) as integer)) as timepoint,
        trim(type) as published_type,
        ---------- value
        {{ air_parse_value('value') }} as official_value,
        ---------- lineage
        source_file,
        source_row
    from source
),

final as (
    select
        *,
        (timepoint - interval 1 hour)::date as obs_date
    from parsed
    where timepoint is not null and official_value is not null
)

select * from final
