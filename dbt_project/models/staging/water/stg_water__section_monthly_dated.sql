{#- Every monitoring cell that names a GB 3838 indicator, parsed, with the reason it cannot be
    used (null = usable). Headers that are not GB 3838 indicators (水温, 电导率, 浊度…) are not
    part of the class (地表水环境质量评价办法（试行）2011 §2.1) and are left out.

    A section-month sent more than once (two rows, in one file or several; issue 15 part 1):
    when every copy gives every indicator the same value (compared as parsed; a missing cell
    equals only a missing cell; a cell with its own fault, or absent from a version, takes no
    part), the copies collapse: per indicator one cell is used (a value before a missing cell,
    then by file and row) and the others are listed as merged; when any indicator differs, no copy of that
    section-month is used — order decides nothing, and a month classed from the indicators that
    agree could look better than it was — and every cell of every copy is quarantined, the
    differing indicators with every copy's value; such a section-month also stops publishing
    (expectations/water_section_monthly_checked.yaml reads this model: the one home of these
    rules, issue 37). `problem_kind` names the fault for a program, `problem` for a person. -#}

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
        {{ parse_month('cells.monitor_month') }} as month_start,
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

known as (
    select
        parsed.*,
        -- a cell with its own fault (not a number, negative) is quarantined for that and takes
        -- no part in comparing the versions
        (
            parsed.value is null
            and lower(trim(coalesce(parsed.raw_value, ''))) not in ({{ water_missing_tokens() }})
        )
        or parsed.value < 0 as is_faulty
    from parsed
    inner join sections using (section_code)
    where parsed.month_start is not null
),

-- a section-month sent in more than one row (a row of the file = one version)
duplicate_versions as (
    select
        section_code,
        month_start,
        source_file,
        source_row,
        row_number() over (
            partition by section_code, month_start order by source_file, source_row
        ) as copy_number,
        count(*) over (partition by section_code, month_start) as n_versions
    from (select distinct section_code, month_start, source_file, source_row from known)
    qualify n_versions > 1
),

-- per indicator of such a section-month: do the versions differ (a missing cell differs from a
-- value; a version without the cell, or with a faulty one, says nothing), and every version's
-- value as written
duplicate_cells as (
    select
        k.*,
        v.n_versions,
        -- the cell used when the versions agree: a value before a missing one, then file order
        row_number() over (
            partition by k.section_code, k.month_start, k.indicator
            order by k.is_faulty, k.value is null, k.source_file, k.source_row
        ) as cell_rank
    from known as k
    inner join duplicate_versions as v using (section_code, month_start, source_file, source_row)
),

duplicate_indicators as (
    select
        k.section_code,
        k.month_start,
        k.indicator,
        min(k.header) as header,
        any_value(k.n_versions) as n_versions,
        count(distinct coalesce(k.value::varchar, '缺测')) filter (where not k.is_faulty) > 1
            as is_conflicting,
        string_agg(
            coalesce(nullif(trim(k.raw_value), ''), '缺测') || '（' || k.source_file
            || ' 第 ' || k.source_row::varchar || ' 行）',
            '、' order by k.source_file, k.source_row
        ) filter (where not k.is_faulty) as versions_text
    from duplicate_cells as k
    group by k.section_code, k.month_start, k.indicator
),

duplicate_months as (
    select
        section_code,
        month_start,
        any_value(n_versions) as n_versions,
        bool_or(is_conflicting) as is_conflicting,
        string_agg(header, '、' order by indicator) filter (where is_conflicting)
            as conflicting_indicators
    from duplicate_indicators
    group by all
),

checked as (
    select
        parsed.*,
        dm.n_versions,
        dm.conflicting_indicators,
        di.versions_text,
        -- what is wrong with the cell (null: usable); the text below says it for a person
        case
            when parsed.section_code is null or known.section_code is null then 'unknown_section'
            when parsed.month_start is null then 'unreadable_month'
            when di.is_conflicting then 'conflicting_indicator'
            when dm.is_conflicting then 'conflicting_month'
            when
                parsed.value is null
                and lower(trim(coalesce(parsed.raw_value, ''))) not in ({{ water_missing_tokens() }})
                then 'not_a_number'
            when parsed.value < 0 then 'negative'
            when dc.cell_rank > 1 then 'merged_duplicate'
        end as problem_kind
    from parsed
    left join sections as known on known.section_code = parsed.section_code
    left join duplicate_versions as dv
        on
            dv.section_code = parsed.section_code
            and dv.month_start = parsed.month_start
            and dv.source_file = parsed.source_file
            and dv.source_row = parsed.source_row
    left join duplicate_months as dm
        on dm.section_code = dv.section_code and dm.month_start = dv.month_start
    left join duplicate_indicators as di
        on
            di.section_code = dv.section_code
            and di.month_start = dv.month_start
            and di.indicator = parsed.indicator
    left join duplicate_cells as dc
        on
            dc.source_file = parsed.source_file
            and dc.source_row = parsed.source_row
            and dc.header = parsed.header
),

described as (
    select
        *,
        case problem_kind
            when 'unknown_section'
                then '断面不在断面名录中: ' || coalesce(section_code_text, section_name_text, '(空)')
            when 'unreadable_month' then '监测时间无法识别: ' || coalesce(month_text, '(空)')
            when 'conflicting_indicator'
                then
                    '同一断面同一月份收到 ' || n_versions::varchar || ' 个版本且 ' || header
                    || ' 不同：' || versions_text || '，该断面该月各版本均不采用'
            when 'conflicting_month'
                then
                    '同一断面同一月份收到 ' || n_versions::varchar || ' 个版本且数值不同（'
                    || conflicting_indicators || '），该断面该月各版本均不采用'
            when 'not_a_number' then header || ' 不是数值: ' || raw_value
            when 'negative' then header || ' 为负值: ' || raw_value
            when 'merged_duplicate' then '同一断面同一月份重复报送（数值相同，已合并）'
        end as problem
    from checked
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
    problem_kind,
    problem,
    -- a month's value is known once the month has ended (the as-of cut, macros/ops/as_of.sql)
    last_day(month_start::date) as known_on
from described
