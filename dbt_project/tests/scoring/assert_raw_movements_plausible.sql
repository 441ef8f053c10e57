{#- A cap never hides a wild input (issue 31): every rule's raw movement — before the item's cap,
    group caps and the bonus cap — stays within `raw_movement_limit` times the larger of the
    item's points, its rule's cap and 1 point. On the bundled samples the largest ratio is 4
    (qinzhou 1.4, station outlier days); a value typed in the wrong unit gives thousands
    (400000 万元 on bonus B2: 加 3999.5 分 before a cap of 1.5). Returned rows stop the run
    naming scheme, unit, item, the raw movement and its source rows. -#}
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
    where abs(movements.raw_points) > {{ var("raw_movement_limit") }} * items.reference
)

select * from final
