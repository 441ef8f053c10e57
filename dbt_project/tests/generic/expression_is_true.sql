{#- Rows for which a SQL expression is not true (dbt_utils' expression_is_true, without the
    package): `data_tests: - expression_is_true: {arguments: {expression: "aqi >= 0"}}`.
    Null counts as a failure unless the expression handles it. -#}
{% test expression_is_true(model, expression, column_name=None) %}
select *
from {{ model }}
where not coalesce(({{ column_name ~ ' ' if column_name }}{{ expression }}), false)
{% endtest %}
