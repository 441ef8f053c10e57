{#- Composition step 7 (SPEC §4; fct_unit_item_scores): missing data (status 'missing': a rule of
    the item found no input — no measure value, no peer rank, no completion record): the item is
    credited none of its points, whatever the scheme's `missing_data` (flag | zero | block)
    says; missing_points holds what it would otherwise have kept (issue 14: a gap is never a
    point). An item pending review (is_pending, 待核: it lost a ledger row to quarantine) is
    withheld the same way, and its bonuses too (pending_bonus_cut): scoring it as if the row did
    not exist would hand the row's points back (issue 31). -#}

with bonus_capped as (
    select * from {{ ref('int_scoring__compose_bonus_cap') }}
),

missing as (
    select
        * replace (case when is_pending then 0 else bonuses end as bonuses),
        case when is_missing or is_pending then points - deductions else 0 end as missing_points,
        case when is_pending then bonuses else 0 end as pending_bonus_cut
    from bonus_capped
)

select * from missing
