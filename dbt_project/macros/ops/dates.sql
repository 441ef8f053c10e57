{#- The one home of the date formats people write in input files (issue 37): every staging model
    and check that reads a date or a month written by a person parses it here. -#}

{#- A day: 2024-03-05 or 2024/3/5 (a time after it is not a day). -#}
{% macro parse_date(expr) -%}
    try_strptime(trim({{ expr }}), ['%Y-%m-%d', '%Y/%m/%d'])::date
{%- endmacro %}

{#- A month: 2024-03, 2024/03, 2024年03月, or a day of it (2024-03-01, 2024/03/01); the month's
    first day as a timestamp (null when none of them reads). -#}
{% macro parse_month(expr) -%}
    try_strptime(trim({{ expr }}), ['%Y-%m', '%Y/%m', '%Y-%m-%d', '%Y/%m/%d', '%Y年%m月'])
{%- endmacro %}
