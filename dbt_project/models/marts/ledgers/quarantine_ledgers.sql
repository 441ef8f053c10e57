{#- The ledger rows and files not used, published (quarantine_ledgers): every row or file
    int_ledgers__quarantine set aside, with file, sheet, row, column, the value as written, the
    reason in Chinese and the department answering for the row (SPEC §5). No personal data:
    contact columns are never read into the warehouse, free text is masked at ingest. -#}

select * from {{ ref('int_ledgers__quarantine') }}
