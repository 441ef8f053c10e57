{#- A cap never hides a wild input (issue 31): every rule's raw movement — before the item's cap,
    group caps and the bonus cap — stays within `raw_movement_limit` times the larger of the
    item's points, its rule's cap and 1 point. On the bundled samples the largest ratio is 2
    (ziyuan 21.1, two events); a value typed in the wrong unit gives thousands
    (400000 万元 on bonus B2: 加 3999.5 分 before a cap of 1.5). Returned rows stop the run
    naming scheme, unit, item, the raw movement and its source rows.
    Only movements counted from ledger rows (events, quantities, amounts: no measure) are held to
    the ratio. A measured value is judged by its own plausibility instead (air and water values by
    the standards' physical bounds at ingest, ledger amounts by registry_ledger_ranges): a step rule
    on a fine step legitimately moves far beyond its cap — seed 001 13(1) "每少于目标0.05个百分点
    扣0.3分，最高扣2分" gives 600 on a completion of 0 % (a mid-year as-of run), and 0.3 分 per
    0.1 μg/m³ gives 57 on January's PM2.5 mean of 48.1 against a target of 29.2. -#}
{{ config(meta={'dagster': {'ref': {'name': 'int_scoring__rule_movements'}}}) }}

with movements as (
    select * from {{ ref('int_scoring__rule_movements') }}
),

items as (
    select
        scheme_code,
        unit_code,
        item_code,
        greatest(points, coalesce((rule_params ->> 'cap')::decimal(18, 4), 0), 1) as reference
    from {{ ref('int_scoring__unit_items') }}
),

final as (
    select
        movements.scheme_code,
        movements.unit_code,
        movements.item_code,
        movements.rule_shape,
        movements.raw_points,
        items.reference,
        movements.source_keys,
        '指标 ' || movements.item_code || ' 的原始变动 ' || movements.raw_points
        || ' 分超过本项分值或上限 ' || items.reference || ' 的 {{ var("raw_movement_limit") }} 倍：'
        || '疑似数值或单位有误（封顶前检查），请核对来源行 ' || movements.source_keys as reason_zh
    from movements
    inner join items using (scheme_code, unit_code, item_code)
    where
        movements.measure_code is null
        and abs(movements.raw_points) > {{ var("raw_movement_limit") }} * items.reference
)

select * from final
