{#- The deduction ledger (扣分/加分明细): one row per movement of points (every rule evaluated
    for a unit and item leaves at least one row): the points it moved (negative = deduction),
    how much the item's cap cut, the source rows behind it (ledger_row_ids, station-days,
    section-months, peer-table rows), the rule's quoted source and a sentence a person would
    write. Group caps, pools and the bonus total cap are composition: fct_unit_item_scores. -#}

with movements as (
    {% for shape in ['steps', 'per_event', 'all_or_nothing', 'interpolation', 'tiers', 'proportional',
                     'ranking', 'lateness', 'monthly_waiver', 'station_outlier_days', 'vetoes',
                     'share_conditions'] %}
    select * from {{ ref('int_scoring__' ~ shape) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

items as (
    select * from {{ ref('stg_scoring__items') }}
),

final as (
    select
        ---------- ids
        md5(concat_ws('|', m.scheme_code, m.unit_code, m.item_code, m.rule_shape, m.movement_kind,
            m.source_keys)) as movement_id,
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
