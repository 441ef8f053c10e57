{#- Composition step 6 (SPEC §4; fct_unit_item_scores): the bonus total cap, in item order (001
    二、加分项: 加分上限不超过10分): bonuses; and the scheme's missing_data setting. -#}

with composed as (
    select * from {{ ref('int_scoring__compose_pools') }}
),

schemes as (
    select * from {{ ref('stg_scheme__schemes') }}
),

bonus_capped as (
    select
        composed.*,
        case
            when schemes.bonus_cap is null then capped_bonuses
            else
                greatest(least(capped_bonuses, schemes.bonus_cap - coalesce(sum(capped_bonuses) over (
                    partition by composed.scheme_code, composed.unit_code
                    order by composed.item_order rows between unbounded preceding and 1 preceding
                ), 0)), 0)
        end as bonuses,
        coalesce(schemes.missing_data, 'flag') as missing_data
    from composed
    inner join schemes using (scheme_code)
)

select * from bonus_capped
