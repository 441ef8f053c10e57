{#- The grid every score is computed on: scheme × unit × item, with the unit's target and
    the measured value the item reads (null when the item reads no measure). -#}

with items as (
    select * from {{ ref('stg_scoring__items') }}
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

measures as (
    select * from {{ ref('int_scoring__measures') }}
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
        ---------- rule
        items.item_name,
        items.points,
        items.rule_shape,
        items.rule_params,
        items.measure_code,
        items.source_seed,
        items.source_item,
        items.source_text,
        ---------- measure and target
        targets.target::decimal(18, 4) as target,
        measures.measure_value,
        coalesce(schemes.standard_code, measures.standard_code) as standard_code,
        measures.source_keys,
        schemes.scheme_file,
        schemes.scheme_version
    from items
    inner join schemes using (scheme_code)
    inner join targets using (scheme_code, item_code)
    inner join units using (scheme_code, unit_code)
    left join measures
        on measures.unit_code = targets.unit_code
        and measures.measure_code = items.measure_code
        and measures.measure_year = schemes.scheme_year
)

select * from final
