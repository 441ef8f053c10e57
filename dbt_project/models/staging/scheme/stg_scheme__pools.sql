with source as (
    select * from {{ source('raw_scheme', 'scheme_pools') }}
)

select * from source
