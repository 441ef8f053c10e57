{#- Exact arithmetic for rules. DuckDB divides DECIMALs in floating point (1.4 / 0.1 =
    13.999999999999998), which would floor a whole step away; so steps are counted on
    integers scaled by 10^4, and results are DECIMAL(18, 4). -#}

{% macro scaled_int(x) -%}
round(({{ x }})::decimal(18, 4) * 10000)::hugeint
{%- endmacro %}


{% macro step_count(gap, step, rounding) -%}
{#- How many steps of size `step` a positive gap makes. rounding: 'proportional' (exact, to
    10^-4), 'up' (不到1个百分点的按1个百分点计, seed 001 item 7(5)), 'down' (不足10万元部分不得
    加分, seed 001 bonus 11). A gap ≤ 0 makes no step. -#}
case
    when ({{ gap }}) is null or ({{ step }}) is null then null
    when ({{ gap }}) <= 0 then 0::decimal(18, 4)
    when ({{ rounding }}) = 'up'
        then (({{ scaled_int(gap) }} + {{ scaled_int(step) }} - 1) // {{ scaled_int(step) }})::decimal(18, 4)
    when ({{ rounding }}) = 'down'
        then ({{ scaled_int(gap) }} // {{ scaled_int(step) }})::decimal(18, 4)
    else (({{ scaled_int(gap) }} * 10000 // {{ scaled_int(step) }})::decimal(38, 0) * 0.0001)::decimal(18, 4)
end
{%- endmacro %}


{% macro fmt_num(x) -%}
{#- A number as a person writes it: 3.0000 → 3, 27.9000 → 27.9. -#}
regexp_replace(({{ x }})::decimal(18, 4)::varchar, '\.?0+$', '')
{%- endmacro %}
