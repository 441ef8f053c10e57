with source as (
    select * from {{ source('raw_scheme', 'scheme_item_reads') }}
)

select
    scheme_code,
    item_code,
    read_kind,
    code
from source
