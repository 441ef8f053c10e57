{#- Each unit's total: Σ item points − deductions + bonuses (SPEC §4: 年度目标考核得分=各单项
    目标分值-扣分+加分), its grade by the scheme's thresholds and its rank (ties share a rank). -#}

with item_scores as (
    select * from {{ ref('fct_unit_item_scores') }}
),

grades as (
    select * from {{ ref('stg_scoring__grades') }}
),

totals as (
    select
        scheme_code,
        any_value(scheme_year) as scheme_year,
        unit_code,
        any_value(unit_name) as unit_name,
        sum(points)::decimal(18, 4) as base_points,
        sum(deductions)::decimal(18, 4) as deductions,
        sum(bonuses)::decimal(18, 4) as bonuses,
        sum(score)::decimal(18, 4) as total_score,
        bool_and(is_complete) as is_complete
    from item_scores
    group by scheme_code, unit_code
),

graded as (
    select
        totals.*,
        (
            select g.grade from grades as g
            where g.scheme_code = totals.scheme_code and totals.total_score >= g.min_score
            order by g.min_score desc
            limit 1
        ) as grade
    from totals
),

final as (
    select
        *,
        rank() over (partition by scheme_code order by total_score desc) as score_rank
    from graded
)

select * from final
