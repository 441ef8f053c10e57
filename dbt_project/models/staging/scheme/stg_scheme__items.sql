with source as (
    select * from {{ source('raw_scheme', 'scheme_items') }}
),

renamed as (
    select
        ---------- ids
        scheme_code,
        item_code,
        item_order,
        parent_code,
        ---------- rule
        item_name,
        item_kind,
        points::decimal(18, 4) as points,
        is_scored,
        rule_shape,
        rule_params::json as rule_params,
        measure_code,
        -- [{measure, weight}]: the measure is Σ weight × these (seed 003 一.3); null when none
        nullif(measure_weights, '[]')::json as measure_weights,
        -- {start, end}: the hours an event-window measure covers (seed 001 5(11)①); null when none
        measure_window::json as measure_window,
        overflow_to_total,
        ---------- source (seed file, item, quoted text)
        source_seed,
        source_item,
        source_text,
        -- the reading of an ambiguous clause, in the scheme's words (issue 32)
        item_note,
        ---------- when the item does not apply to a unit (001 14(1) 无治理面积任务的，此项不计分):
        -- no_task = the unit's ledger records the task as 0; null = it always applies
        not_applicable_when,
        not_applicable_text
    from source
)

select * from renamed
