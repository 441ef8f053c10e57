{#- Composition step 3 (SPEC §4; fct_unit_item_scores): what an item with base points takes
    itself, within [0, points] (own_deductions); the rest comes off the total when it overflows
    (001 18(1): "不够扣减的分数从总分中扣减") and is dropped otherwise (step 4 sets both). A pool
    item (不设基础分) takes nothing itself. -#}

with capped as (
    select * from {{ ref('int_scoring__compose_group_caps') }}
),

own as (
    select
        *,
        case when is_pool_item then 0 else least(capped_deductions, points) end as own_deductions
    from capped
)

select * from own
