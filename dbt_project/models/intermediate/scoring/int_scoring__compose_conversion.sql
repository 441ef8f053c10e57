{#- Composition step 8 (SPEC §4; fct_unit_scores): the scheme's not_applicable policy per unit
    (issue 32). An item that does not apply to a unit (status not_applicable) has left the unit's
    base: applicable_points (应得分) = full_points (满分) − not_applicable_points. exclude — the
    total is what the unit scored, out of its applicable points (001 14(1) 此项不计分);
    convert — 折算: the base items' score is scaled to the full points, 得分 ÷ 应得分 × 满分,
    conversion_points being what that adds (bonuses and deductions charged to the total are
    added after, unscaled). The conversion is shown on the unit's first not-applicable item
    (fct_score_movements). -#}

with items as (
    select * from {{ ref('int_scoring__compose_missing') }}
),

schemes as (
    select * from {{ ref('stg_scheme__schemes') }}
),

units as (
    select
        scheme_code,
        unit_code,
        sum(points)::decimal(18, 4) as full_points,
        sum(not_applicable_points)::decimal(18, 4) as not_applicable_points,
        count(*) filter (where status = 'not_applicable') as not_applicable_items,
        (sum(points) - sum(not_applicable_points))::decimal(18, 4) as applicable_points,
        sum(points - deductions - missing_points - not_applicable_points)::decimal(18, 4) as base_score,
        arg_min(item_code, item_order) filter (where status = 'not_applicable') as conversion_item_code
    from items
    group by all
),

final as (
    select
        units.*,
        schemes.not_applicable_policy,
        case
            when
                schemes.not_applicable_policy = 'convert' and units.not_applicable_points > 0
                and units.applicable_points > 0
                then round(units.base_score * units.full_points / units.applicable_points, 4) - units.base_score
            else 0
        end::decimal(18, 4) as conversion_points
    from units
    inner join schemes using (scheme_code)
)

select * from final
