{#- Composition step 1 (SPEC §4; fct_unit_item_scores): each unit × item of the grid with its rule
    movements summed (item caps already applied by the rules, int_scoring__rule_movements):
    item_deductions, item_bonuses, and the item's status (macro item_status, one closed set in
    order of precedence): pending (待核) when the item lost a ledger row to quarantine
    (int_ledgers__pending_items, issue 31: a quarantined row never hands points back), else the
    first of its movements' statuses — not_applicable (issue 32), missing (issue 14), flagged —
    else scored. -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
),

movements as (
    select * from {{ ref('int_scoring__rule_movements') }}
),

summed as (
    select
        grid.scheme_code, grid.unit_code, grid.item_code,
        coalesce(-sum(m.points) filter (where m.points < 0), 0) as item_deductions,
        coalesce(sum(m.points) filter (where m.points > 0), 0) as item_bonuses,
        {{ item_status('m.status') }} as movement_status
    from grid
    left join movements as m using (scheme_code, unit_code, item_code)
    group by all
),

pending as (
    select * from {{ ref('int_ledgers__pending_items') }}
),

final as (
    select
        grid.*,
        summed.item_deductions,
        summed.item_bonuses,
        case when pending.item_code is not null then 'pending' else summed.movement_status end as status,
        pending.pending_zh
    from grid
    inner join summed using (scheme_code, unit_code, item_code)
    left join pending using (scheme_code, unit_code, item_code)
)

select * from final
