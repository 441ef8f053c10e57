with source as (
    select * from {{ source('raw_air', 'air_station_districts') }}
),

renamed as (
    select distinct
        upper(trim(stationcode)) as station_code,
        trim(district_unit_code) as district_unit_code,
        trim(district_name) as district_name
    from source
)

select * from renamed
