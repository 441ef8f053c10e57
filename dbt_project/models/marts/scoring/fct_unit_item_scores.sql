{#- Score of each unit on each scored item, after composition (SPEC §4):
    1. the item's rule movements (item caps already applied, int_scoring__rule_movements);
    2. group caps, in item order (001 18(2): "从总分中予以扣分，最高扣10分"; bonus 5 最高加1.5分);
    3. an item's score stays within [0, points]: deductions beyond its points come off the total
       when the item or its group overflows (001 18(1): "不够扣减的分数从总分中扣减":
       overflow_deductions), and are dropped otherwise (item_floor_cut);
    4. pools: an item without base points (不设基础分) is charged to the scores of its named
       siblings (a heading names all its scored sub-items), which take it in item order down to
       zero and never below (001 5(5)–(11): "从第（1）—（4）项得分中扣分"); pool items are charged
       in item order; what no sibling can hold overflows or is dropped (pool_floor_cut);
    5. a cooperating unit's share zeroed (000: 被通报2次以上的，本项不得分) is a rule movement;
    6. the bonus total cap (001 二、加分项: 加分上限不超过10分), in item order;
    7. missing data (status = 'missing': a rule of the item found no input — no measure value,
       no peer rank, no completion record): the item is credited none of its points, whatever
       the scheme's `missing_data` (flag | zero | block) says; missing_points holds what it
       would otherwise have kept. flag / block: shown as 数据缺失, the unit's result is
       incomplete (fct_unit_scores); zero: the scheme scores a gap as 0.
    score = points − deductions − missing_points (得分, within [0, points]); bonuses (加分) sit
    beside it and score_with_bonuses = score + bonuses; the unit total = Σ score_with_bonuses −
    Σ overflow. -#}

with recursive grid as (
    select * from {{ ref('int_scoring__unit_items') }}
),

movements as (
    select * from {{ ref('int_scoring__rule_movements') }}
),

schemes as (
    select * from {{ ref('stg_scoring__schemes') }}
),

groups as (
    select gi.scheme_code, gi.item_code, g.* exclude (scheme_code)
    from {{ ref('stg_scoring__group_items') }} as gi
    inner join {{ ref('stg_scoring__groups') }} as g using (scheme_code, group_code)
),

pool_items as (
    select
        scheme_code,
        item_code,
        list(charged_to order by charged_to) as charged_to_list,
        string_agg(charged_to, '、' order by charged_to) as charged_to_codes
    from {{ ref('stg_scoring__pools') }}
    group by all
),

self_scores as (
    select * from {{ ref('stg_scoring__self_scores') }}
),

summed as (
    select
        grid.scheme_code, grid.unit_code, grid.item_code,
        coalesce(-sum(m.points) filter (where m.points < 0), 0) as item_deductions,
        coalesce(sum(m.points) filter (where m.points > 0), 0) as item_bonuses,
        coalesce(bool_or(m.status = 'missing'), false) as is_missing,
        -- 'flagged': a rule scored an input it had to guess at (a ledger severity the item's
        -- price list does not name, int_scoring__per_event): scored, but to be checked
        coalesce(bool_or(m.status = 'flagged'), false) as is_flagged
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

capped as (
    select
        grid.*,
        summed.item_deductions,
        summed.item_bonuses,
        summed.is_missing,
        summed.is_flagged,
        grouped.group_codes,
        coalesce(grouped.group_capped_deductions, summed.item_deductions) as capped_deductions,
        coalesce(grouped.group_capped_bonuses, summed.item_bonuses) as capped_bonuses,
        grid.overflow_to_total or coalesce(grouped.group_overflow, false) as overflows,
        pool_items.item_code is not null as is_pool_item,
        pool_items.charged_to_list,
        pool_items.charged_to_codes
    from grid
    inner join summed using (scheme_code, unit_code, item_code)
    left join grouped using (scheme_code, unit_code, item_code)
    left join pool_items using (scheme_code, item_code)
),

own as (
    -- 3. what an item with base points takes itself, within [0, points]
    select
        *,
        case when is_pool_item then 0 else least(capped_deductions, points) end as own_deductions
    from capped
),

pool_steps as (
    -- 4. pool items, charged one after another in item order
    select
        scheme_code, unit_code, item_code as pool_item_code, capped_deductions as charge_wanted,
        charged_to_list,
        row_number() over (partition by scheme_code, unit_code order by item_order) as step
    from own
    where is_pool_item
),

rooms(scheme_code, unit_code, step, item_code, item_order, room, taken) as (
    -- what each item with base points still holds, after each pool step
    select scheme_code, unit_code, 0, item_code, item_order, points - own_deductions, 0::decimal(18, 4)
    from own
    where not is_pool_item and points > 0
    union all
    select
        scheme_code, unit_code, next_step, item_code, item_order,
        room - take, take
    from (
        select
            *,
            case when is_member then greatest(least(room,
                least(charge_wanted, sum(room) filter (where is_member) over unit_rooms)
                - coalesce(sum(room) filter (where is_member) over (unit_rooms order by item_order
                    rows between unbounded preceding and 1 preceding), 0)), 0)
            else 0 end::decimal(18, 4) as take
        from (
            select
                r.scheme_code, r.unit_code, r.item_code, r.item_order, r.room,
                p.step as next_step,
                p.charge_wanted,
                list_bool_or(list_transform(p.charged_to_list,
                    lambda c: r.item_code = c or starts_with(r.item_code, c || '.'))) as is_member
            from rooms as r
            inner join pool_steps as p
                on p.scheme_code = r.scheme_code and p.unit_code = r.unit_code and p.step = r.step + 1
        )
        window unit_rooms as (partition by scheme_code, unit_code)
    )
),

takes as (
    select rooms.scheme_code, rooms.unit_code, rooms.item_code, p.pool_item_code, rooms.taken
    from rooms
    inner join pool_steps as p using (scheme_code, unit_code, step)
    where rooms.taken > 0
),

received as (
    select scheme_code, unit_code, item_code,
        sum(taken) as pool_received,
        string_agg(pool_item_code, '、' order by pool_item_code) as received_from
    from takes
    group by all
),

charged as (
    select scheme_code, unit_code, pool_item_code as item_code, sum(taken) as pool_charged
    from takes
    group by all
),

composed as (
    select
        own.*,
        coalesce(received.pool_received, 0) as pool_received,
        received.received_from,
        coalesce(charged.pool_charged, 0) as pool_charged,
        case when is_pool_item then 0 else own_deductions + coalesce(received.pool_received, 0) end
            as deductions,
        case
            when not overflows then 0
            when is_pool_item then capped_deductions - coalesce(charged.pool_charged, 0)
            else capped_deductions - own_deductions
        end as overflow_deductions,
        item_deductions - capped_deductions as group_cap_cut,
        case when is_pool_item or overflows then 0 else capped_deductions - own_deductions end
            as item_floor_cut,
        case when is_pool_item and not overflows then capped_deductions - coalesce(charged.pool_charged, 0)
            else 0 end as pool_floor_cut
    from own
    left join received using (scheme_code, unit_code, item_code)
    left join charged using (scheme_code, unit_code, item_code)
),

bonus_capped as (
    -- 6. the bonus total cap, in item order
    select
        composed.*,
        case when schemes.bonus_cap is null then capped_bonuses
        else greatest(least(capped_bonuses, schemes.bonus_cap - coalesce(sum(capped_bonuses) over (
            partition by composed.scheme_code, composed.unit_code
            order by composed.item_order rows between unbounded preceding and 1 preceding), 0)), 0)
        end as bonuses,
        coalesce(schemes.missing_data, 'flag') as missing_data
    from composed
    inner join schemes using (scheme_code)
),

missing as (
    -- 7. an item without input keeps none of its points
    select
        *,
        case when is_missing then points - deductions else 0 end as missing_points
    from bonus_capped
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
        -- 得分 within [0, points]; 加分 beside it; the item adds score_with_bonuses to the total
        (b.points - b.deductions - b.missing_points)::decimal(18, 4) as score,
        (b.points - b.deductions - b.missing_points + b.bonuses)::decimal(18, 4) as score_with_bonuses,
        b.overflow_deductions::decimal(18, 4) as overflow_deductions,
        ss.self_score,
        ---------- data behind it: 'missing' when a rule of the item found no input, 'flagged'
        ---------- when one scored an input it had to guess at (待核实)
        case when b.is_missing then 'missing' when b.is_flagged then 'flagged' else 'scored' end
            as status,
        b.missing_points::decimal(18, 4) as missing_points,
        b.missing_data,
        ---------- how it composed
        b.group_codes,
        b.charged_to_codes as charged_to,
        b.pool_charged::decimal(18, 4) as pool_charged,
        b.pool_received::decimal(18, 4) as pool_received,
        b.received_from as pool_received_from,
        b.group_cap_cut::decimal(18, 4) as group_cap_cut,
        b.item_floor_cut::decimal(18, 4) as item_floor_cut,
        b.pool_floor_cut::decimal(18, 4) as pool_floor_cut,
        (b.capped_bonuses - b.bonuses)::decimal(18, 4) as bonus_cap_cut,
        (b.item_bonuses - b.capped_bonuses)::decimal(18, 4) as group_bonus_cap_cut,
        b.overflows as overflows_to_total,
        nullif(concat_ws('；',
            case when b.is_missing and b.missing_data = 'zero'
                then '数据缺失：按方案规定（missing_data: zero）本项计 0 分'
                when b.is_missing
                then '数据缺失：本项未计分（' || {{ fmt_num('b.missing_points') }} || ' 分待补充数据后重算）' end,
            case when b.group_cap_cut > 0
                then '组内最高扣分封顶（' || b.group_codes || '）少扣 ' || {{ fmt_num('b.group_cap_cut') }} || ' 分' end,
            case when b.item_floor_cut > 0
                then '扣至本项零分为止，少扣 ' || {{ fmt_num('b.item_floor_cut') }} || ' 分' end,
            case when b.is_pool_item and b.pool_charged > 0
                then '不设基础分，从第 ' || b.charged_to_codes || ' 项得分中扣减 '
                    || {{ fmt_num('b.pool_charged') }} || ' 分' end,
            case when b.pool_floor_cut > 0
                then '第 ' || b.charged_to_codes || ' 项得分已扣至零，少扣 ' || {{ fmt_num('b.pool_floor_cut') }} || ' 分' end,
            case when b.pool_received > 0
                then '承担不设基础分项目（第 ' || b.received_from || ' 项）的扣分 '
                    || {{ fmt_num('b.pool_received') }} || ' 分' end,
            case when b.overflow_deductions > 0
                then '不够扣减的 ' || {{ fmt_num('b.overflow_deductions') }} || ' 分从总分中扣减' end,
            case when b.item_bonuses > b.capped_bonuses
                then '本组最高加分封顶少加 ' || {{ fmt_num('b.item_bonuses - b.capped_bonuses') }} || ' 分' end,
            case when b.capped_bonuses > b.bonuses
                then '加分总分封顶少加 ' || {{ fmt_num('b.capped_bonuses - b.bonuses') }} || ' 分' end
        ), '') as composition_zh,
        ---------- source
        b.source_seed,
        b.source_item
    from missing as b
    left join self_scores as ss using (scheme_code, unit_code, item_code)
)

select * from final
