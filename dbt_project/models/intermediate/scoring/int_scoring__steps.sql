{#- Rule shapes `step_shortfall` and `step_surplus` (SPEC §4): `amount_per_step` for every
    `step` the measure falls short of (shortfall: a deduction) or goes beyond (surplus: a
    bonus) its target, capped at `cap` (default: the item's points).
    Seed 001 item 5(1)①: "每低0.1个百分点扣0.3分。最高扣3分"; 5(1)②: "每高0.1微克/立方米扣
    0.3分，最高扣3分"; bonus 6①: "每高于控制目标水平0.1个百分点加0.1分…以上每项最高加1分".
    rounding says how a partial step counts: proportional, up (不到1个百分点的按1个百分点计,
    001 7(5)), down (不足10万元部分不得加分, 001 bonus 11). -#}

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
        -- a shortfall takes at most the item's points; a surplus bonus without a cap has none
        -- (001 bonus 11: 每增加10万元加0.1分, no cap of its own; the bonus total cap still applies)
        coalesce({{ param_num('cap') }}, case rule_shape when 'step_shortfall' then points end) as cap,
        coalesce(rule_params ->> 'rounding', 'proportional') as step_rounding,
        case rule_shape when 'step_surplus' then 'bonus' else 'deduction' end as movement_kind
    from grid
),

gaps as (
    select
        *,
        -- shortfall: how far the measure misses the target; surplus: how far it goes beyond
        case
            when (direction = 'higher_is_better') = (rule_shape = 'step_shortfall')
                then target - measure_value
            else measure_value - target
        end as gap
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
                    || '，未超过目标 ' || {{ fmt_num('target') }} || '：不加分'
            when steps = 0
                then
                    measure_label || ' ' || {{ fmt_num('measure_value') }} || measure_unit
                    || '，达到目标 ' || {{ fmt_num('target') }} || '：不扣分'
            else
                measure_label || ' ' || {{ fmt_num('measure_value') }} || measure_unit
                || '，' || case when measure_value < target then '低于' else '高于' end
                || '目标 ' || {{ fmt_num('target') }} || ' 共 ' || {{ fmt_num('gap') }}
                || case step_rounding
                    when 'up' then '（不足 ' || {{ fmt_num('step') }} || ' 按 ' || {{ fmt_num('step') }} || ' 计）'
                    when 'down' then '（不足 ' || {{ fmt_num('step') }} || ' 的部分不计）'
                    else ''
                end
                || '，按每 ' || {{ fmt_num('step') }} || ' ' || {{ verb('movement_kind') }} || ' '
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
