with source as (
    select * from {{ source('raw_scoring', 'scheme_schemes') }}
)

select * from source
