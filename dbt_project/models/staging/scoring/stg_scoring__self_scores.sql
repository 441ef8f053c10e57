{{ config(tags=['as_of']) }}
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
        try_strptime(trim(submitted_on), ['%Y-%m-%d', '%Y/%m/%d'])::date as submitted_on,
        source_file,
        source_row
    from source
)

select * from renamed
where {{ known_as_of('submitted_on') }}
