{{ config(tags=['as_of']) }}
{#- LEDGER EVENTS CONTRACT: the valid ledger rows scoring reads. Only rows with no problem and
    not a repeat; no personal data (contact names and phones stay in restricted.duckdb). -#}

with rows as (
    select * from {{ ref('int_ledgers__rows_resolved') }}
),

departments as (
    -- the department answering for the row (责任部门): the unit, the 责任部门 column, the file's
    -- folder or name, else the item's lead department
    select * from {{ ref('int_ledgers__row_departments') }}
),

rejected as (
    select ledger_row_id from {{ ref('int_ledgers__row_problems') }}
    union
    select ledger_row_id from {{ ref('int_ledgers__duplicates') }}
),

final as (
    select
        ---------- ids
        rows.ledger_row_id::varchar as ledger_row_id,
        rows.scheme_code::varchar as scheme_code,
        rows.unit_code::varchar as unit_code,
        rows.item_code::varchar as item_code,
        departments.department_code::varchar as department_code,
        departments.department_name::varchar as department_name,
        departments.department_basis::varchar as department_basis,
        ---------- event
        rows.event_date::date as event_date,
        rows.event_kind::varchar as event_kind,
        coalesce(rows.quantity, 1)::decimal(18, 4) as quantity,
        rows.amount_yuan::decimal(18, 2) as amount_yuan,
        rows.severity::varchar as severity,
        rows.issuing_level::varchar as issuing_level,
        rows.status::varchar as status,
        rows.approval_ref::varchar as approval_ref,
        rows.evidence_ref::varchar as evidence_ref,
        rows.deadline::date as deadline,
        rows.completed_date::date as completed_date,
        rows.description::varchar as description,
        ---------- source
        rows.source_file::varchar as source_file,
        rows.source_sheet::varchar as source_sheet,
        rows.source_row::integer as source_row
    from rows
    left join departments using (ledger_row_id)
    where
        rows.ledger_row_id not in (select ledger_row_id from rejected)
        and not rows.other_year
        -- as of a date: an event counts from its event date (listed in fct_as_of_cuts)
        and {{ known_as_of('rows.event_date') }}
)

select * from final
