{#- The same event written twice (same scheme, unit, item, kind, date and evidence reference,
    within a file or across files): the first occurrence (by file, sheet, row) loads, the others
    are quarantined naming it. Rows without an evidence reference cannot be matched this way. -#}

with clean as (
    select rows.*
    from {{ ref('int_ledgers__rows_resolved') }} as rows
    where not exists (
        select 1 from {{ ref('int_ledgers__row_problems') }} as p
        where p.ledger_row_id = rows.ledger_row_id
    )
    and rows.evidence_ref is not null
    and not rows.other_year
),

ranked as (
    select
        ledger_row_id,
        evidence_ref,
        row_number() over same_event as occurrence,
        first_value(source_file) over same_event as first_file,
        first_value(source_sheet) over same_event as first_sheet,
        first_value(source_row) over same_event as first_row
    from clean
    window same_event as (
        partition by scheme_code, unit_code, item_code, event_kind, event_date, evidence_ref
        order by source_file, source_sheet, source_row
    )
),

final as (
    select
        ledger_row_id,
        'evidence_ref' as column_name,
        evidence_ref as value,
        '重复事项：与 ' || first_file
        || case when first_sheet <> '' then '「' || first_sheet || '」' else '' end
        || ' 第 ' || first_row || ' 行的单位、指标、事项类型、日期和证据编号相同' as reason
    from ranked
    where occurrence > 1
)

select * from final
