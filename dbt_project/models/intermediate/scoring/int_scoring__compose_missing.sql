{#- Composition step 7 (SPEC §4; fct_unit_item_scores): what an item is not credited for its
    status. missing (a rule of the item found no input — no measure value, no peer rank, no
    completion record): none of its points, whatever the scheme's `missing_data` (flag | zero |
    block) says; missing_points holds what it would otherwise have kept (issue 14: a gap is never
    a point). pending (待核: it lost a ledger row to quarantine) is withheld the same way, and its
    bonuses too (pending_bonus_cut): scoring it as if the row did not exist would hand the row's
    points back (issue 31). not_applicable (001 14(1) 无治理面积任务的，此项不计分): its points
    leave the unit's base (应得分), not_applicable_points; the scheme's policy then leaves the
    total as scored or converts it (折算, int_scoring__compose_conversion, issue 32). -#}

with bonus_capped as (
    select * from {{ ref('int_scoring__compose_bonus_cap') }}
),

missing as (
    select
        * replace (case when status = 'pending' then 0 else bonuses end as bonuses),
        case when status in ('missing', 'pending') then points - deductions else 0 end as missing_points,
        case when status = 'pending' then bonuses else 0 end as pending_bonus_cut,
        case when status = 'not_applicable' then points - deductions else 0 end as not_applicable_points
    from bonus_capped
)

select * from missing
