{#- For every unit (SPEC §4: 年度目标考核得分=各单项目标分值-扣分+加分, after composition):
    1. total = Σ item points − Σ deductions (within items and overflowing into the total,
       001 18(1)) − Σ points not credited for missing data − Σ points of items that do not apply
       + Σ bonuses (+ the 折算 of a converting scheme, issue 32), from fct_unit_item_scores;
    2. total = base points (应得分) + Σ points of every movement in fct_score_movements (rule
       movements and composition movements), so every lost or gained point is a row there;
    3. the caps the composition applied hold: bonuses ≤ the scheme's bonus cap (001 二、加分项:
       10), each group's deductions and bonuses ≤ its cap (001 18(2): 10);
    4. the unit's deductions, overflow and bonuses equal the items' sums (one meaning per name),
       and total = base points − points lost + bonuses (+ the 折算).
    Returns the units (or groups) where one fails. -#}
{# a Dagster asset check on the unit totals (a test of several models needs its asset named) #}
{{ config(meta={'dagster': {'ref': {'name': 'fct_unit_scores'}}}) }}

with units as (
    select * from {{ ref('fct_unit_scores') }}
),

items as (
    select
        scheme_code, unit_code,
        sum(points - not_applicable_points) as base_points,
        sum(deductions) as deductions,
        sum(overflow_deductions) as overflow_deductions,
        sum(bonuses) as bonuses,
        sum(points - deductions - missing_points - not_applicable_points - overflow_deductions + bonuses)
            as total_from_items
    from {{ ref('fct_unit_item_scores') }}
    group by all
),

moved as (
    select scheme_code, unit_code, sum(points) as moved
    from {{ ref('fct_score_movements') }}
    group by all
),

unit_failures as (
    select
        'unit total' as check_name, units.scheme_code, units.unit_code, null::varchar as group_code,
        units.total_score, items.total_from_items + units.conversion_points as total_from_items,
        units.base_points + coalesce(moved.moved, 0) as total_from_movements
    from units
    inner join items using (scheme_code, unit_code)
    left join moved using (scheme_code, unit_code)
    inner join {{ ref('stg_scheme__schemes') }} as schemes using (scheme_code)
    where abs(units.total_score - items.total_from_items - units.conversion_points) > 0.0001
        or abs(units.total_score - units.base_points - coalesce(moved.moved, 0)) > 0.0001
        or units.base_points <> items.base_points
        or units.deductions <> items.deductions
        or units.overflow_deductions <> items.overflow_deductions
        or units.total_score <> units.base_points - units.points_lost + units.bonuses + units.conversion_points
        or units.bonuses <> items.bonuses
        or units.bonuses > coalesce(schemes.bonus_cap, units.bonuses)
),

group_failures as (
    select
        'group cap' as check_name, s.scheme_code, s.unit_code, g.group_code,
        null::decimal(18, 4), sum(s.deductions + s.overflow_deductions), sum(s.bonuses)
    from {{ ref('fct_unit_item_scores') }} as s
    inner join {{ ref('stg_scheme__group_items') }} as gi using (scheme_code, item_code)
    inner join {{ ref('stg_scheme__groups') }} as g using (scheme_code, group_code)
    group by s.scheme_code, s.unit_code, g.group_code, g.deduction_cap, g.bonus_cap
    having sum(s.deductions + s.overflow_deductions) > coalesce(g.deduction_cap, 1e9) + 0.0001
        or sum(s.bonuses) > coalesce(g.bonus_cap, 1e9) + 0.0001
)

select * from unit_failures
union all
select * from group_failures
