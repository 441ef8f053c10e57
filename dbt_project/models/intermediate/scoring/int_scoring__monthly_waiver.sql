{#- Rule shape `monthly_waiver` (SPEC §4). Seed 003 item 一.1: a deduction for every month a
    section misses its target (more for a month at 劣V), all monthly deductions waived when the
    annual mean meets the target; a bonus per class improved year on year, capped. The three
    monthly counts and the improvement are measures of the water domain, named in the rule.
    When the counts are the charged ones (sections meeting target left out), the optional
    months_below_all_measure / months_worst_all_measure count every month off target, so the
    sentence shows the waived months as waived (免扣), never as 各月均达到目标. -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
    where rule_shape = 'monthly_waiver'
),

measures as (
    select * from {{ ref('int_scoring__measures') }}
),

looked_up as (
    select
        grid.*,
        below.measure_value as months_below,
        worst.measure_value as months_worst,
        met.measure_value as annual_met,
        improved.measure_value as classes_improved,
        below_all.measure_value as months_below_all,
        worst_all.measure_value as months_worst_all,
        concat_ws(',', below.source_keys, worst.source_keys, met.source_keys) as month_keys,
        {{ param_num('per_month') }} as per_month,
        {{ param_num('per_worst_month') }} as per_worst_month,
        coalesce({{ param_num('cap') }}, grid.points) as cap,
        coalesce({{ param_num('per_class_improved') }}, 0) as per_class,
        coalesce({{ param_num('bonus_cap') }}, 1e9) as bonus_cap,
        -- the rule names an annual-mean measure the unit has no value of: no waiver can be judged
        (grid.rule_params ->> 'annual_met_measure') is not null and met.measure_value is null
            as annual_met_missing
    from grid
    {% for alias, param in [('below', 'months_below_measure'), ('worst', 'months_worst_measure'),
                            ('met', 'annual_met_measure'), ('improved', 'improvement_measure'),
                            ('below_all', 'months_below_all_measure'),
                            ('worst_all', 'months_worst_all_measure')] %}
        left join measures as {{ alias }}
            on
                {{ alias }}.unit_code = grid.unit_code and {{ alias }}.measure_year = grid.scheme_year
                and {{ alias }}.measure_code = grid.rule_params ->> '{{ param }}'
    {% endfor %}
),

computed as (
    select
        *,
        per_month * (months_below - coalesce(months_worst, 0)) + per_worst_month * coalesce(months_worst, 0)
            as monthly_points,
        least(coalesce(classes_improved, 0) * per_class, bonus_cap) as bonus_points,
        coalesce(classes_improved, 0) * per_class as bonus_raw,
        -- months off target whose section met its annual target: waived (月度扣分免扣)
        greatest(coalesce(months_below_all - months_below, 0), 0) as months_waived,
        greatest(coalesce(months_worst_all - coalesce(months_worst, 0), 0), 0) as worst_months_waived
    from looked_up
),

deductions as (
    select
        * exclude (points, source_keys),
        month_keys as source_keys,
        'deduction' as movement_kind,
        case when annual_met >= 1 or months_below is null or annual_met_missing then 0 else -least(monthly_points, cap) end as points,
        coalesce(monthly_points, 0) as raw_points,
        case
            when annual_met >= 1 or months_below is null or annual_met_missing then 0
            else greatest(monthly_points - cap, 0)
        end as cap_cut,
        case
            when months_below is null then '数据缺失：断面月度达标数据无数据，本项无法评分'
            when annual_met_missing then '数据缺失：断面年均值达标数据无数据，本项无法评分'
            when annual_met >= 1 and monthly_points > 0
                then
                    '月度未达标 ' || {{ fmt_num('months_below') }} || ' 个月（劣V类 '
                    || {{ fmt_num('coalesce(months_worst, 0)') }} || ' 个月），月度扣分 ' || {{ fmt_num('monthly_points') }}
                    || ' 分；年均值达到目标，月度扣分予以免除：不扣分'
            when monthly_points = 0 and months_waived > 0
                then
                    '断面月度未达标 ' || {{ fmt_num('months_waived') }} || ' 个月（劣V类 '
                    || {{ fmt_num('worst_months_waived') }} || ' 个月），所在断面年均值达到目标，月度扣分免扣：不扣分'
            when monthly_points = 0 then '各月均达到目标：不扣分'
            else
                '月度未达标 ' || {{ fmt_num('months_below') }} || ' 个月（劣V类 '
                || {{ fmt_num('coalesce(months_worst, 0)') }} || ' 个月），按每月扣 ' || {{ fmt_num('per_month') }}
                || ' 分、劣V类每月扣 ' || {{ fmt_num('per_worst_month') }} || ' 分，年均值未达标：扣 '
                || {{ fmt_num('least(monthly_points, cap)') }} || ' 分'
                || case
                    when months_waived > 0
                        then '；另有 ' || {{ fmt_num('months_waived') }} || ' 个月所在断面年均值达到目标，月度扣分免扣'
                    else ''
                end
        end as explanation_zh,
        case when months_below is null or annual_met_missing then 'missing' else 'scored' end as status
    from computed
),

bonuses as (
    select
        * exclude (points, source_keys),
        improved_keys as source_keys,
        'bonus' as movement_kind,
        bonus_points as points,
        bonus_raw as raw_points,
        bonus_raw - bonus_points as cap_cut,
        '水质同比提升 ' || {{ fmt_num('classes_improved') }} || ' 个类别，每类加 ' || {{ fmt_num('per_class') }}
        || ' 分：加 ' || {{ fmt_num('bonus_points') }} || ' 分' as explanation_zh,
        'scored' as status
    from (select *, null::varchar as improved_keys from computed)
    where classes_improved > 0 and per_class > 0
),

final as (
    select {{ movement_columns() }} from deductions
    union all
    select {{ movement_columns() }} from bonuses
)

select * from final
