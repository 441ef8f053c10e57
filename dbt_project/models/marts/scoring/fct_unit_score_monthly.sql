{{ config(tags=['month_end_history']) }}
{#- Each unit's scores, rank and grade as of every month end of the assessment year so far
    (issue 35: "how did each unit's rank move month over month?"), with the change against the
    previous month end. Rows come from the month-end snapshots (ops.unit_score_month_ends),
    recorded once per month end by the run that first finds it past, re-scored as of that date
    (pipelines/lib/as_of.py: the scores a whole `ecoscore run --as-of` gives); a new month adds
    its rows, earlier months stay as recorded. Every points column means what it means in
    fct_unit_scores. rank_change > 0: the unit moved up. An as-of view shows the month ends up
    to its date. Built in a dbt step of its own, after the snapshots are recorded. -#}

with snapshots as (
    select * from {{ source('month_end_history', 'unit_score_month_ends') }}
    where
        scheme_year = {{ var('year') }}
        {% if var('as_of', '') -%}
            and month_end <= {{ as_of_date() }}
        {%- endif %}
),

final as (
    select
        ---------- ids
        scheme_code,
        scheme_year::integer as scheme_year,
        unit_code,
        month_end,
        month(month_end)::integer as obs_month,
        ---------- the unit's result as of the month end
        unit_name,
        base_points,
        deductions,
        overflow_deductions,
        deductions_with_overflow,
        bonuses,
        missing_points,
        points_lost,
        total_score,
        grade,
        score_rank,
        is_ranked,
        is_complete,
        missing_items,
        grade_note_zh,
        ---------- against the previous month end (null for the first)
        lag(month_end) over by_unit as previous_month_end,
        (total_score - lag(total_score) over by_unit)::decimal(18, 4) as total_change,
        (lag(score_rank) over by_unit - score_rank)::integer as rank_change,
        lag(grade) over by_unit as previous_grade,
        ---------- how it was recorded
        scheme_version,
        recorded_by_run,
        recorded_at
    from snapshots
    window by_unit as (partition by scheme_code, unit_code order by month_end)
)

select * from final
