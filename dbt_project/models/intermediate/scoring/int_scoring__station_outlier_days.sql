{#- Rule shape `station_outlier_days` (SPEC §4). Seed 001 item 5(1)⑤: "当全市发生污染天时，
    单个国控站点日均值较高（高出其他站点平均值5%以上），拉高全市平均值，导致全市污染，则每出现
    1天，扣该站点所在辖区1分，扣分不封顶". The day count is the air domain's measure
    (air.station_outlier_days); its source keys are the station-days. -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
    where rule_shape = 'station_outlier_days'
),

computed as (
    select
        *,
        {{ param_num('amount_per_day') }} as amount_per_day,
        {{ param_num('cap') }} as cap,
        measure_value * {{ param_num('amount_per_day') }} as raw_amount
    from grid
),

final as (
    select {{ movement_columns() }}
    from (
        select
            * exclude (points),
            'deduction' as movement_kind,
            -coalesce(least(raw_amount, coalesce(cap, raw_amount)), 0) as points,
            coalesce(raw_amount, 0) as raw_points,
            coalesce(raw_amount - least(raw_amount, coalesce(cap, raw_amount)), 0) as cap_cut,
            case
                when measure_value is null then '数据缺失：站点异常高值天数 无数据，本项无法评分'
                when measure_value = 0 then '全市污染天中无本辖区国控站点异常偏高：不扣分'
                else
                    '全市污染天中本辖区国控站点日均值高出其他站点平均值5%以上共 '
                    || {{ fmt_num('measure_value') }} || ' 天，每天扣 ' || {{ fmt_num('amount_per_day') }}
                    || ' 分' || case when cap is null then '，扣分不封顶' else '' end || '：扣 '
                    || {{ fmt_num('least(raw_amount, coalesce(cap, raw_amount))') }} || ' 分'
            end as explanation_zh,
            case when measure_value is null then 'missing' else 'scored' end as status
        from computed
    )
)

select * from final
