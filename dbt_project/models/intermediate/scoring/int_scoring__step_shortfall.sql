{#- Rule shape `step_shortfall` (SPEC §4): full points when the target is met; otherwise
    `amount_per_step` for every `step` the measure falls short of its target, capped at `cap`.
    Seed 001 item 5(1)①: "每低0.1个百分点扣0.3分。最高扣3分"; 5(1)②: "每高0.1微克/立方米扣
    0.3分，最高扣3分". direction says which way is short; rounding says how a partial step
    counts (proportional, up, down). -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
    where rule_shape = 'step_shortfall'
),

glossary as (
    select * from {{ ref('glossary') }}
),

params as (
    select
        grid.*,
        rule_params ->> 'direction' as direction,
        (rule_params ->> 'step')::decimal(18, 4) as step,
        (rule_params ->> 'amount_per_step')::decimal(18, 4) as amount_per_step,
        (rule_params ->> 'cap')::decimal(18, 4) as cap,
        coalesce(rule_params ->> 'rounding', 'proportional') as step_rounding,
        glossary.label_zh as measure_label,
        case
            when coalesce(glossary.unit_zh, '') in ('', '%') then coalesce(glossary.unit_zh, '')
            else ' ' || glossary.unit_zh
        end as measure_unit
    from grid
    left join glossary on glossary.term = split_part(grid.measure_code, '.', 2)
),

gaps as (
    select
        *,
        case direction
            when 'higher_is_better' then target - measure_value
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
        (steps * amount_per_step)::decimal(18, 4) as raw_points,
        least((steps * amount_per_step)::decimal(18, 4), cap) as applied_points
    from steps
),

final as (
    select
        scheme_code,
        scheme_year,
        unit_code,
        unit_name,
        item_code,
        'deduction' as movement_kind,
        rule_shape,
        -applied_points as points,
        raw_points,
        raw_points - applied_points as cap_cut,
        measure_code,
        measure_value,
        target,
        source_keys,
        standard_code,
        scheme_file,
        scheme_version,
        case
            when measure_value is null
                then measure_label || ' 缺少有效数据，无法评分'
            when steps = 0
                then measure_label || ' ' || {{ fmt_num('measure_value') }} || measure_unit
                    || '，达到目标 ' || {{ fmt_num('target') }} || '：不扣分'
            else measure_label || ' ' || {{ fmt_num('measure_value') }} || measure_unit
                || '，' || case direction when 'higher_is_better' then '低于' else '高于' end
                || '目标 ' || {{ fmt_num('target') }} || ' 共 ' || {{ fmt_num('gap') }}
                || '，按每 ' || {{ fmt_num('step') }} || ' 扣 ' || {{ fmt_num('amount_per_step') }}
                || ' 分，最高扣 ' || {{ fmt_num('cap') }} || ' 分：扣 '
                || {{ fmt_num('applied_points') }} || ' 分'
        end as explanation_zh
    from amounts
)

select * from final
