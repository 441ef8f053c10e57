with source as (
    select * from {{ source('raw_air', 'air_unit_stations') }}
),

renamed as (
    select distinct
        trim(unit_code) as unit_code,
        trim(unit_name) as unit_name,
        upper(trim(stationcode)) as station_code
    from source
)

select * from renamed
