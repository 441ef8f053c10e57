{#- The measure registry (seeds/registry/registry_measures.csv) lists every measure the pipeline
    produces: a domain mart's, a published value's or a ledger measure's code missing from it
    is returned (scheme validation could not accept a scheme reading it). -#}
{# a Dagster asset check on the measures scoring reads (a test of several models needs its asset named) #}
{{ config(meta={'dagster': {'ref': {'name': 'int_scoring__measures'}}}) }}

with produced as (
    select distinct measure_code from {{ ref('int_scoring__measures') }}
    union
    select distinct measure_code from {{ ref('int_scoring__ledger_measures') }}
)

select produced.measure_code
from produced
anti join {{ ref('registry_measures') }} as r using (measure_code)
