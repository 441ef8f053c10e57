{#- The columns every rule-shape model returns, one row per movement of points: `points` is
    signed (< 0 deducts, > 0 adds), `raw_points` is the magnitude before the item's cap and
    `cap_cut` what the cap took away. `status` is 'missing' when the rule found no input (the
    measure, peer rank or completion record it reads is absent), else 'scored'. fct_score_movements unions the shape models on these. -#}

{% macro movement_columns() -%}
    scheme_code,
    scheme_year,
    unit_code,
    unit_name,
    item_code,
    item_kind,
    rule_shape,
    movement_kind,
    points::decimal(18, 4) as points,
    raw_points::decimal(18, 4) as raw_points,
    cap_cut::decimal(18, 4) as cap_cut,
    measure_code,
    measure_value::decimal(18, 4) as measure_value,
    target,
    source_keys,
    standard_code,
    scheme_file,
    scheme_version,
    explanation_zh,
    status
{%- endmacro %}


{% macro param_num(name) -%}
(rule_params ->> '{{ name }}')::decimal(18, 4)
{%- endmacro %}


{% macro verb(kind_column) -%}
case {{ kind_column }} when 'bonus' then '加' else '扣' end
{%- endmacro %}
