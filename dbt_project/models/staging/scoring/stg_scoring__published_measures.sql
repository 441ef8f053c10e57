{{ config(tags=['as_of']) }}
{#- Published measure values (data/raw/measures/*.csv): one unit's annual value of a measure
    code, with who published it. Scoring uses them only where no domain mart has the measure. -#}

with source as (
    select * from {{ source('raw_scoring', 'scoring_published_measures') }}
),

renamed as (
    select
        ---------- ids
        trim(unit_code) as unit_code,
        year::integer as measure_year,
        trim(measure_code) as measure_code,
        ---------- as published
        value::decimal(18, 4) as measure_value,
        published_by,
        -- optional: the day it was published (an as-of run cuts values published after it;
        -- an undated value is taken as known all year, and fct_as_of_cuts says so)
        try_strptime(trim(published_on), ['%Y-%m-%d', '%Y/%m/%d'])::date as published_on,
        ---------- lineage
        source_file,
        source_row
    from source
)

select * from renamed
where {{ known_as_of('published_on') }}
