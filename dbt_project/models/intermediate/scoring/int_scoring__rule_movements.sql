{#- Every movement the rule shapes make, before composition: the union of the one-model-per-
    shape intermediates (each returns movement_columns()). fct_unit_item_scores composes them;
    fct_score_movements publishes them beside the composition's own movements. -#}

with final as (
    {% for shape in ['steps', 'per_event', 'all_or_nothing', 'interpolation', 'tiers', 'proportional',
                     'ranking', 'lateness', 'monthly_waiver', 'station_outlier_days', 'vetoes',
                     'share_conditions'] %}
        select * from {{ ref('int_scoring__' ~ shape) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
