{#- Rule shape `all_or_nothing` (SPEC §4): the item's points when a confirmed event of the
    item's kinds shows it done, none otherwise. Seed 001 item 2(1): "完成自治区下达的淘汰落后产能
    和落后工艺装备目标任务，得1分，未完成不得分". evaluate_on: city — the unit's points depend on
    the city's own result, recorded under the city unit: 001 2(2)①: "桂林市完成自治区下达的年度
    考核指标，得1分，未完成各县（市、区）均不得分". extra_deduction — 001 7(1)②: "完成目标任务得3分，
    未完成不得分，另加扣2分" (beyond the item's points; the item's overflow takes it to the total). -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
    where rule_shape = 'all_or_nothing'
),

events as (
    select * from {{ ref('int_scoring__events') }}
    where status = 'confirmed'
),

evaluated as (
    select
        grid.*,
        coalesce(grid.rule_params ->> 'evaluate_on', 'unit') as evaluate_on,
        coalesce({{ param_num('extra_deduction') }}, 0) as extra_deduction,
        (
            select string_agg(e.ledger_row_id, ',' order by e.ledger_row_id)
            from events as e
            where
                e.scheme_code = grid.scheme_code
                and e.item_code = grid.item_code
                and e.unit_code = case grid.rule_params ->> 'evaluate_on'
                    when 'city' then grid.city_unit else grid.unit_code
                end
                and list_contains(
                    json_transform(grid.rule_params -> 'event_kinds', '["VARCHAR"]'), e.event_kind
                )
        ) as done_keys
    from grid
),

explained as (
    select
        * exclude (source_keys, points),
        done_keys as source_keys,
        'deduction' as movement_kind,
        case when done_keys is null then -(points + extra_deduction) else 0 end as points,
        case when done_keys is null then points + extra_deduction else 0 end as raw_points,
        0 as cap_cut,
        case
            when done_keys is not null and evaluate_on = 'city'
                then '市级指标已完成（' || done_keys || '）：得 ' || {{ fmt_num('points') }} || ' 分'
            when done_keys is not null
                then '已完成（' || done_keys || '）：得 ' || {{ fmt_num('points') }} || ' 分'
            when evaluate_on = 'city'
                then '未见市级指标完成记录，各县均不得分：扣 ' || {{ fmt_num('points') }} || ' 分'
            else '未见完成记录：不得分，扣 ' || {{ fmt_num('points') }} || ' 分'
        end || case
            when done_keys is null and extra_deduction > 0
                then '，另加扣 ' || {{ fmt_num('extra_deduction') }} || ' 分'
            else ''
        end as explanation_zh,
        'scored' as status
    from evaluated
),

final as (
    select {{ movement_columns() }} from explained
)

select * from final
