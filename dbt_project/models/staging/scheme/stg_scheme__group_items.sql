with source as (
    select * from {{ source('raw_scheme', 'scheme_group_items') }}
)

select * from source
