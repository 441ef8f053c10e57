{#- The grid every score is computed on: scheme × unit × scored item, with the unit's points
    (the item's, or its lead/cooperating share, seed 000), target, and the measured value the
    item reads: a domain measure (int_scoring__measures) or the item's own ledger measure. -#}

with items as (
    select * from {{ ref('stg_scoring__items') }}
    where is_scored
),

targets as (
    select * from {{ ref('stg_scoring__targets') }}
),

schemes as (
    select * from {{ ref('stg_scoring__schemes') }}
),

units as (
    select * from {{ ref('stg_scoring__units') }}
),

domain_measures as (
    select * from {{ ref('int_scoring__measures') }}
),

ledger_measures as (
    select * from {{ ref('int_scoring__ledger_measures') }}
),

glossary as (
    select * from {{ ref('glossary') }}
),

final as (
    select
        ---------- ids
        items.scheme_code,
        schemes.scheme_year,
        targets.unit_code,
        units.unit_name,
        items.item_code,
        items.item_order,
        items.parent_code,
        ---------- rule
        items.item_name,
        items.item_kind,
        targets.unit_points::decimal(18, 4) as points,
        targets.unit_role,
        targets.zero_if_notices,
        items.rule_shape,
        items.rule_params,
        items.overflow_to_total,
        items.measure_code,
        items.source_seed,
        items.source_item,
        items.source_text,
        ---------- measure and target
        targets.target::decimal(18, 4) as target,
        coalesce(domain_measures.measure_value, ledger_measures.measure_value) as measure_value,
        coalesce(glossary.label_zh, items.measure_code) as measure_label,
        case
            when coalesce(glossary.unit_zh, '') in ('', '%') then coalesce(glossary.unit_zh, '')
            else ' ' || glossary.unit_zh
        end as measure_unit,
        coalesce(schemes.standard_code, domain_measures.standard_code) as standard_code,
        coalesce(domain_measures.source_keys, ledger_measures.source_keys) as source_keys,
        schemes.scheme_file,
        schemes.scheme_version,
        schemes.city_unit
    from items
    inner join schemes using (scheme_code)
    inner join targets using (scheme_code, item_code)
    inner join units using (scheme_code, unit_code)
    left join domain_measures
        on domain_measures.unit_code = targets.unit_code
        and domain_measures.measure_code = items.measure_code
        and domain_measures.measure_year = schemes.scheme_year
    left join ledger_measures
        on ledger_measures.scheme_code = items.scheme_code
        and ledger_measures.unit_code = targets.unit_code
        and ledger_measures.item_code = items.item_code
        and ledger_measures.measure_code = items.measure_code
    left join glossary
        on glossary.term = coalesce(nullif(split_part(items.measure_code, '.', 2), ''), items.measure_code)
)

select * from final
