{#- fct_duty_completion: one row per department × duty (seed 002), whatever the ledger holds. -#}
select scheme_code, unit_code, item_code, count(*) as rows_found
from {{ ref('fct_duty_completion') }}
group by all
having count(*) <> 1
