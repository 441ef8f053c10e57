with source as (
    select * from {{ source('raw_scoring', 'scheme_group_items') }}
)

select * from source
