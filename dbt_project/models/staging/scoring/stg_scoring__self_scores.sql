with source as (
    select * from {{ source('raw_scoring', 'scoring_self_scores') }}
),

renamed as (
    select
        scheme_code,
        unit_code,
        item_code,
        self_score::decimal(18, 4) as self_score,
        source_file,
        source_row
    from source
)

select * from renamed
