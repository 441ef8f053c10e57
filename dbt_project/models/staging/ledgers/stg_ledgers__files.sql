with source as (
    select * from {{ source('raw_ledgers', 'ledger_files') }}
)

select
    ---------- ids
    source_file,
    file_hash,
    ---------- findings
    source_sheet,
    header_row::integer as header_row,
    column_name,
    file_problem,
    ---------- counts
    rows_read::integer as rows_read,
    change
from source
