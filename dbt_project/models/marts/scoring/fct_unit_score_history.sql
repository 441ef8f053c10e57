{#- Each unit's total, grade and rank in every assessment year with a published release, this
    run's year from its own scores (fct_unit_scores, 初步 until finalised) and every other year
    from its live release (定稿 once finalised, else 初步; raw.published_year_scores), with the
    change against the unit's previous assessed year. The dashboard's 历年得分与排名. -#}

with this_year as (
    select
        scores.unit_code,
        run.assessment_year,
        scores.scheme_code,
        scores.unit_name,
        scores.total_score,
        scores.grade,
        scores.score_rank,
        run.year_status,
        run.release_run_id
    from {{ ref('fct_unit_scores') }} as scores
    inner join {{ source('release_history', 'release_run') }} as run
        on run.assessment_year = scores.scheme_year
),

other_years as (
    select
        unit_code,
        assessment_year,
        scheme_code,
        unit_name,
        total_score,
        grade,
        score_rank,
        year_status,
        release_run_id
    from {{ source('release_history', 'published_year_scores') }}
    where assessment_year not in (select assessment_year from this_year)
),

years as (
    select * from this_year
    union all by name
    select * from other_years
),

final as (
    select
        ---------- ids
        unit_code::varchar as unit_code,
        assessment_year::integer as assessment_year,
        scheme_code::varchar as scheme_code,
        ---------- the year's result
        unit_name::varchar as unit_name,
        total_score::decimal(18, 4) as total_score,
        grade::varchar as grade,
        score_rank::integer as score_rank,
        year_status::varchar as year_status,
        release_run_id::varchar as release_run_id,
        ---------- against the unit's previous assessed year
        (total_score - lag(total_score) over by_unit)::decimal(18, 4) as total_change,
        (lag(score_rank) over by_unit - score_rank)::integer as rank_change
    from years
    window by_unit as (partition by unit_code order by assessment_year, scheme_code)
)

select * from final
