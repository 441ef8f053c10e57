{#- Composition step 4 (SPEC §4; fct_unit_item_scores): pools — an item without base points
    (不设基础分) is charged to the scores of its named siblings (a heading names all its scored
    sub-items), which take it in item order down to zero and never below (001 5(5)–(11):
    "从第（1）—（4）项得分中扣分"); pool items are charged in item order; what no sibling can hold
    overflows or is dropped (pool_floor_cut). Sets deductions, overflow_deductions and the cuts
    (group_cap_cut, item_floor_cut, pool_floor_cut). (Step 5, a cooperating unit's share zeroed,
    is a rule movement.) -#}

with recursive own as (
    select * from {{ ref('int_scoring__compose_item_floor') }}
),

pool_steps as (
    -- pool items, charged one after another in item order
    select
        scheme_code, unit_code, item_code as pool_item_code, capped_deductions as charge_wanted,
        charged_to_list,
        row_number() over (partition by scheme_code, unit_code order by item_order) as step
    from own
    where is_pool_item
),

rooms (scheme_code, unit_code, step, item_code, item_order, room, taken) as (
    -- what each item with base points still holds, after each pool step
    select scheme_code, unit_code, 0, item_code, item_order, points - own_deductions, 0::decimal(18, 4)
    from own
    -- an item that does not apply to the unit holds nothing to charge (issue 32)
    where not is_pool_item and points > 0 and status <> 'not_applicable'
    union all
    select
        scheme_code, unit_code, next_step, item_code, item_order,
        room - take, take
    from (
        select
            *,
            case
                when is_member
                    then
                        greatest(least(
                            room,
                            least(charge_wanted, sum(room) filter (where is_member) over unit_rooms)
                            - coalesce(sum(room) filter (where is_member) over (
                                unit_rooms order by item_order
                                rows between unbounded preceding and 1 preceding
                            ), 0)
                        ), 0)
                else 0
            end::decimal(18, 4
            ) as take
        from (
            select
                r.scheme_code, r.unit_code, r.item_code, r.item_order, r.room,
                p.step as next_step,
                p.charge_wanted,
                list_bool_or(list_transform(
                    p.charged_to_list,
                    lambda c: r.item_code = c or starts_with(r.item_code, c || '.')
                )) as is_member
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
    select
        scheme_code, unit_code, item_code,
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
        case
            when is_pool_item and not overflows then capped_deductions - coalesce(charged.pool_charged, 0)
            else 0
        end as pool_floor_cut
    from own
    left join received using (scheme_code, unit_code, item_code)
    left join charged using (scheme_code, unit_code, item_code)
)

select * from composed
