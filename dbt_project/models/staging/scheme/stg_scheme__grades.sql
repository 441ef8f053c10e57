with source as (
    select * from {{ source('raw_scheme', 'scheme_grades') }}
)

select * from source
