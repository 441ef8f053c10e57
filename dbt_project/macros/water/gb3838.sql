{#- The one implementation of GB 3838-2002 single-factor evaluation. Plain Jinja on purpose (no
    dbt-only calls), so the `ecoscore water-class` calculator renders the very same SQL as the
    pipeline's models. Values are DECIMAL(28, 10), limits DECIMAL(18, 6): every comparison is
    exact, never binary floating point. -#}

{% macro water_value_type() -%}
decimal(28, 10)
{%- endmacro %}


{% macro water_missing_tokens() -%}
'', '--', '-', '—', '-;', 'nan', 'null', 'na', 'n/a', '/'
{%- endmacro %}


{% macro water_parse_value(column) -%}
{#- A measured value as text → decimal; missing tokens (the national export writes `--`) → null;
    anything else that is not a number → null as well (the caller reports it). -#}
case when {{ column }} is null or lower(trim({{ column }})) in ({{ water_missing_tokens() }}) then null
     else try_cast(trim({{ column }}) as {{ water_value_type() }}) end
{%- endmacro %}


{% macro water_compact(column) -%}
{#- A registry or input cell with every space removed (ASCII and full-width U+3000), lower case. -#}
lower(regexp_replace({{ column }}, '[\s\x{3000}]+', '', 'g'))
{%- endmacro %}


{% macro water_waterbody(column) -%}
{#- 'river' | 'lake' of a water body as written (null when unrecognised): GB 3838-2002 表1 第8项
    (总磷) and 表2 note give lakes and reservoirs (湖、库) their own TP limits. 河流/河 → river;
    湖泊, 水库, 湖库, 湖, 库 → lake; spaces anywhere are ignored. The one rule, used by the water
    staging models and by `ecoscore water-class`. -#}
case when {{ water_compact(column) }} in ('river', '河流', '河') then 'river'
     when {{ water_compact(column) }} in ('lake', 'reservoir', '湖泊', '水库', '湖库', '湖', '库') then 'lake'
end
{%- endmacro %}


{% macro water_target_class(column) -%}
{#- A target class written 3, III, Ⅲ, Ⅲ类 or III类 (spaces ignored) → 1–5; null otherwise. -#}
coalesce(try_cast(upper(replace({{ water_compact(column) }}, '类', '')) as integer),
    case upper(replace({{ water_compact(column) }}, '类', ''))
        when 'I' then 1 when 'II' then 2 when 'III' then 3 when 'IV' then 4 when 'V' then 5
        when 'Ⅰ' then 1 when 'Ⅱ' then 2 when 'Ⅲ' then 3 when 'Ⅳ' then 4 when 'Ⅴ' then 5 end)
{%- endmacro %}


{% macro water_class_of(value, l) -%}
{#- GB 3838-2002 表1: a pollutant's limit is a maximum ("≤"), dissolved oxygen's a minimum ("≥"):
    a value exactly at a limit belongs to the better class. pH 6~9 is the same for every
    class; outside it no class I–V applies: 劣V (class 6), as the national evaluation does. -#}
case
    when {{ value }} is null then null
    when {{ l }}.direction = 'range' then
        case when {{ value }} >= {{ l }}.range_low and {{ value }} <= {{ l }}.limit_1 then 1 else 6 end
    when {{ l }}.direction = 'lower' then
        case when {{ value }} >= {{ l }}.limit_1 then 1
             when {{ value }} >= {{ l }}.limit_2 then 2
             when {{ value }} >= {{ l }}.limit_3 then 3
             when {{ value }} >= {{ l }}.limit_4 then 4
             when {{ value }} >= {{ l }}.limit_5 then 5
             else 6 end
    else
        case when {{ value }} <= {{ l }}.limit_1 then 1
             when {{ value }} <= {{ l }}.limit_2 then 2
             when {{ value }} <= {{ l }}.limit_3 then 3
             when {{ value }} <= {{ l }}.limit_4 then 4
             when {{ value }} <= {{ l }}.limit_5 then 5
             else 6 end
end
{%- endmacro %}


{% macro water_limit_of_class(l, class_expr) -%}
{#- The limit a class must meet (class 1–5); null for 劣V and for pH (a range, no single limit). -#}
case when {{ l }}.direction = 'range' then null
     when ({{ class_expr }}) = 1 then {{ l }}.limit_1
     when ({{ class_expr }}) = 2 then {{ l }}.limit_2
     when ({{ class_expr }}) = 3 then {{ l }}.limit_3
     when ({{ class_expr }}) = 4 then {{ l }}.limit_4
     when ({{ class_expr }}) = 5 then {{ l }}.limit_5
end
{%- endmacro %}


{% macro water_exceedance_multiple(value, limit, direction) -%}
{#- 超标倍数 (地表水环境质量评价办法（试行）2011 §3.3): (C − limit) / limit = C / limit − 1; for
    dissolved oxygen, whose limit is a minimum, the inverse: limit / C − 1. Null when the value
    meets the limit (no exceedance), for pH, or when DO is 0. Two decimals. -#}
case
    when {{ limit }} is null or {{ value }} is null then null
    when {{ direction }} = 'lower' and {{ value }} < {{ limit }} and {{ value }} > 0
        then round(({{ limit }})::double / ({{ value }})::double - 1, 2)
    when {{ direction }} = 'upper' and {{ value }} > {{ limit }}
        then round(({{ value }})::double / ({{ limit }})::double - 1, 2)
end
{%- endmacro %}


{% macro water_indicator_classes(measurements, limits) -%}
{#- In:  a relation with columns standard_code, indicator, waterbody ('river' | 'lake'), value
         (DECIMAL, null = missing), target_class (1–5; the class the section must meet), and
         any key columns.
    Out: its rows that have a value and a GB 3838 limit for that water body (TP: lake limits for
         lakes and reservoirs; TN: lakes only), plus the standard's columns, indicator_class
         (1–6), target_limit, exceeds_target and exceedance_multiple (against the target). -#}
select
    m.*,
    l.name_zh,
    l.unit,
    l.direction,
    l.evaluated,
    l.sort_order,
    l.limit_3,
    {{ water_class_of('m.value', 'l') }} as indicator_class,
    {{ water_limit_of_class('l', 'm.target_class') }} as target_limit,
    {{ water_class_of('m.value', 'l') }} > m.target_class as exceeds_target,
    {{ water_exceedance_multiple('m.value', water_limit_of_class('l', 'm.target_class'), 'l.direction') }}
        as exceedance_multiple
from {{ measurements }} as m
inner join {{ limits }} as l
    on l.standard_code = m.standard_code
    and l.indicator = m.indicator
    and (l.waterbody = 'all' or l.waterbody = m.waterbody)
where m.value is not null
{%- endmacro %}


{% macro water_section_class(indicator_classes, key_columns, classes) -%}
{#- 地表水环境质量评价办法（试行）2011 §3.1: a section's class is the worst class among its
    evaluated indicators (总氮 and 粪大肠菌群 are reported apart: evaluated = false).
    Limiting indicators (主要污染指标, §3.3): only when the class is worse than the target
    (class III unless the section has another target), the indicators worse than the target,
    worst class first, equal classes by the larger exceedance multiple, at most three.
    In:  water_indicator_classes output. Out: one row per key: class, class_name,
         limiting_indicators (';'-joined Chinese names), limiting_codes, max_exceedance_multiple,
         n_indicators, target_class. -#}
{%- set keys = key_columns | join(', ') %}
with evaluated as (
    select *,
        row_number() over (
            partition by {{ keys }}
            order by indicator_class desc, exceedance_multiple desc nulls last, sort_order
        ) as severity_rank
    from {{ indicator_classes }}
    where evaluated
),

per_key as (
    select
        {{ keys }},
        max(indicator_class) as class,
        max(target_class) as target_class,
        count(*) as n_indicators,
        string_agg(name_zh, ';' order by severity_rank)
            filter (where exceeds_target and severity_rank <= 3) as limiting_indicators,
        string_agg(indicator, ';' order by severity_rank)
            filter (where exceeds_target and severity_rank <= 3) as limiting_codes,
        max(exceedance_multiple) as max_exceedance_multiple
    from evaluated
    group by {{ keys }}
)

select per_key.*, c.class_name, c.label_zh as class_label
from per_key
left join {{ classes }} as c on c.class = per_key.class
{%- endmacro %}


{% macro water_exact_mean(value) -%}
{#- An aggregate: the arithmetic mean of DECIMAL values, exact to 10 decimals (integer
    arithmetic, rounded half up): DuckDB's avg() and DECIMAL division go through binary floating
    point, which could move an annual mean that equals a limit across it. -#}
((((sum({{ value }})::decimal(38, 10) * 10000000000)::hugeint * 2 + count({{ value }}))
    // (2 * count({{ value }})))::decimal(38, 0) * 0.0000000001::decimal(38, 10))
{%- endmacro %}


{% macro water_cwqi_term(value, l) -%}
{#- 城市地表水环境质量排名技术规定（试行）2017: the single-indicator water-quality index is
    C / class-III limit; DO: class-III limit / C; pH: (7 − pH) / (7 − 6) when pH ≤ 7, else
    (pH − 7) / (9 − 7). -#}
case
    when {{ value }} is null then null
    when {{ l }}.direction = 'range' then
        case when {{ value }} <= 7 then (7 - ({{ value }})::double) / 1
             else (({{ value }})::double - 7) / 2 end
    when {{ l }}.direction = 'lower' then
        case when {{ value }} > 0 then ({{ l }}.limit_3)::double / ({{ value }})::double end
    else ({{ value }})::double / ({{ l }}.limit_3)::double
end
{%- endmacro %}
