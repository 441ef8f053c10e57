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
        {{ parse_date('published_on') }} as published_on,
        ---------- lineage
        source_file,
        source_row
    from source
)

-- a value is known from its publication date; an undated one all year (macros/ops/as_of.sql)
select *, published_on as known_on from renamed
