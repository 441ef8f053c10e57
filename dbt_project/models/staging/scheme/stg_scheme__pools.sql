with source as (
    select * from {{ source('raw_scoring', 'scheme_pools') }}
)

select * from source
