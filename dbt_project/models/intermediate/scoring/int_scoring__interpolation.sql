{#- Rule shape `interpolation` (SPEC §4): points linear between anchor values, the top
    anchor's points above it. Seed 003 item 二.2: 确保值 → 54 分, 力争值 → 60 分, linear
    between; below 确保值 −2 per percentage point (−1 per point of the part ≥ 90 %): parameters
    below_per_unit / below_floor_value / below_per_unit_under_floor. Seed 003 item 一.4: rate
    100 % → full, < 90 % → 0, between points × (rate − 90 %) / 10 % (anchors 90 → 0, 100 → full).
    The movement is the score minus the unit's points (a deduction, never below zero points). -#}

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
        unnest(json_transform(grid.rule_params -> 'anchors', '[{"value":"DOUBLE","points":"DOUBLE"}]')) as t(a)
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

scored as (
    select
        grid.*,
        bounds.low_value,
        bounds.high_value,
        case
            when grid.measure_value is null then null
            when grid.measure_value >= bounds.high_value then bounds.high_points
            when grid.measure_value >= bounds.low_value then (
                select s.anchor_points + (s.next_points - s.anchor_points)
                    * (grid.measure_value - s.anchor_value) / (s.next_value - s.anchor_value)
                from segments as s
                where s.scheme_code = grid.scheme_code and s.unit_code = grid.unit_code
                    and s.item_code = grid.item_code
                    and grid.measure_value >= s.anchor_value and grid.measure_value < s.next_value
            )
            -- below the lowest anchor: a slope, steeper under the floor value (003 二.2)
            else greatest(bounds.low_points
                - coalesce({{ param_num('below_per_unit') }}, bounds.low_points * 1e6)
                    * (bounds.low_value - greatest(grid.measure_value,
                        coalesce({{ param_num('below_floor_value') }}, grid.measure_value)))
                - coalesce({{ param_num('below_per_unit_under_floor') }}, 0)
                    * greatest(coalesce({{ param_num('below_floor_value') }}, grid.measure_value)
                        - grid.measure_value, 0),
                0)
        end as score_raw
    from grid
    inner join bounds using (scheme_code, unit_code, item_code)
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
                else measure_label || ' ' || {{ fmt_num('measure_value') }} || measure_unit
                    || '，在 ' || {{ fmt_num('low_value') }} || '–' || {{ fmt_num('high_value') }}
                    || ' 之间按线性插值计分：得 ' || {{ fmt_num('item_score') }} || ' 分，扣 '
                    || {{ fmt_num('raw_points') }} || ' 分'
            end as explanation_zh,
            case when measure_value is null then 'missing' else 'scored' end as status
        from explained
    )
)

select * from final
