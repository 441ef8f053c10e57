{#- Ledger events scoring reads (LEDGER EVENTS CONTRACT, int_ledgers__events): valid rows
    only, no personal data. Until the ledgers domain publishes int_ledgers__events this is an
    empty relation with the contract's columns, so every ledger-driven rule reports that no
    event was recorded. -#}

with final as (
    select
        null::varchar as ledger_row_id,
        null::varchar as scheme_code,
        null::varchar as unit_code,
        null::varchar as item_code,
        null::date as event_date,
        null::varchar as event_kind,
        null::decimal(18, 4) as quantity,
        null::decimal(18, 2) as amount_yuan,
        null::varchar as severity,
        null::varchar as issuing_level,
        null::varchar as status,
        null::varchar as approval_ref,
        null::varchar as evidence_ref,
        null::date as deadline,
        null::date as completed_date,
        null::varchar as description,
        null::varchar as source_file,
        null::varchar as source_sheet,
        null::integer as source_row
    where false
)

select * from final
