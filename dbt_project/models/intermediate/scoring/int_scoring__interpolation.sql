{#- Rule shape `interpolation` (SPEC §4): points linear between anchor values, the top
    anchor's points above it. Seed 003 item 二.2: 确保值 → 54 分, 力争值 → 60 分, linear
    between; below 确保值 −2 per percentage point (−1 per point of the part ≥ 90 %): parameters
    below_per_unit / below_floor_value / below_per_unit_under_floor. Seed 003 item 一.4: rate
    100 % → full, < 90 % → 0, between points × (rate − 90 %) / 10 % (anchors 90 → 0, 100 → full).
    Below the lowest anchor (issue 32: every parameter has one meaning, scheme_schema.yaml
    x-absent): below_per_unit alone — one slope for every unit below it (确保 85 %, 83 % → 54 − 2 ×
    2 = 50); with below_floor_value — the part above the floor costs below_per_unit, the part
    below it below_per_unit_under_floor (the loader requires both or neither); a floor above the
    lowest anchor is the anchor itself; no below_per_unit — 0 points (the loader allows that only
    when the lowest anchor scores 0). Outside the anchors the sentence says so. The movement is
    the score minus the unit's points (a deduction, never below zero points). -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
    where rule_shape = 'interpolation'
),

anchors as (
    select
        grid.scheme_code, grid.unit_code, grid.item_code,
        a.value::decimal(18, 4) as anchor_value,
        a.points::decimal(18, 4) as anchor_points
    from grid,
        unnest(json_transform(grid.rule_params -> 'anchors', '[{"value":"DOUBLE","points":"DOUBLE"}]')) as t (a)
),

segments as (
    select
        *,
        lead(anchor_value) over w as next_value,
        lead(anchor_points) over w as next_points
    from anchors
    window w as (partition by scheme_code, unit_code, item_code order by anchor_value)
),

bounds as (
    select
        scheme_code, unit_code, item_code,
        min(anchor_value) as low_value,
        arg_min(anchor_points, anchor_value) as low_points,
        max(anchor_value) as high_value,
        arg_max(anchor_points, anchor_value) as high_points
    from anchors
    group by all
),

clamped as (
    select
        grid.*,
        bounds.low_value,
        bounds.low_points,
        bounds.high_value,
        bounds.high_points,
        {{ param_num('below_per_unit') }} as below_per_unit,
        {{ param_num('below_per_unit_under_floor') }} as below_per_unit_under_floor,
        -- the steeper slope starts at the floor value or at the lowest anchor, whichever is
        -- lower; no floor value: one slope (null, never the anchor: DuckDB's least() skips NULLs)
        case
            when {{ param_num('below_floor_value') }} is not null
                then least({{ param_num('below_floor_value') }}, bounds.low_value)
        end as floor_value,
        -- 个百分点 for a rate: "每差1个百分点扣2分"
        case when grid.measure_unit = '%' then ' 个百分点' else grid.measure_unit || ' ' end as unit_words
    from grid
    inner join bounds using (scheme_code, unit_code, item_code)
),

scored as (
    select
        grid.*,
        case
            when grid.measure_value is null then null
            when grid.measure_value >= grid.high_value then grid.high_points
            when grid.measure_value >= grid.low_value
                then (
                    select
                        s.anchor_points + (s.next_points - s.anchor_points)
                        * (grid.measure_value - s.anchor_value) / (s.next_value - s.anchor_value)
                    from segments as s
                    where
                        s.scheme_code = grid.scheme_code and s.unit_code = grid.unit_code
                        and s.item_code = grid.item_code
                        and grid.measure_value >= s.anchor_value and grid.measure_value < s.next_value
                )
            -- below the lowest anchor without a slope: no points
            when grid.below_per_unit is null then 0
            -- one slope (003 二.2 未达到确保目标值的，每差1个百分点扣2分)
            when grid.floor_value is null
                then greatest(grid.low_points - grid.below_per_unit * (grid.low_value - grid.measure_value), 0)
            -- the part above the floor at below_per_unit, the part under it steeper (其中≥90%的部分…)
            else greatest(
                grid.low_points
                - grid.below_per_unit * (grid.low_value - greatest(grid.measure_value, grid.floor_value))
                - grid.below_per_unit_under_floor * greatest(grid.floor_value - grid.measure_value, 0),
                0
            )
        end as score_raw
    from clamped as grid
),

explained as (
    select
        *,
        'deduction' as movement_kind,
        round(least(score_raw, points), 4) as item_score,
        case when score_raw is null then 0 else -(points - round(least(score_raw, points), 4)) end as points_moved,
        case when score_raw is null then 0 else points - round(least(score_raw, points), 4) end as raw_points,
        0 as cap_cut
    from scored
),

final as (
    select {{ movement_columns() }}
    from (
        select
            * exclude (points),
            points_moved as points,
            case
                when measure_value is null then '数据缺失：' || measure_label || ' 无数据，本项无法评分'
                else
                    measure_label || ' ' || {{ fmt_num('measure_value') }} || measure_unit
                    || case
                        when measure_value > high_value
                            then
                                '，高于最高锚点 ' || {{ fmt_num('high_value') }} || '，不在插值区间内，按该锚点计 '
                                || {{ fmt_num('high_points') }} || ' 分'
                        when measure_value = high_value
                            then '，达到锚点 ' || {{ fmt_num('high_value') }} || '（' || {{ fmt_num('high_points') }} || ' 分）'
                        when measure_value >= low_value
                            then
                                '，在 ' || {{ fmt_num('low_value') }} || '–' || {{ fmt_num('high_value') }}
                                || ' 之间按线性插值计分'
                        when below_per_unit is null
                            then '，低于最低锚点 ' || {{ fmt_num('low_value') }} || '，不在插值区间内，不得分'
                        when below_per_unit = 0 and coalesce(below_per_unit_under_floor, 0) = 0
                            then
                                '，低于最低锚点 ' || {{ fmt_num('low_value') }} || '，不在插值区间内，按该锚点计 '
                                || {{ fmt_num('low_points') }} || ' 分'
                        when floor_value is null
                            then
                                '，低于最低锚点 ' || {{ fmt_num('low_value') }} || '（' || {{ fmt_num('low_points') }}
                                || ' 分），不在插值区间内：每差 1' || unit_words || '扣 '
                                || {{ fmt_num('below_per_unit') }} || ' 分'
                        else
                            '，低于最低锚点 ' || {{ fmt_num('low_value') }} || '（' || {{ fmt_num('low_points') }}
                            || ' 分），不在插值区间内：'
                            || concat_ws(
                                '，',
                                case
                                    when floor_value < low_value
                                        then
                                            '高于 ' || {{ fmt_num('floor_value') }} || ' 的部分每差 1' || unit_words
                                            || '扣 ' || {{ fmt_num('below_per_unit') }} || ' 分'
                                end,
                                case
                                    when measure_value < floor_value
                                        then
                                            '低于 ' || {{ fmt_num('floor_value') }} || ' 的部分每差 1' || unit_words
                                            || '扣 ' || {{ fmt_num('below_per_unit_under_floor') }} || ' 分'
                                end
                            )
                    end
                    || '：得 ' || {{ fmt_num('item_score') }} || ' 分，扣 '
                    || {{ fmt_num('raw_points') }} || ' 分'
            end as explanation_zh,
            case when measure_value is null then 'missing' else 'scored' end as status
        from explained
    )
)

select * from final
