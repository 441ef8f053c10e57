{#- The heavy air path (station hourly → station daily → unit daily) is incremental by date.
    Dagster sets `air_from` / `air_to` (ISO dates, inclusive) from the month partitions a run
    covers; a model rebuilt incrementally deletes those days and inserts them again, so late or
    corrected hours recompute their whole day and everything downstream. Without the vars, or
    with --full-refresh, every day is rebuilt: the same SQL, so the same rows. -#}

{% macro air_window_where(date_column) -%}
{%- if is_incremental() and var('air_from', '') and var('air_to', '') -%}
{{ date_column }} between '{{ var("air_from") }}'::date and '{{ var("air_to") }}'::date
{%- else -%}
true
{%- endif -%}
{%- endmacro %}


{% macro air_window_delete(date_column='obs_date') -%}
{%- if is_incremental() -%}
delete from {{ this }} where {{ air_window_where(date_column) }}
{%- else -%}
select 1
{%- endif -%}
{%- endmacro %}

