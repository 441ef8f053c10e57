{#- Every movement the rule shapes make, before composition: the union of the one-model-per-
    shape intermediates (each returns movement_columns()). An item that does not apply to a unit
    (int_scoring__not_applicable, issue 32) has its one not_applicable row instead of the rule's:
    it is scored by nothing, not missing. fct_unit_item_scores composes them; fct_score_movements
    publishes them beside the composition's own movements. -#}

with shapes as (
    {% for shape in ['steps', 'per_event', 'all_or_nothing', 'interpolation', 'tiers', 'proportional',
                     'ranking', 'lateness', 'monthly_waiver', 'station_outlier_days', 'vetoes',
                     'share_conditions'] %}
        select * from {{ ref('int_scoring__' ~ shape) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

not_applicable as (
    select * from {{ ref('int_scoring__not_applicable') }}
),

final as (
    select * from shapes
    anti join not_applicable using (scheme_code, unit_code, item_code)
    union all
    select * from not_applicable
)

select * from final
