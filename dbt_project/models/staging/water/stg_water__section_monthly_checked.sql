{{ config(tags=['as_of']) }}
{#- Every monitoring cell that names a GB 3838 indicator, parsed, with the reason it cannot be
    used (null = usable). Headers that are not GB 3838 indicators (水温, 电导率, 浊度…) are not
    part of the class (地表水环境质量评价办法（试行）2011 §2.1) and are left out. -#}

with cells as (
    select * from {{ source('raw_water', 'water_section_monthly') }}
),

aliases as (
    select * from {{ ref('std_gb3838_indicator_aliases') }}
),

sections as (
    select * from {{ ref('stg_water__sections') }}
),

parsed as (
    select
        ---------- ids
        coalesce(upper(trim(cells.section_code)), by_name.section_code) as section_code,
        try_strptime(trim(cells.monitor_month), ['%Y-%m', '%Y/%m', '%Y-%m-%d', '%Y/%m/%d', '%Y年%m月'])
            as month_start,
        aliases.indicator,
        ---------- measures
        {{ water_parse_value('cells.raw_value') }} as value,
        ---------- as given
        cells.section_code as section_code_text,
        cells.section_name as section_name_text,
        cells.monitor_month as month_text,
        cells.header,
        cells.raw_value,
        cells.source_file,
        cells.source_row
    from cells
    inner join aliases on lower(trim(aliases.alias)) = lower(trim(cells.header))
    left join sections as by_name on by_name.section_name = trim(cells.section_name)
),

checked as (
    select
        parsed.*,
        case
            when parsed.section_code is null or known.section_code is null
                then '断面不在断面名录中: ' || coalesce(section_code_text, section_name_text, '(空)')
            when parsed.month_start is null then '监测时间无法识别: ' || coalesce(month_text, '(空)')
            when parsed.value is null and lower(trim(coalesce(raw_value, ''))) not in ({{ water_missing_tokens() }})
                then header || ' 不是数值: ' || raw_value
            when parsed.value < 0 then header || ' 为负值: ' || raw_value
        end as problem
    from parsed
    left join sections as known on known.section_code = parsed.section_code
)

select
    section_code,
    year(month_start)::integer as obs_year,
    month(month_start)::integer as obs_month,
    indicator,
    value,
    header,
    raw_value,
    source_file,
    source_row,
    problem
from checked
-- as of a date: a month's value counts once the month has ended (macros/ops/as_of.sql)
where {{ known_as_of('last_day(month_start::date)') }}
