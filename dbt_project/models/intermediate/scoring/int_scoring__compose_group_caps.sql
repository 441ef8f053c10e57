{#- Composition step 2 (SPEC §4; fct_unit_item_scores): group caps, in item order — an item keeps
    what is left of its groups' caps after earlier items (001 18(2): "从总分中予以扣分，最高扣10分";
    bonus 5 最高加1.5分): capped_deductions, capped_bonuses; whether the item overflows into the
    total (its own flag or its group's); the pool (不设基础分) it is, if any. -#}

with summed as (
    select * from {{ ref('int_scoring__compose_movements') }}
),

groups as (
    select gi.scheme_code, gi.item_code, g.* exclude (scheme_code)
    from {{ ref('stg_scheme__group_items') }} as gi
    inner join {{ ref('stg_scheme__groups') }} as g using (scheme_code, group_code)
),

pool_items as (
    select
        scheme_code,
        item_code,
        list(charged_to order by charged_to) as charged_to_list,
        string_agg(charged_to, '、' order by charged_to) as charged_to_codes
    from {{ ref('stg_scheme__pools') }}
    group by all
),

grouped as (
    select
        s.scheme_code, s.unit_code, s.item_code,
        min(greatest(least(s.item_deductions, g.deduction_cap - coalesce(before.d, 0)), 0))
        filter (where g.deduction_cap is not null) as group_capped_deductions,
        min(greatest(least(s.item_bonuses, g.bonus_cap - coalesce(before.b, 0)), 0))
        filter (where g.bonus_cap is not null) as group_capped_bonuses,
        bool_or(g.overflow_to_total) as group_overflow,
        string_agg(g.group_code, ',') as group_codes
    from summed as s
    inner join groups as g on g.scheme_code = s.scheme_code and g.item_code = s.item_code
    left join lateral (
        select sum(s2.item_deductions) as d, sum(s2.item_bonuses) as b
        from summed as s2
        inner join groups as g2 on g2.scheme_code = s2.scheme_code and g2.item_code = s2.item_code
        where
            s2.scheme_code = s.scheme_code and s2.unit_code = s.unit_code
            and g2.group_code = g.group_code and s2.item_order < s.item_order
    ) as before on true
    group by all
),

capped as (
    select
        summed.*,
        grouped.group_codes,
        coalesce(grouped.group_capped_deductions, summed.item_deductions) as capped_deductions,
        coalesce(grouped.group_capped_bonuses, summed.item_bonuses) as capped_bonuses,
        summed.overflow_to_total or coalesce(grouped.group_overflow, false) as overflows,
        pool_items.item_code is not null as is_pool_item,
        pool_items.charged_to_list,
        pool_items.charged_to_codes
    from summed
    left join grouped using (scheme_code, unit_code, item_code)
    left join pool_items using (scheme_code, item_code)
)

select * from capped
