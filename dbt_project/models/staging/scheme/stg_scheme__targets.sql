with source as (
    select * from {{ source('raw_scoring', 'scheme_targets') }}
)

select * from source
