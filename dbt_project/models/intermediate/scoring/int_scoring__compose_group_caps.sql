{#- Composition step 2 (SPEC §4; fct_unit_item_scores): group caps, in item order — an item keeps
    what is left of its group's cap after earlier items (001 18(2): "从总分中予以扣分，最高扣10分";
    bonus 5 最高加1.5分): capped_deductions, capped_bonuses. Nested caps apply innermost first
    (issue 32): each rule's own cap is already applied (the rule models; a per_event clause cap
    before its item cap), then the groups by the scope their cap belongs to — clause groups
    (001 加分项(6)② 4项指标…最多加1分, over its four indicator items), item groups, section
    groups — each on what the narrower ones left; the scheme's bonus cap is step 6. Also: whether
    the item overflows into the total (its own flag or its group's); the pool (不设基础分) it is,
    if any. -#}

{% set scopes = ['clause', 'item', 'section'] %}

with summed as (
    select * from {{ ref('int_scoring__compose_movements') }}
),

groups as (
    select
        gi.scheme_code, gi.item_code, g.* exclude (scheme_code),
        -- the loader requires a capped group's scope; were one missing, the cap still applies (outermost)
        coalesce(g.cap_scope, 'section') as cap_level
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

stage_0 as (
    select scheme_code, unit_code, item_code, item_order, item_deductions as d, item_bonuses as b
    from summed
),

{% for scope in scopes %}
    limits_{{ scope }} as (
        -- the {{ scope }} groups' caps, on what the narrower caps left (stage_{{ loop.index0 }})
        select
            s.scheme_code, s.unit_code, s.item_code,
            min(greatest(least(s.d, g.deduction_cap - coalesce(before.d, 0)), 0))
            filter (where g.deduction_cap is not null) as d,
            min(greatest(least(s.b, g.bonus_cap - coalesce(before.b, 0)), 0))
            filter (where g.bonus_cap is not null) as b
        from stage_{{ loop.index0 }} as s
        inner join groups as g
            on g.scheme_code = s.scheme_code and g.item_code = s.item_code and g.cap_level = '{{ scope }}'
        left join lateral (
            select sum(s2.d) as d, sum(s2.b) as b
            from stage_{{ loop.index0 }} as s2
            inner join groups as g2 on g2.scheme_code = s2.scheme_code and g2.item_code = s2.item_code
            where
                s2.scheme_code = s.scheme_code and s2.unit_code = s.unit_code
                and g2.group_code = g.group_code and s2.item_order < s.item_order
        ) as before on true
        group by all
    ),

    stage_{{ loop.index }} as (
        select
            s.scheme_code, s.unit_code, s.item_code, s.item_order,
            coalesce(l.d, s.d) as d,
            coalesce(l.b, s.b) as b
        from stage_{{ loop.index0 }} as s
        left join limits_{{ scope }} as l using (scheme_code, unit_code, item_code)
    ),
{% endfor %}

grouped as (
    select
        s.scheme_code, s.unit_code, s.item_code,
        bool_or(g.overflow_to_total) as group_overflow,
        string_agg(g.group_code, ',' order by g.group_code) as group_codes
    from summed as s
    inner join groups as g on g.scheme_code = s.scheme_code and g.item_code = s.item_code
    group by all
),

capped as (
    select
        summed.*,
        grouped.group_codes,
        last_stage.d as capped_deductions,
        last_stage.b as capped_bonuses,
        summed.overflow_to_total or coalesce(grouped.group_overflow, false) as overflows,
        pool_items.item_code is not null as is_pool_item,
        pool_items.charged_to_list,
        pool_items.charged_to_codes
    from summed
    inner join stage_{{ scopes | length }} as last_stage using (scheme_code, unit_code, item_code)
    left join grouped using (scheme_code, unit_code, item_code)
    left join pool_items using (scheme_code, item_code)
)

select * from capped
