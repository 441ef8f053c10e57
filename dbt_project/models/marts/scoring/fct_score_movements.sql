{#- The deduction ledger (扣分/加分明细): one row per rule evaluated for a unit and item, with
    the points it moved (negative = deduction), how much a cap cut, the source rows behind
    it, the rule's quoted source and a sentence a person would write. -#}

with step_shortfall as (
    select * from {{ ref('int_scoring__step_shortfall') }}
),

items as (
    select * from {{ ref('stg_scoring__items') }}
),

movements as (
    select * from step_shortfall
),

final as (
    select
        ---------- ids
        md5(concat_ws('|', m.scheme_code, m.unit_code, m.item_code, m.rule_shape, m.source_keys))
            as movement_id,
        m.scheme_code,
        m.scheme_year,
        m.unit_code,
        m.unit_name,
        m.item_code,
        items.item_name,
        ---------- movement
        m.movement_kind,
        m.rule_shape,
        m.points,
        m.raw_points,
        m.cap_cut,
        m.points <> 0 as is_movement,
        ---------- what it was computed from
        m.measure_code,
        m.measure_value,
        m.target,
        m.source_keys,
        m.standard_code,
        ---------- the rule's source
        m.scheme_file,
        m.scheme_version,
        items.source_seed,
        items.source_item,
        items.source_text,
        ---------- for people
        m.explanation_zh
    from movements as m
    inner join items using (scheme_code, item_code)
)

select * from final
