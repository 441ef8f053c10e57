{#- Rule shape `lateness` (SPEC §4). Seed 003 item 三.16(7)④: on time full points; 1–30 days
    late, a deduction proportional to the days, up to 50 % of the points; more than 30 days
    late, 80 %. Days late come from the item's ledger (ledger.days_late: completed_date −
    deadline, or a days_late row); no such row at all is missing data, not "on time". -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
    where rule_shape = 'lateness'
),

computed as (
    select
        *,
        (rule_params ->> 'within_days')::integer as within_days,
        {{ param_num('within_share') }} as within_share,
        {{ param_num('beyond_share') }} as beyond_share,
        case
            when measure_value is null or measure_value <= 0 then 0
            when measure_value <= (rule_params ->> 'within_days')::integer
                then round(
                    points * {{ param_num('within_share') }} * measure_value
                    / (rule_params ->> 'within_days')::integer, 4
                )
            else round(points * {{ param_num('beyond_share') }}, 4)
        end as amount
    from grid
),

final as (
    select {{ movement_columns() }}
    from (
        select
            * exclude (points),
            'deduction' as movement_kind,
            -amount as points,
            amount as raw_points,
            0 as cap_cut,
            case
                when measure_value is null
                    then '数据缺失：无任务完成记录（完成日期、截止日期或逾期天数），无法判断是否按时完成'
                when measure_value <= 0 then '按时完成：不扣分'
                when measure_value <= within_days
                    then
                        '逾期 ' || {{ fmt_num('measure_value') }} || ' 天（' || within_days
                        || ' 天以内按比例，最多扣 ' || {{ fmt_num('within_share * 100') }} || '%）：扣 '
                        || {{ fmt_num('amount') }} || ' 分'
                else
                    '逾期 ' || {{ fmt_num('measure_value') }} || ' 天，超过 ' || within_days
                    || ' 天，扣 ' || {{ fmt_num('beyond_share * 100') }} || '%：扣 ' || {{ fmt_num('amount') }} || ' 分'
            end as explanation_zh,
            case when measure_value is null then 'missing' else 'scored' end as status
        from computed
    )
)

select * from final
