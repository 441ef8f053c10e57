{#- Rule shape `tiers` (SPEC §4): the first tier whose condition the measure meets gives the
    movement (signed). Seed 001 item 5(11)①: 除夕19点至初一6点 PM2.5 小时均值 "高于75微克/立方米
    的，扣1分，高于115微克/立方米的，扣2分，高于150微克/立方米的，扣3分" (tiers listed from the
    most severe); bonus 6⑦: "≤35微克/立方米的，加1分". -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
    where rule_shape = 'tiers'
),

tiers as (
    select
        grid.scheme_code, grid.unit_code, grid.item_code,
        t.tier_no,
        t.tier.op,
        t.tier.value::decimal(18, 4) as tier_value,
        t.tier.points::decimal(18, 4) as tier_points
    from grid,
        unnest(json_transform(grid.rule_params -> 'tiers', '[{"op":"VARCHAR","value":"DOUBLE","points":"DOUBLE"}]'))
        with ordinality as t (tier, tier_no)
),

matched as (
    select
        grid.*,
        (
            select t.op || '|' || t.tier_value::varchar || '|' || t.tier_points::varchar
            from tiers as t
            where
                t.scheme_code = grid.scheme_code and t.unit_code = grid.unit_code
                and t.item_code = grid.item_code
                and case t.op
                    when 'gt' then grid.measure_value > t.tier_value
                    when 'ge' then grid.measure_value >= t.tier_value
                    when 'lt' then grid.measure_value < t.tier_value
                    when 'le' then grid.measure_value <= t.tier_value
                    else grid.measure_value = t.tier_value
                end
            order by t.tier_no
            limit 1
        ) as hit
    from grid
),

explained as (
    select
        *,
        coalesce(split_part(hit, '|', 3)::decimal(18, 4), 0) as moved,
        case
            when split_part(hit, '|', 3)::decimal(18, 4) > 0 then 'bonus' else
                case item_kind when 'bonus' then 'bonus' else 'deduction' end
        end as movement_kind,
        case split_part(hit, '|', 1)
            when 'gt' then '高于' when 'ge' then '不低于' when 'lt' then '低于' when 'le' then '不高于'
            else '等于'
        end as op_zh
    from matched
),

final as (
    select {{ movement_columns() }}
    from (
        select
            * exclude (points),
            moved as points,
            abs(moved) as raw_points,
            0 as cap_cut,
            case
                when measure_value is null then '数据缺失：' || measure_label || ' 无数据，本项无法评分'
                when hit is null
                    then
                        measure_label || ' ' || {{ fmt_num('measure_value') }} || measure_unit
                        || '，未达到任何计分档：不计分'
                else
                    measure_label || ' ' || {{ fmt_num('measure_value') }} || measure_unit || '，'
                    || op_zh || ' ' || {{ fmt_num("split_part(hit, '|', 2)") }} || '：'
                    || case when moved < 0 then '扣 ' else '加 ' end || {{ fmt_num('abs(moved)') }} || ' 分'
            end as explanation_zh,
            case when measure_value is null then 'missing' else 'scored' end as status
        from explained
    )
)

select * from final
