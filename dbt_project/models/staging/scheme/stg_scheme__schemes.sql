with source as (
    select * from {{ source('raw_scheme', 'scheme_schemes') }}
)

select * from source
