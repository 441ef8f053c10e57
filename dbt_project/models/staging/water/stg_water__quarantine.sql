{#- Monitoring cells that could not be used, with file, row, column and reason; the rest loads. -#}
select source_file, source_row, header as column_name, raw_value, problem as reason
from {{ ref('stg_water__section_monthly_checked') }}
where problem is not null
