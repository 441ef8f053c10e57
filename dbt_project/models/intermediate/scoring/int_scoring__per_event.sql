{#- Rule shape `per_event` (SPEC §4): a fixed amount for every confirmed ledger event of the
    item's kinds, capped per item. Seed 001 item 2(3): "每发现1起扣0.2分，扣完1分为止".
    Variants: amount by severity class (001 10(2): 日处理规模100吨及以上扣1分，100吨以下扣0.5分),
    escalating repeats on the same evidence_ref (001 5(10): 同台锅炉第一次扣0.2分，第二次扣0.5分，
    第三次及以上扣1分). A row counts its `quantity` (火点2处 is two fire points, 001 5(2)②
    "每通报1处火点扣0.2分"; 每少1台扣0.1分, 001 5(4)②), repeats included; `per_quantity: false`
    counts each row once.
    Excused events (经自治区核实剔除的火点不扣分, 001 5(2)②) are shown, not counted.
    unless_city_completed: no deduction when the scheme's city has a confirmed completion on the
    named item — 001 4: "桂林市完成自治区下达目标的，各县（市、区）均得2分。桂林市未完成自治区下达目标
    情况下……每项扣0.5分". Highest clause only (按最高分项扣分, 001 18(1)/(2)): within a `highest_only` group, one
    issue (same evidence_ref) counts once, at its highest clause. Bonus items add instead.
    A confirmed row whose severity the item's `severity_amounts` does not list is counted at the
    base amount and flagged (status 'flagged', the listed severities in its explanation): a
    severity the scheme never priced is a gap to check, never silently a price ("a gap is never a
    point"; e.g. 001 21(1) prices 重特大 / 较大 / 一般 / 群体性事件 / 未及时成立处置指挥部).
    Nested caps, innermost first (issue 32): `clause_caps` caps one clause of the item, named by
    its severity class (001 10(4) 拨付率每低于一个百分点扣0.5分，最高扣2分), in event order; the
    item's `cap` then takes what the clauses left (001 10 未完成的按以下情形扣分，最高扣5分). -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
    where rule_shape = 'per_event'
),

events as (
    select * from {{ ref('int_scoring__events') }}
),

city_done as (
    -- the city's own completion record waives the item's deductions (001 4)
    select
        grid.scheme_code, grid.unit_code, grid.item_code,
        string_agg(e.ledger_row_id, ',' order by e.ledger_row_id) as city_done_keys
    from grid
    inner join events as e
        on
            e.scheme_code = grid.scheme_code and e.unit_code = grid.city_unit
            and e.item_code = grid.rule_params ->> 'unless_city_completed'
            and e.event_kind = 'task_completed' and e.status = 'confirmed'
    group by all
),

highest_groups as (
    select gi.scheme_code, gi.item_code, gi.group_code
    from {{ ref('stg_scheme__group_items') }} as gi
    inner join {{ ref('stg_scheme__groups') }} as g using (scheme_code, group_code)
    where g.highest_only
),

matched as (
    select
        grid.*,
        events.ledger_row_id,
        events.event_date,
        events.event_kind,
        coalesce(kind_labels.label_zh, events.event_kind) as event_label,
        events.severity,
        events.status,
        events.approval_ref,
        coalesce(events.evidence_ref, events.ledger_row_id) as issue_key,
        coalesce(events.quantity, 1) as quantity,
        {{ param_num('amount') }} as base_amount,
        coalesce({{ param_num('cap') }}, 1e9) as cap,
        coalesce((rule_params ->> 'per_quantity')::boolean, true) as per_quantity,
        city_done.city_done_keys
    from grid
    left join city_done using (scheme_code, unit_code, item_code)
    inner join events
        on
            events.scheme_code = grid.scheme_code
            and events.unit_code = grid.unit_code
            and events.item_code = grid.item_code
            and list_contains(
                json_transform(grid.rule_params -> 'event_kinds', '["VARCHAR"]'), events.event_kind
            )
    -- people read 火点, not fire_point (glossary: the one English↔Chinese list)
    left join {{ ref('glossary') }} as kind_labels on kind_labels.term = events.event_kind
),

occurrences as (
    select
        *,
        -- how many occurrences the row records (火点2处 → 2)
        case when per_quantity then quantity else 1 end as occurrences
    from matched
),

repeats as (
    select
        *,
        -- repeats are counted among confirmed occurrences on the same thing (同台锅炉)
        coalesce(sum(occurrences) filter (where status = 'confirmed') over (
            partition by scheme_code, unit_code, item_code, issue_key
            order by event_date, ledger_row_id rows between unbounded preceding and 1 preceding
        ), 0)::bigint as repeats_before,
        json_array_length(rule_params -> 'escalation') as escalation_steps
    from occurrences
),

amounts as (
    select
        *,
        (case
            when status <> 'confirmed' or city_done_keys is not null then 0
            when (rule_params -> 'severity_amounts' ->> severity) is not null
                then (rule_params -> 'severity_amounts' ->> severity)::decimal(18, 4) * occurrences
            -- the n-th occurrence on the same thing costs the n-th step (the last step after)
            when escalation_steps > 0
                then list_sum(list_transform(
                    range(1, ceil(occurrences)::bigint + 1),
                    lambda k: json_transform(rule_params -> 'escalation', '["DECIMAL(18,4)"]')[
                        least(repeats_before + k, escalation_steps)::bigint
                    ]
                ))
            else base_amount * occurrences
        end)::decimal(18, 4) as event_amount,
        -- a severity written on the row that the item's price list does not name
        status = 'confirmed' and city_done_keys is null and severity is not null
        and (rule_params -> 'severity_amounts') is not null
        and (rule_params -> 'severity_amounts' ->> severity) is null as severity_unlisted,
        array_to_string(json_keys(rule_params -> 'severity_amounts'), '、') as listed_severities
    from repeats
),

highest as (
    select
        amounts.*,
        hg.group_code as highest_group,
        case
            when hg.group_code is null or status <> 'confirmed' then 1
            else row_number() over (
                partition by
                    amounts.scheme_code, amounts.unit_code, hg.group_code, issue_key,
                    (status = 'confirmed')
                order by event_amount desc, item_order, ledger_row_id
            )
        end as clause_rank
    from amounts
    left join highest_groups as hg
        on hg.scheme_code = amounts.scheme_code and hg.item_code = amounts.item_code
),

counted as (
    select
        *,
        case when clause_rank = 1 then event_amount else 0 end as counted_amount,
        (rule_params -> 'clause_caps' ->> severity)::decimal(18, 4) as clause_cap
    from highest
),

clause_capped as (
    -- the clause's own cap first (innermost), over its events in date order
    select
        *,
        case
            when clause_cap is null then counted_amount
            else greatest(least(counted_amount, clause_cap - coalesce(sum(counted_amount) over (
                partition by scheme_code, unit_code, item_code, severity
                order by event_date, ledger_row_id rows between unbounded preceding and 1 preceding
            ), 0)), 0)
        end as clause_amount
    from counted
),

capped as (
    select
        *,
        coalesce(sum(clause_amount) over (
            partition by scheme_code, unit_code, item_code
            order by event_date, ledger_row_id rows between unbounded preceding and 1 preceding
        ), 0) as before_amount
    from clause_capped
),

applied as (
    select
        *,
        greatest(least(clause_amount, cap - before_amount), 0) as applied_points,
        case
            when status <> 'confirmed' or city_done_keys is not null then 'excused'
            when clause_rank > 1 then 'superseded'
            when item_kind = 'bonus' then 'bonus'
            else 'deduction'
        end as movement_kind
    from capped
),

event_rows as (
    select
        * exclude (source_keys, points, status),
        ledger_row_id as source_keys,
        counted_amount as raw_points,
        counted_amount - applied_points as cap_cut,
        case movement_kind when 'bonus' then applied_points else -applied_points end as points,
        strftime(event_date, '%Y-%m-%d') || ' ' || coalesce(severity || ' ', '') || event_label
        || case when occurrences <> 1 then ' ' || {{ fmt_num('occurrences') }} || ' 处（次）' else '' end
        || case
            when movement_kind = 'excused' and city_done_keys is not null
                then '：市级目标已完成（' || city_done_keys || '），各县均得分，不扣分'
            when movement_kind = 'excused'
                then '：已剔除（批准文号 ' || coalesce(approval_ref, '无') || '），不计分'
            when movement_kind = 'superseded'
                then '：同一事项按最高分项扣分，本项不重复扣分'
            else
                '：' || {{ verb('item_kind') }} || ' ' || {{ fmt_num('applied_points') }} || ' 分'
                || case
                    when counted_amount > clause_amount
                        then
                            '（本条款最高' || {{ verb('item_kind') }} || ' ' || {{ fmt_num('clause_cap') }}
                            || ' 分，封顶少' || {{ verb('item_kind') }} || ' '
                            || {{ fmt_num('counted_amount - clause_amount') }} || ' 分）'
                    else ''
                end
                || case
                    when clause_amount > applied_points
                        then
                            '（本项最高' || {{ verb('item_kind') }} || ' ' || {{ fmt_num('cap') }}
                            || ' 分，封顶少' || {{ verb('item_kind') }} || ' '
                            || {{ fmt_num('clause_amount - applied_points') }} || ' 分）'
                    else ''
                end
        end
        || case
            when severity_unlisted
                then
                    '；严重程度“' || severity || '”不在本项分档（' || listed_severities
                    || '）中，按基本' || {{ verb('item_kind') }} || '分计，待核实'
            else ''
        end as explanation_zh,
        case when severity_unlisted then 'flagged' else 'scored' end as status
    from applied
),

quiet_rows as (
    -- every rule evaluated leaves a row, even when nothing was recorded
    select
        grid.* exclude (source_keys, points),
        null::varchar as source_keys,
        case grid.item_kind when 'bonus' then 'bonus' else 'deduction' end as movement_kind,
        0 as points,
        0 as raw_points,
        0 as cap_cut,
        '无相关记录：不' || {{ verb('grid.item_kind') }} || '分' as explanation_zh,
        'scored' as status
    from grid
    anti join matched using (scheme_code, unit_code, item_code)
),

final as (
    select {{ movement_columns() }} from event_rows
    union all
    select {{ movement_columns() }} from quiet_rows
)

select * from final
