{#- One row per scheme and ledger file (issue 34 item 5: each scheme's papers count its own
    files): the rows of the file that belong to the scheme (int_ledgers__rows_resolved), how many
    were loaded (int_ledgers__events), quarantined (int_ledgers__quarantine) or belong to another
    assessment year (scored by that year's run, neither loaded nor quarantined here). Rows no
    scheme could be found for, and whole-file problems, have scheme_code null: every scheme of the
    year shows them (they may be its own). The counts every output prints (workbook, 通报). -#}

with rows as (
    select ledger_row_id, scheme_code, source_file, other_year
    from {{ ref('int_ledgers__rows_resolved') }}
),

loaded as (
    select ledger_row_id from {{ ref('int_ledgers__events') }}
),

quarantined as (
    select distinct ledger_row_id from {{ ref('int_ledgers__quarantine') }}
    where ledger_row_id is not null
),

file_problems as (
    select source_file, string_agg(distinct file_problem, '；' order by file_problem) as file_problem_zh
    from {{ ref('stg_ledgers__files') }}
    where file_problem is not null
    group by source_file
),

counted as (
    select
        rows.scheme_code,
        rows.source_file,
        count(*)::integer as rows_read,
        count(loaded.ledger_row_id)::integer as rows_loaded,
        count(quarantined.ledger_row_id)::integer as rows_quarantined,
        count(*) filter (where rows.other_year and quarantined.ledger_row_id is null)::integer
            as rows_other_year
    from rows
    left join loaded using (ledger_row_id)
    left join quarantined using (ledger_row_id)
    group by all
),

with_files as (
    select
        counted.*,
        null::varchar as file_problem_zh
    from counted
    union all
    select
        null::varchar as scheme_code,
        source_file,
        0 as rows_read,
        0 as rows_loaded,
        0 as rows_quarantined,
        0 as rows_other_year,
        file_problem_zh
    from file_problems
),

final as (
    select
        *,
        case
            when file_problem_zh is not null then '文件未读取或未载入：' || file_problem_zh
            when rows_read = rows_other_year then '属其他考核年度（' || rows_other_year || ' 行），由该年度计分'
            when rows_quarantined > 0 and rows_loaded = 0 then '全部被隔离，见隔离清单'
            when rows_quarantined > 0 then '部分行被隔离，见隔离清单'
            when rows_other_year > 0
                then '本年度行全部载入；另有 ' || rows_other_year || ' 行属其他考核年度'
            else '全部载入'
        end as status_zh
    from with_files
)

select * from final
