{#- Every station the feed may name: the registry (data/raw/registry/stations.csv) and the
    national station list (stg_air__national_stations); the registry's row wins for a station in
    both. `station_role` (issue 33): 'city' (评价点, counts for its unit) or 'background'
    (对照点: the national list's flag Y, or a registry level naming 对照/背景); a background
    station is never counted for a unit. -#}
with source as (
    select * from {{ source('raw_air', 'air_stations') }}
),

national as (
    select * from {{ ref('stg_air__national_stations') }}
),

registry as (
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
),

final as (
    select
        registry.*,
        case
            when registry.station_level similar to '.*(对照|背景).*' then 'background'
            when national.station_role is not null then national.station_role
            else 'city'
        end as station_role
    from registry
    left join national using (station_code)
    union all
    select
        national.station_code,
        national.station_name,
        national.city as area,
        '国控' as station_level,
        national.longitude,
        national.latitude,
        -- the national archive labels the end of the hour (CNEMC)
        'end' as feed_hour_label,
        national.station_role
    from national
    where national.station_code not in (select station_code from registry)
)

select * from final
