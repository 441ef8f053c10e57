{#- Rule shapes `step_shortfall` and `step_surplus` (SPEC §4): `amount_per_step` for every
    `step` the measure falls short of (shortfall: a deduction) or goes beyond (surplus: a
    bonus) its target, capped at `cap` (absent: a shortfall takes at most the item's points, or
    has no cap of its own on an item without base points — a 0-point cap would move nothing;
    a surplus has none).
    Seed 001 item 5(1)①: "每低0.1个百分点扣0.3分。最高扣3分"; 5(1)②: "每高0.1微克/立方米扣
    0.3分，最高扣3分"; bonus 6①: "每高于控制目标水平0.1个百分点加0.1分…以上每项最高加1分".
    rounding says how a partial step counts: proportional, up (不到1个百分点的按1个百分点计,
    001 7(5)), down (不足10万元部分不得加分, 001 bonus 11).
    step_unit says what the step and the gap are measured in (issue 32): measure_unit — the
    measure's own unit (for a rate in %, its percentage points); percentage_point — the
    difference of two rates (001 13(1) 每少于目标0.05个百分点: 森林覆盖率 70.4 % against 70.5 % is
    0.1 points short, 2 steps, −0.6); percent — the gap as a share of the target ((target −
    value) ÷ target × 100, 每低于目标5%). -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
    where rule_shape in ('step_shortfall', 'step_surplus')
),

params as (
    select
        *,
        rule_params ->> 'direction' as direction,
        {{ param_num('step') }} as step,
        {{ param_num('amount_per_step') }} as amount_per_step,
        -- a shortfall takes at most the item's points (扣完为止); one without base points
        -- (不设基础分: charged to siblings or the total) and a surplus bonus have no cap of their
        -- own (001 bonus 11: 每增加10万元加0.1分; the bonus total cap still applies)
        coalesce(
            {{ param_num('cap') }},
            case when rule_shape = 'step_shortfall' and points > 0 then points end
        ) as cap,
        coalesce(rule_params ->> 'rounding', 'proportional') as step_rounding,
        coalesce(rule_params ->> 'step_unit', 'measure_unit') as step_unit,
        -- what a step is counted in, for the sentence
        case
            when coalesce(rule_params ->> 'step_unit', 'measure_unit') = 'percent' then '%'
            when
                coalesce(rule_params ->> 'step_unit', 'measure_unit') = 'percentage_point'
                or measure_unit = '%'
                then ' 个百分点'
            else measure_unit
        end as step_words,
        -- the same, followed by what separates it from the next word (个百分点扣, μg/m³ 扣, 0.1 扣)
        case
            when coalesce(rule_params ->> 'step_unit', 'measure_unit') = 'percent' then '%'
            when
                coalesce(rule_params ->> 'step_unit', 'measure_unit') = 'percentage_point'
                or measure_unit = '%'
                then ' 个百分点'
            else measure_unit || ' '
        end as step_words_then,
        case rule_shape when 'step_surplus' then 'bonus' else 'deduction' end as movement_kind
    from grid
),

gaps as (
    select
        *,
        -- shortfall: how far the measure misses the target; surplus: how far it goes beyond —
        -- in the measure's unit (a rate's percentage points), or as a percent of the target
        case
            when (direction = 'higher_is_better') = (rule_shape = 'step_shortfall')
                then target - measure_value
            else measure_value - target
        end
        * case when step_unit = 'percent' then 100 / target else 1 end as gap
    from params
),

steps as (
    select *, {{ step_count('gap', 'step', 'step_rounding') }} as steps
    from gaps
),

amounts as (
    select
        *,
        coalesce(steps * amount_per_step, 0)::decimal(18, 4) as raw_points,
        -- least() skips NULLs in DuckDB: a missing measure must move nothing, not the cap
        case when steps is null then 0 else least((steps * amount_per_step)::decimal(18, 4), cap) end
            as applied_points
    from steps
),

explained as (
    select
        * exclude (points),
        case movement_kind when 'bonus' then applied_points else -applied_points end as points,
        raw_points - applied_points as cap_cut,
        case
            when measure_value is null
                then '数据缺失：' || measure_label || ' 无数据，本项无法评分'
            when steps = 0 and movement_kind = 'bonus'
                then
                    measure_label || ' ' || {{ fmt_num('measure_value') }} || measure_unit
                    || '，未超过目标 ' || {{ fmt_num('target') }} || measure_unit || '：不加分'
            when steps = 0
                then
                    measure_label || ' ' || {{ fmt_num('measure_value') }} || measure_unit
                    || '，达到目标 ' || {{ fmt_num('target') }} || measure_unit || '：不扣分'
            else
                measure_label || ' ' || {{ fmt_num('measure_value') }} || measure_unit
                || '，' || case when measure_value < target then '低于' else '高于' end
                || '目标 ' || {{ fmt_num('target') }} || measure_unit || ' 共 ' || {{ fmt_num('gap') }} || step_words
                || case when step_unit = 'percent' then '（按目标值的百分比计）' else '' end
                || case step_rounding
                    when 'up'
                        then
                            '（不足 ' || {{ fmt_num('step') }} || step_words_then || '按 ' || {{ fmt_num('step') }}
                            || step_words_then || '计）'
                    when 'down' then '（不足 ' || {{ fmt_num('step') }} || step_words_then || '的部分不计）'
                    else ''
                end
                || '，按每 ' || {{ fmt_num('step') }} || step_words_then || {{ verb('movement_kind') }} || ' '
                || {{ fmt_num('amount_per_step') }} || ' 分'
                || case
                    when
                        cap is null then '' else
                        '，最高' || {{ verb('movement_kind') }} || ' '
                        || {{ fmt_num('cap') }} || ' 分'
                end
                || '：' || {{ verb('movement_kind') }} || ' '
                || {{ fmt_num('applied_points') }} || ' 分'
        end as explanation_zh,
        case when measure_value is null then 'missing' else 'scored' end as status
    from amounts
),

final as (
    select {{ movement_columns() }}
    from explained
)

select * from final
