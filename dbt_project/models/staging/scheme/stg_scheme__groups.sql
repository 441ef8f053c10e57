with source as (
    select * from {{ source('raw_scoring', 'scheme_groups') }}
)

select * from source
