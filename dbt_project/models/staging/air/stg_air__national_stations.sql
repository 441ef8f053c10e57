{#- The national station list (issue 33): one row per station, the newest list's row when
    several lists name it. `station_role`: 'background' when the list's 对照点 flag is Y (a
    background/control station — or one the list marks out of service — that never counts for
    its city: measured on 2023-01-20..22, counting them drops the city hourly PM2.5 match from
    100 % to 80 %), else 'city' (评价点, counted for its city). -#}
with source as (
    select * from {{ source('raw_air', 'air_national_stations') }}
),

renamed as (
    select
        ---------- ids
        upper(trim(stationcode)) as station_code,
        ---------- properties
        trim(positionname) as station_name,
        trim(city) as city,
        try_cast(longitude as double) as longitude,
        try_cast(latitude as double) as latitude,
        upper(trim(control_flag)) as control_flag,
        case when upper(trim(control_flag)) = 'Y' then 'background' else 'city' end as station_role,
        ---------- lineage
        source_file,
        source_row
    from source
    where nullif(trim(stationcode), '') is not null
),

final as (
    select *
    from renamed
    qualify row_number() over (partition by station_code order by source_file desc, source_row) = 1
)

select * from final
