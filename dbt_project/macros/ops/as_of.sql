{#- As of a date (`--as-of`, dbt var `as_of`): every dated input is cut at that date, as the
    meeting after it would have seen the data. One predicate for all of them, so air hours,
    ledger events, water months, published measures and self scores are cut alike; the cut rows
    are listed in fct_as_of_cuts. Without as_of the predicate is `true`. -#}

{% macro as_of_date() -%}
    {%- if var('as_of', '') -%} '{{ var("as_of") }}'::date {%- else -%} null::date {%- endif -%}
{%- endmacro %}

{#- `date_expr` known by the as-of date (a null date passes: it is not a date, and the staging
    model that reads it quarantines it or keeps it as undated). -#}
{% macro known_as_of(date_expr) -%}
    {%- if var('as_of', '') -%}
    ({{ date_expr }} is null or {{ date_expr }} <= {{ as_of_date() }})
    {%- else -%}
    true
    {%- endif -%}
{%- endmacro %}

{#- A monthly value is known once its month has ended. -#}
{% macro month_end(year_expr, month_expr) -%}
    last_day(make_date({{ year_expr }}, {{ month_expr }}, 1))
{%- endmacro %}
