{#- fct_unit_item_scores holds one row per scheme × unit × item (SPEC §4 composition works on
    that grid); any repeat is returned. -#}

select scheme_code, unit_code, item_code, count(*) as row_count
from {{ ref('fct_unit_item_scores') }}
group by all
having count(*) > 1
