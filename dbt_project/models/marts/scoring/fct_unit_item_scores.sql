{#- Score of each unit on each scored item, after composition (SPEC §4):
    1. the item's movements (item caps already applied, fct_score_movements);
    2. group caps, in item order (001 18(2): "从总分中予以扣分，最高扣10分"; bonus 5 最高加1.5分);
    3. an item never below zero, unless its deductions overflow into the total (001 18(1):
       "不够扣减的分数从总分中扣减");
    4. pools: items without base points (不设基础分) charged to named siblings, never below
       zero for the group (001 5(5)–(11): "从第（1）—（4）项得分中扣分");
    5. a cooperating unit's share zeroed (000: 被通报2次以上的，本项不得分) is a movement already;
    6. the bonus total cap (001 二、加分项: 加分上限不超过10分), in item order.
    score = points − deductions + bonuses, so Σ score = base − deductions + bonuses per unit. -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
),

movements as (
    select * from {{ ref('fct_score_movements') }}
),

schemes as (
    select * from {{ ref('stg_scoring__schemes') }}
),

groups as (
    select gi.scheme_code, gi.item_code, g.*  exclude (scheme_code)
    from {{ ref('stg_scoring__group_items') }} as gi
    inner join {{ ref('stg_scoring__groups') }} as g using (scheme_code, group_code)
),

pools as (
    select * from {{ ref('stg_scoring__pools') }}
),

self_scores as (
    select * from {{ ref('stg_scoring__self_scores') }}
),

summed as (
    select
        grid.scheme_code, grid.unit_code, grid.item_code,
        coalesce(-sum(m.points) filter (where m.points < 0), 0) as item_deductions,
        coalesce(sum(m.points) filter (where m.points > 0), 0) as item_bonuses,
        coalesce(bool_and(m.explanation_zh not like '%缺少%'), true) as is_complete
    from grid
    left join movements as m using (scheme_code, unit_code, item_code)
    group by all
),

grouped as (
    -- 2. group caps: an item keeps what is left of its groups' caps after earlier items
    select
        s.scheme_code, s.unit_code, s.item_code,
        min(greatest(least(s.item_deductions, g.deduction_cap - coalesce(before.d, 0)), 0))
            filter (where g.deduction_cap is not null) as group_capped_deductions,
        min(greatest(least(s.item_bonuses, g.bonus_cap - coalesce(before.b, 0)), 0))
            filter (where g.bonus_cap is not null) as group_capped_bonuses,
        bool_or(g.overflow_to_total) as group_overflow,
        string_agg(g.group_code, ',') as group_codes
    from summed as s
    inner join grid as gr using (scheme_code, unit_code, item_code)
    inner join groups as g on g.scheme_code = s.scheme_code and g.item_code = s.item_code
    left join lateral (
        select sum(s2.item_deductions) as d, sum(s2.item_bonuses) as b
        from summed as s2
        inner join grid as gr2 using (scheme_code, unit_code, item_code)
        inner join groups as g2 on g2.scheme_code = s2.scheme_code and g2.item_code = s2.item_code
        where s2.scheme_code = s.scheme_code and s2.unit_code = s.unit_code
            and g2.group_code = g.group_code and gr2.item_order < gr.item_order
    ) as before on true
    group by all
),

floored as (
    -- 3. never below zero, unless the item or its group overflows into the total
    select
        grid.*,
        summed.item_deductions,
        summed.item_bonuses,
        summed.is_complete,
        grouped.group_codes,
        coalesce(grouped.group_capped_deductions, summed.item_deductions) as capped_deductions,
        coalesce(grouped.group_capped_bonuses, summed.item_bonuses) as capped_bonuses,
        grid.overflow_to_total or coalesce(grouped.group_overflow, false) as overflows,
        exists (select 1 from pools as p where p.scheme_code = grid.scheme_code
                and p.item_code = grid.item_code) as is_pool_item
    from grid
    inner join summed using (scheme_code, unit_code, item_code)
    left join grouped using (scheme_code, unit_code, item_code)
),

own as (
    select
        *,
        case
            when is_pool_item then 0
            when overflows then capped_deductions
            else least(capped_deductions, points)
        end as own_deductions
    from floored
),

pool_keys as (
    select scheme_code, item_code, string_agg(charged_to, ',' order by charged_to) as pool_key
    from pools
    group by all
),

pool_room as (
    -- what the named siblings still hold, per unit and pool
    select k.scheme_code, o.unit_code, k.pool_key,
        sum(greatest(o.points - o.own_deductions, 0)) as room
    from (select distinct scheme_code, pool_key from pool_keys) as k
    inner join own as o
        on o.scheme_code = k.scheme_code and list_contains(string_split(k.pool_key, ','), o.item_code)
    group by all
),

pooled as (
    -- 4. pool items take, in item order, what the siblings still hold
    select
        own.*,
        pool_keys.pool_key,
        case when own.is_pool_item then greatest(least(own.capped_deductions,
            coalesce(pool_room.room, 0) - coalesce(sum(own.capped_deductions) over (
                partition by own.scheme_code, own.unit_code, pool_keys.pool_key
                order by own.item_order rows between unbounded preceding and 1 preceding), 0)), 0)
        else own.own_deductions end as deductions
    from own
    left join pool_keys using (scheme_code, item_code)
    left join pool_room using (scheme_code, unit_code, pool_key)
),

bonus_capped as (
    -- 6. the bonus total cap, in item order
    select
        pooled.*,
        case when schemes.bonus_cap is null then capped_bonuses
        else greatest(least(capped_bonuses, schemes.bonus_cap - coalesce(sum(capped_bonuses) over (
            partition by pooled.scheme_code, pooled.unit_code
            order by pooled.item_order rows between unbounded preceding and 1 preceding), 0)), 0)
        end as bonuses
    from pooled
    inner join schemes using (scheme_code)
),

final as (
    select
        ---------- ids
        b.scheme_code,
        b.scheme_year,
        b.unit_code,
        b.unit_name,
        b.item_code,
        b.item_order,
        b.parent_code,
        b.item_name,
        b.item_kind,
        b.unit_role,
        ---------- points
        b.points,
        b.item_deductions::decimal(18, 4) as deductions_before_composition,
        b.deductions::decimal(18, 4) as deductions,
        b.item_bonuses::decimal(18, 4) as bonuses_before_composition,
        b.bonuses::decimal(18, 4) as bonuses,
        (b.points - b.deductions + b.bonuses)::decimal(18, 4) as score,
        ss.self_score,
        b.is_complete,
        ---------- how it composed
        b.group_codes,
        b.pool_key as charged_to,
        b.overflows as overflows_to_total,
        concat_ws('；',
            case when b.is_pool_item then '不设基础分，从第 ' || b.pool_key || ' 项得分中扣减 '
                || {{ fmt_num('b.deductions') }} || ' 分' end,
            case when b.item_deductions > b.deductions and not b.is_pool_item
                then '组合规则少扣 ' || {{ fmt_num('b.item_deductions - b.deductions') }} || ' 分' end,
            case when b.overflows and b.deductions > b.points
                then '超出本项分值的 ' || {{ fmt_num('b.deductions - b.points') }} || ' 分从总分中扣减' end,
            case when b.item_bonuses > b.bonuses
                then '加分封顶少加 ' || {{ fmt_num('b.item_bonuses - b.bonuses') }} || ' 分' end
        ) as composition_zh,
        ---------- source
        b.source_seed,
        b.source_item
    from bonus_capped as b
    left join self_scores as ss using (scheme_code, unit_code, item_code)
)

select * from final
