with source as (
    select * from {{ source('raw_scoring', 'scheme_items') }}
),

renamed as (
    select
        ---------- ids
        scheme_code,
        item_code,
        item_order,
        ---------- rule
        item_name,
        points::decimal(18, 4) as points,
        rule_shape,
        rule_params::json as rule_params,
        measure_code,
        ---------- source (seed file, item, quoted text)
        source_seed,
        source_item,
        source_text
    from source
)

select * from renamed
