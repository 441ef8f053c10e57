{#- Conditions on a responsible unit's share (seed 000): a cooperating unit's points are
    zeroed at `zero_if_notices` confirmed notices on the item — 000 items 6–8: "秋冬季…被通报2次
    以上的，本项不得分" (以上 includes the number: 2 notices zero the share). -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
    where zero_if_notices is not null
),

notices as (
    select scheme_code, unit_code, item_code, count(*) as notice_count,
        string_agg(ledger_row_id, ',' order by ledger_row_id) as notice_keys
    from {{ ref('int_scoring__events') }}
    where status = 'confirmed' and event_kind = 'notice'
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
            case when coalesce(notices.notice_count, 0) >= grid.zero_if_notices
                then '被通报 ' || notices.notice_count || ' 次（' || grid.zero_if_notices
                    || ' 次以上本项不得分）：' || case grid.unit_role when 'lead' then '牵头' else '配合' end
                    || '分值 ' || {{ fmt_num('grid.points') }} || ' 分清零'
                else '被通报 ' || coalesce(notices.notice_count, 0) || ' 次，未达 ' || grid.zero_if_notices
                    || ' 次：分值保留'
            end as explanation_zh,
            'scored' as status
        from grid
        left join notices using (scheme_code, unit_code, item_code)
    )
)

select * from final
