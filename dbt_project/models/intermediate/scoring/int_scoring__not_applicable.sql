{#- Items that do not apply to a unit (issue 32: not applicable is not missing), in the scheme's
    words (an item's `not_applicable`): no_task — seed 001 14(1) "（无治理面积任务的，此项不计分）",
    14(2) "（无项目投资计划任务的，此项不计分）": the unit's ledger records the task quantity as 0
    (任务数量, count_required rows summing to 0). No record at all is not this: the item stays
    数据缺失 (a gap is never a point, nor a reason to leave the base). One movement per such
    unit and item, moving nothing, status 'not_applicable'; int_scoring__rule_movements puts it
    in place of the rule's own rows, and composition applies the scheme's not_applicable policy
    (int_scoring__compose_conversion). -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
    where not_applicable_when is not null
),

tasks as (
    select * from {{ ref('int_scoring__ledger_measures') }}
    where measure_code = 'ledger.count_required'
),

explained as (
    select
        grid.* exclude (source_keys, points, measure_code, measure_value, target),
        'ledger.count_required' as measure_code,
        tasks.measure_value,
        null::decimal(18, 4) as target,
        tasks.source_keys,
        'not_applicable' as movement_kind,
        0 as points,
        0 as raw_points,
        0 as cap_cut,
        '不适用：任务数量台账记为 0（无此项任务），依方案“' || grid.not_applicable_text
        || '”，此项不计分' as explanation_zh,
        'not_applicable' as status
    from grid
    inner join tasks using (scheme_code, unit_code, item_code)
    where grid.not_applicable_when = 'no_task' and tasks.measure_value = 0
),

final as (
    select {{ movement_columns() }} from explained
)

select * from final
