with source as (
    select * from {{ source('raw_scheme', 'scheme_groups') }}
)

select * from source
