{#- Schemas are named by layer (staging, intermediate, marts, standards), not
    prefixed with the target schema, so analysts find `marts.fct_air_unit_daily`. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
