with source as (
    select * from {{ source('raw_air', 'air_stations') }}
),

renamed as (
    select
        ---------- ids
        upper(trim(stationcode)) as station_code,
        ---------- properties
        trim(positionname) as station_name,
        trim(area) as area,
        trim(level) as station_level,
        try_cast(longitude as double) as longitude,
        try_cast(latitude as double) as latitude,
        -- SPEC §2.2: whether a timestamp marks the start or the end of its hour is a property
        -- of the feed. CNEMC labels the end (timepoint 01:00 = the hour 00:00–01:00).
        coalesce(nullif(lower(trim(feed_hour_label)), ''), 'end') as feed_hour_label
    from source
)

select * from renamed
