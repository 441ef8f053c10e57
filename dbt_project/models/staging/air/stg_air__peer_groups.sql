with source as (
    select * from {{ source('raw_air', 'air_peer_groups') }}
),

renamed as (
    select distinct
        trim(peer_group_code) as peer_group_code,
        trim(peer_group_name) as peer_group_name,
        trim(unit_code) as unit_code
    from source
)

select * from renamed
