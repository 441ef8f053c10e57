with source as (
    select * from {{ source('raw_scoring', 'scheme_units') }}
)

select * from source
