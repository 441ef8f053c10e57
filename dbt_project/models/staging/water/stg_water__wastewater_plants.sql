{{ config(tags=['as_of']) }}
{#- Waste-water plant months of stg_water__wastewater_plants_dated.
    As of a date (`--as-of`, dbt var `as_of`): only the rows known by then, cut on the date
    the dated model gives each row (`known_on`) with the one macro (macros/ops/as_of.sql);
    fct_as_of_cuts lists the others from the dated model. Without an as-of date: every row. -#}

select * exclude (known_on)
from {{ ref('stg_water__wastewater_plants_dated') }}
where {{ known_as_of('known_on') }}
