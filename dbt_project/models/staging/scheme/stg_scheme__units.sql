with source as (
    select * from {{ source('raw_scheme', 'scheme_units') }}
)

select * from source
