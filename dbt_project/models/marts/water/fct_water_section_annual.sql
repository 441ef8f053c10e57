{#- Section × year: annual class from annual means, attainment, monthly counts with the seed 003
    item 一.1 waiver, class change year on year, CWQI. -#}
select * exclude (below_target_keys, class_6_keys)
from {{ ref('int_water__section_annual') }}
