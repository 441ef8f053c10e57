{#- Ledger rows and files not used, with file, sheet, row, column, the value as written and the
    reason in Chinese. Published beside the marts (no personal data: contact columns are never
    read into the warehouse, phone numbers in free text are masked at ingest). -#}

with rows as (
    select * from {{ ref('int_ledgers__rows_resolved') }}
),

row_faults as (
    select ledger_row_id, column_name, value, reason from {{ ref('int_ledgers__row_problems') }}
    union all
    select ledger_row_id, column_name, value, reason from {{ ref('int_ledgers__duplicates') }}
),

file_faults as (
    select
        null::varchar as ledger_row_id,
        null::varchar as department_code,
        null::varchar as department_name,
        source_file,
        source_sheet,
        header_row as source_row,
        column_name,
        null::varchar as value,
        file_problem as reason
    from {{ ref('stg_ledgers__files') }}
    where file_problem is not null
),

final as (
    select
        'ledgers' as input_name,
        row_faults.ledger_row_id,
        -- the department answering for the row, when its scheme could be read (责任部门)
        departments.department_code,
        departments.department_name,
        rows.source_file,
        rows.source_sheet,
        rows.source_row,
        row_faults.column_name,
        row_faults.value,
        row_faults.reason
    from row_faults
    inner join rows using (ledger_row_id)
    left join {{ ref('int_ledgers__row_departments') }} as departments using (ledger_row_id)
    union all
    select 'ledgers' as input_name, * from file_faults
)

select * from final
