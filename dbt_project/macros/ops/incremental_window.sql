{#- The heavy air path (station hourly → station daily → unit daily) is incremental by date.
    Dagster sets ECOSCORE_AIR_FROM / ECOSCORE_AIR_TO (ISO dates, inclusive) from the month
    partitions a run covers; a model rebuilt incrementally deletes those days and inserts them
    again, so late or corrected hours recompute their whole day and everything downstream.
    Without them, or with --full-refresh, every day is rebuilt: the same SQL, so the same rows.
    Environment, not --vars: dbt re-parses the whole project when the command line's vars
    change, and the days change from run to run (pipelines/dbt/assets.py, dbt_vars). Read only
    when executing (`execute`): read while parsing, dbt would record the values and re-parse every
    model that calls this whenever the days change, i.e. every night (~1.3 s). -#}

{% macro air_window_where(date_column) -%}
{%- set air_from = env_var('ECOSCORE_AIR_FROM', '') if execute else '' -%}
{%- set air_to = env_var('ECOSCORE_AIR_TO', '') if execute else '' -%}
{%- if is_incremental() and air_from and air_to -%}
{{ date_column }} between '{{ air_from }}'::date and '{{ air_to }}'::date
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

