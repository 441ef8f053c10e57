{#- Rule shape `proportional` (SPEC §4): points × completion rate (measure in %, at most
    100). Seed 001 item 5(4)①: "得0.8分，按完成比例得分"; with a floor, 001 6(2)②:
    "未完成的按实际完成项目的比例计分，完成率低于80%的，该项不得分". -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
    where rule_shape = 'proportional'
),

scored as (
    select
        *,
        {{ param_num('floor_pct') }} as floor_pct,
        case
            when measure_value is null then null
            when measure_value < coalesce({{ param_num('floor_pct') }}, 0) then 0
            else round(points * least(measure_value, 100) / 100, 4)
        end as item_score
    from grid
),

final as (
    select {{ movement_columns() }}
    from (
        select
            * exclude (points),
            'deduction' as movement_kind,
            coalesce(-(points - item_score), 0) as points,
            coalesce(points - item_score, 0) as raw_points,
            0 as cap_cut,
            case
                when measure_value is null then '数据缺失：无完成情况数据（完成数量、任务数量台账），本项无法评分'
                when measure_value < floor_pct
                    then
                        '完成率 ' || {{ fmt_num('measure_value') }} || '%，低于 ' || {{ fmt_num('floor_pct') }}
                        || '%：该项不得分，扣 ' || {{ fmt_num('points') }} || ' 分'
                else
                    '完成率 ' || {{ fmt_num('measure_value') }} || '%，按完成比例得 '
                    || {{ fmt_num('item_score') }} || ' 分，扣 ' || {{ fmt_num('points - item_score') }} || ' 分'
            end as explanation_zh,
            case when measure_value is null then 'missing' else 'scored' end as status
        from scored
    )
)

select * from final
