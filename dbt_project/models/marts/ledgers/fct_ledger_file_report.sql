{#- One row per ledger file: what was read, loaded and quarantined, and whether the file is new,
    changed or unchanged since the last run (SPEC §5: no row is dropped silently), and how many
    loaded rows no scheme item reads (int_ledgers__unread: a warning, they load but never score).
    Every row read is counted once: loaded, quarantined, of another assessment year or (as of a
    date) after it — read = loaded + quarantined + other year + after as-of, tested — and the
    status says 全部载入 only when every row read was loaded. -#}

with files as (
    select
        source_file,
        any_value(file_hash) as file_hash,
        any_value(change) as change,
        max(rows_read) as rows_read,
        count(file_problem) as file_problems,
        -- why a file (or one of its sheets) was not read: named in the report itself
        string_agg(distinct file_problem, '；' order by file_problem) as file_problem_zh
    from {{ ref('stg_ledgers__files') }}
    group by source_file
),

loaded as (
    select
        source_file,
        count(*) as rows_loaded,
        -- the department the file's rows answer to (责任部门), when they all answer to one
        case when count(distinct department_code) = 1 then any_value(department_code) end
            as department_code,
        case when count(distinct department_code) = 1 then any_value(department_name) end
            as department_name
    from {{ ref('int_ledgers__events') }}
    group by source_file
),

department_unknown as (
    -- rows whose 责任部门 names no department of the scheme: loaded, answered for by the
    -- file's or the item's department (int_ledgers__row_departments), and reported here
    select rows.source_file, count(*) as rows_department_unknown
    from {{ ref('int_ledgers__row_departments') }} as d
    inner join {{ ref('int_ledgers__rows_resolved') }} as rows using (ledger_row_id)
    where d.is_department_unknown
    group by rows.source_file
),

other_year as (
    select source_file, count(*) as rows_other_year
    from {{ ref('int_ledgers__rows_resolved') }}
    where other_year
    group by source_file
),

after_as_of as (
    -- as of a date: rows dated after it, neither loaded nor quarantined (fct_as_of_cuts)
    select rows.source_file, count(*) as rows_after_as_of
    from {{ ref('int_ledgers__rows_resolved') }} as rows
    where
        not rows.other_year
        and not {{ known_as_of('rows.event_date') }}
        and rows.ledger_row_id not in (
            select ledger_row_id from {{ ref('int_ledgers__quarantine') }}
            where ledger_row_id is not null
        )
    group by rows.source_file
),

unread as (
    -- loaded rows whose event kind no item reads (they can never move a point)
    select source_file, count(*) as rows_unread
    from {{ ref('int_ledgers__unread') }}
    group by source_file
),

quarantined as (
    select source_file, count(distinct ledger_row_id) as rows_quarantined
    from {{ ref('int_ledgers__quarantine') }}
    where ledger_row_id is not null
    group by source_file
),

final as (
    select
        ---------- ids
        files.source_file,
        files.file_hash,
        files.change,
        loaded.department_code,
        loaded.department_name,
        ---------- counts
        files.rows_read::integer as rows_read,
        coalesce(loaded.rows_loaded, 0)::integer as rows_loaded,
        coalesce(quarantined.rows_quarantined, 0)::integer as rows_quarantined,
        -- rows of another assessment year's scheme: loaded by that year's run
        coalesce(other_year.rows_other_year, 0)::integer as rows_other_year,
        coalesce(after_as_of.rows_after_as_of, 0)::integer as rows_after_as_of,
        files.file_problems::integer as file_problems,
        coalesce(unread.rows_unread, 0)::integer as rows_unread,
        coalesce(department_unknown.rows_department_unknown, 0)::integer as rows_department_unknown,
        files.file_problem_zh,
        ---------- for people
        case
            when files.file_problems > 0 then '文件未读取或未载入，运行被阻止：' || files.file_problem_zh
            when coalesce(loaded.rows_loaded, 0) = files.rows_read then '全部载入'
            -- rows of another assessment year are loaded by that year's run, not "all loaded" here
            when files.rows_read > 0 and coalesce(other_year.rows_other_year, 0) = files.rows_read
                then '属其他考核年度（' || other_year.rows_other_year || ' 行），由该年度计分'
            else concat_ws(
                '；',
                case
                    when quarantined.rows_quarantined > 0
                        then '隔离 ' || quarantined.rows_quarantined || ' 行，见隔离清单'
                end,
                case
                    when other_year.rows_other_year > 0
                        then '另有 ' || other_year.rows_other_year || ' 行属其他考核年度，由该年度计分'
                end,
                case
                    when after_as_of.rows_after_as_of > 0
                        then after_as_of.rows_after_as_of || ' 行晚于截止日期，未计入'
                end
            )
        end || case
            when coalesce(unread.rows_unread, 0) > 0
                then '；警告：' || unread.rows_unread || ' 行的事项类型没有指标读取，不计分'
            else ''
        end || case
            when coalesce(department_unknown.rows_department_unknown, 0) > 0
                then
                    '；警告：' || department_unknown.rows_department_unknown
                    || ' 行的责任部门不在考核方案的部门名单中，按文件夹或指标的牵头部门计'
            else ''
        end as status_zh
    from files
    left join loaded using (source_file)
    left join quarantined using (source_file)
    left join other_year using (source_file)
    left join after_as_of using (source_file)
    left join unread using (source_file)
    left join department_unknown using (source_file)
)

select * from final
