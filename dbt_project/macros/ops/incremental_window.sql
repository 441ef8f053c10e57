{#- The heavy air path (station hourly → station daily → unit daily) is incremental by date.
    The run passes the days it rebuilds as the var `air_window`: [first, last] (ISO dates,
    inclusive; Dagster's dbt asset sets it from the month partitions the run covers, one day
    added on each side, pipelines/dbt/assets.py); a model rebuilt incrementally deletes those
    days and inserts them again, so late or corrected hours recompute their whole day and
    everything downstream. 'none': nothing of the path is rebuilt (no month in the run). Without
    the var, or with --full-refresh, every day is rebuilt: the same SQL, so the same rows.
    Read only when executing (`execute`): the project is parsed once with the run's other vars
    and the window is rendered at compile time, so a new window never re-parses anything. -#}

{% macro air_window_where(date_column) -%}
{%- set window = var('air_window', 'all') if execute else 'all' -%}
{%- if not is_incremental() or window == 'all' -%}
true
{%- elif window == 'none' -%}
false
{%- else -%}
{{ date_column }} between '{{ window[0] }}'::date and '{{ window[1] }}'::date
{%- endif -%}
{%- endmacro %}


{% macro air_window_delete(date_column='obs_date') -%}
{%- if is_incremental() -%}
delete from {{ this }} where {{ air_window_where(date_column) }}
{%- else -%}
select 1
{%- endif -%}
{%- endmacro %}
