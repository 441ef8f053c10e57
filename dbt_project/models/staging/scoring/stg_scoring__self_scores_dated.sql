with source as (
    select * from {{ source('raw_scoring', 'scoring_self_scores') }}
),

renamed as (
    select
        scheme_code,
        unit_code,
        item_code,
        self_score::decimal(18, 4) as self_score,
        -- optional: the day the unit submitted it (cut by an as-of run when later)
        {{ parse_date('submitted_on') }} as submitted_on,
        source_file,
        source_row
    from source
)

-- a self score is known from its submission date; an undated one always (macros/ops/as_of.sql)
select *, submitted_on as known_on from renamed
