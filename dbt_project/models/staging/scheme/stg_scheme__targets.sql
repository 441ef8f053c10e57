with source as (
    select * from {{ source('raw_scheme', 'scheme_targets') }}
)

select * from source
