with source as (
    select * from {{ source('raw_ledgers', 'ledger_event_kinds') }}
)

select
    event_kind,
    label_zh,
    ledger_kind,
    is_deduction
from source
