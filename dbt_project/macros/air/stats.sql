{#- Statistics of HJ 663. Plain Jinja (no dbt-only calls), so tests render it with jinja2. -#}

{% macro hj663_percentile(column, p) -%}
{#- HJ 663-2013 §5.2.3 formula: sort X(1)…X(n) ascending; k = 1 + (n − 1)·p; s = ⌊k⌋;
    P = X(s) + (X(s+1) − X(s))·(k − s). DuckDB's quantile_cont is exactly this linear
    interpolation (worked example {2,3,4,4,5,8}, p = 0.9 → 6.5, tested). -#}
quantile_cont({{ column }}, {{ p }})
{%- endmacro %}
