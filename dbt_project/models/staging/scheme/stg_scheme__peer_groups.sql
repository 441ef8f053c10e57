with source as (
    select * from {{ source('raw_scoring', 'scheme_peer_groups') }}
)

select * from source
