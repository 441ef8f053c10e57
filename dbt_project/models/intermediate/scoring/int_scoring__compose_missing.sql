{#- Composition step 7 (SPEC §4; fct_unit_item_scores): missing data (status 'missing': a rule of
    the item found no input — no measure value, no peer rank, no completion record): the item is
    credited none of its points, whatever the scheme's `missing_data` (flag | zero | block)
    says; missing_points holds what it would otherwise have kept (issue 14: a gap is never a
    point). -#}

with bonus_capped as (
    select * from {{ ref('int_scoring__compose_bonus_cap') }}
),

missing as (
    select
        *,
        case when is_missing then points - deductions else 0 end as missing_points
    from bonus_capped
)

select * from missing
