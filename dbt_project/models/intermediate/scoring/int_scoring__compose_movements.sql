{#- Composition step 1 (SPEC §4; fct_unit_item_scores): each unit × item of the grid with its rule
    movements summed (item caps already applied by the rules, int_scoring__rule_movements):
    item_deductions, item_bonuses, and is_missing when a rule of the item found no input
    (status 'missing', issue 14); is_pending (待核) when the item lost a ledger row to quarantine
    (int_ledgers__pending_items, issue 31: a quarantined row never hands points back). -#}

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
        coalesce(bool_or(m.status = 'missing'), false) as is_missing,
        -- 'flagged': a rule scored an input it had to guess at (a ledger severity the item's
        -- price list does not name, int_scoring__per_event): scored, but to be checked
        coalesce(bool_or(m.status = 'flagged'), false) as is_flagged
    from grid
    left join movements as m using (scheme_code, unit_code, item_code)
    group by all
),

pending as (
    select * from {{ ref('int_ledgers__pending_items') }}
),

final as (
    select
        grid.*, summed.item_deductions, summed.item_bonuses, summed.is_missing, summed.is_flagged,
        pending.item_code is not null as is_pending,
        pending.pending_zh
    from grid
    inner join summed using (scheme_code, unit_code, item_code)
    left join pending using (scheme_code, unit_code, item_code)
)

select * from final
