{#- The measures scoring made from ledger rows (台账汇总指标): per scheme, unit and item, each
    ledger measure an item's rule reads (Σ amounts, counts, completion ratios…;
    int_scoring__ledger_measures), with the ledger rows summed (source_keys: their
    ledger_row_id, fct_ledger_events). `ecoscore scheme check` reads it. -#}

with measures as (
    select * from {{ ref('int_scoring__ledger_measures') }}
),

final as (
    select
        ---------- ids
        scheme_code,
        unit_code,
        item_code,
        measure_code,
        ---------- the value
        measure_value::decimal(18, 4) as measure_value,
        source_keys
    from measures
)

select * from final
