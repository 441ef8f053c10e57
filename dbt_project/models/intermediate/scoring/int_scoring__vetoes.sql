{#- Rule shapes `veto` and `grade_cap` (SPEC §4): they move no points, they bound the grade.
    veto — seed 001 item 21(2): "具有以下情形之一的，考核结果为‘不合格’" (一票否决), a confirmed
    event recorded under the item. grade_cap — the milder national form: a unit with such an
    event "不得确定为优秀" (the grade is capped, the score stands). -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
    where rule_shape in ('veto', 'grade_cap')
),

events as (
    select * from {{ ref('int_scoring__events') }}
    where status = 'confirmed'
),

triggered as (
    select
        grid.*,
        coalesce(grid.rule_params ->> 'grade', grid.rule_params ->> 'max_grade') as bound_grade,
        (
            select string_agg(e.ledger_row_id, ',' order by e.ledger_row_id)
            from events as e
            where
                e.scheme_code = grid.scheme_code and e.unit_code = grid.unit_code
                and e.item_code = grid.item_code
                and (
                    (grid.rule_params -> 'event_kinds') is null
                    or list_contains(
                        json_transform(grid.rule_params -> 'event_kinds', '["VARCHAR"]'),
                        e.event_kind
                    )
                )
        ) as event_keys
    from grid
),

final as (
    select {{ movement_columns() }}
    from (
        select
            * exclude (points, source_keys),
            event_keys as source_keys,
            case when event_keys is null then 'none' else rule_shape end as movement_kind,
            0 as points,
            0 as raw_points,
            0 as cap_cut,
            case
                when event_keys is null then '未发生该情形'
                when rule_shape = 'veto'
                    then
                        '发生该情形（' || event_keys || '）：一票否决，考核结果为“'
                        || bound_grade || '”'
                else '发生该情形（' || event_keys || '）：等次最高为“' || bound_grade || '”，得分不变'
            end as explanation_zh,
            'scored' as status
        from triggered
    )
)

select * from final
