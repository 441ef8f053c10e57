{#- Measures an item reads from its own ledger rows (measure codes `ledger.*`), per scheme ×
    unit × item: money spent in 万元 (seed 001 item 23(1), bonus 11), counts done and required,
    completion percentage (001 5(4)①: 按完成比例得分) and days late (003 三.16(7)④).
    Excused rows do not count. -#}

with events as (
    select * from {{ ref('int_scoring__events') }}
    where status = 'confirmed'
),

per_item as (
    select
        scheme_code,
        unit_code,
        item_code,
        sum(amount_yuan) filter (where event_kind = 'amount_spent') / 10000 as amount_wan,
        sum(quantity) filter (where event_kind = 'count_done') as count_done,
        sum(quantity) filter (where event_kind = 'count_required') as count_required,
        greatest(
            max(quantity) filter (where event_kind = 'days_late'),
            max(completed_date - deadline) filter (where event_kind = 'task_completed')
        ) as days_late,
        string_agg(ledger_row_id, ',' order by ledger_row_id) as source_keys
    from events
    group by scheme_code, unit_code, item_code
),

long as (
    select
        scheme_code, unit_code, item_code, 'ledger.amount_wan' as measure_code,
        amount_wan as measure_value, source_keys
    from per_item where amount_wan is not null
    union all
    select scheme_code, unit_code, item_code, 'ledger.count_done', count_done, source_keys
    from per_item where count_done is not null
    union all
    select scheme_code, unit_code, item_code, 'ledger.count_required', count_required, source_keys
    from per_item where count_required is not null
    union all
    select
        scheme_code, unit_code, item_code, 'ledger.completion_pct',
        100 * coalesce(count_done, 0) / count_required, source_keys
    from per_item where count_required > 0
    union all
    select scheme_code, unit_code, item_code, 'ledger.days_late', greatest(days_late, 0), source_keys
    from per_item where days_late is not null
),

final as (
    select
        scheme_code,
        unit_code,
        item_code,
        measure_code,
        round(measure_value, 4)::decimal(18, 4) as measure_value,
        source_keys
    from long
)

select * from final
