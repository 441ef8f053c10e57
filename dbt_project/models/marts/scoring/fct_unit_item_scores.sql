{#- Score of each unit on each item: its points, the deductions and bonuses of the movement
    ledger, and the resulting item score (never below zero). -#}

with grid as (
    select * from {{ ref('int_scoring__unit_items') }}
),

movements as (
    select * from {{ ref('fct_score_movements') }}
),

summed as (
    select
        scheme_code,
        unit_code,
        item_code,
        -sum(points) filter (where points < 0) as deductions,
        sum(points) filter (where points > 0) as bonuses,
        bool_and(measure_value is not null or measure_code is null) as is_complete
    from movements
    group by scheme_code, unit_code, item_code
),

final as (
    select
        ---------- ids
        grid.scheme_code,
        grid.scheme_year,
        grid.unit_code,
        grid.unit_name,
        grid.item_code,
        grid.item_order,
        grid.item_name,
        ---------- points
        grid.points,
        coalesce(summed.deductions, 0)::decimal(18, 4) as deductions,
        coalesce(summed.bonuses, 0)::decimal(18, 4) as bonuses,
        greatest(grid.points - coalesce(summed.deductions, 0), 0)::decimal(18, 4) as score,
        coalesce(summed.is_complete, false) as is_complete,
        ---------- source
        grid.source_seed,
        grid.source_item
    from grid
    left join summed using (scheme_code, unit_code, item_code)
)

select * from final
