with source as (
    select * from {{ source('raw_scoring', 'scheme_grades') }}
)

select * from source
