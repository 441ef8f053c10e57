with source as (
    select * from {{ source('raw_scheme', 'scheme_peer_groups') }}
)

select * from source
