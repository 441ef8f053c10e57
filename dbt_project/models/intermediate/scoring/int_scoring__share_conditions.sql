{#- Conditions on a responsible unit's share (seed 000): a cooperating unit's points are
    zeroed at `zero_if_notices` confirmed notices on the item — 000 items 6–8: "秋冬季污染防治攻坚
    行动期间，被市污染防治攻坚战领导小组办公室通报2次以上的，本项不得分" (以上 includes the number:
    2 notices zero the share). Notices are counted by their quantity (one row may record two), and
    only inside the scheme's `notices_within` periods when it names them (the 秋冬季 campaign). -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
    where zero_if_notices is not null
),

notices as (
    select
        grid.scheme_code, grid.unit_code, grid.item_code,
        sum(coalesce(events.quantity, 1)) as notice_count,
        string_agg(events.ledger_row_id, ',' order by events.ledger_row_id) as notice_keys
    from grid
    inner join {{ ref('int_scoring__events') }} as events
        on
            events.scheme_code = grid.scheme_code and events.unit_code = grid.unit_code
            and events.item_code = grid.item_code
    where
        events.status = 'confirmed' and events.event_kind = 'notice'
        and (
            grid.notices_within is null
            or len(list_filter(
                json_transform(grid.notices_within, '[{"from": "DATE", "to": "DATE"}]'),
                lambda p: events.event_date between p['from'] and p['to']
            )) > 0
        )
    group by all
),

final as (
    select {{ movement_columns() }}
    from (
        select
            grid.* exclude (rule_shape, source_keys, points),
            'zero_if_notices' as rule_shape,
            notices.notice_keys as source_keys,
            'deduction' as movement_kind,
            case when coalesce(notices.notice_count, 0) >= grid.zero_if_notices then -grid.points else 0 end
                as points,
            case when coalesce(notices.notice_count, 0) >= grid.zero_if_notices then grid.points else 0 end
                as raw_points,
            0 as cap_cut,
            case when grid.notices_within is not null then '考核时段内' else '' end
            || case
                when coalesce(notices.notice_count, 0) >= grid.zero_if_notices
                    then
                        '被通报 ' || {{ fmt_num('notices.notice_count') }} || ' 次（' || grid.zero_if_notices
                        || ' 次以上本项不得分）：' || case grid.unit_role when 'lead' then '牵头' else '配合' end
                        || '分值 ' || {{ fmt_num('grid.points') }} || ' 分清零'
                else
                    '被通报 ' || {{ fmt_num('coalesce(notices.notice_count, 0)') }} || ' 次，未达 '
                    || grid.zero_if_notices || ' 次：分值保留'
            end as explanation_zh,
            'scored' as status
        from grid
        left join notices using (scheme_code, unit_code, item_code)
    )
)

select * from final
