{#- The unit convention each scheme unit is computed under (issue 33: chosen per scheme): a
    scheme may declare `scheme.air_convention` (cnemc_published | standard, seed
    std_air_unit_conventions); its units take it. A unit of several declaring schemes takes the
    newest year's; two schemes of that year declaring different conventions for one unit is an
    error (data test: a unit's values can be made one way). A unit of the office's own registry
    (registry/unit_stations.csv) that no scheme names — the city beside its districts, whose
    stations seed 004 gives 钦南区 and 钦北区 — takes the convention every declaring scheme agrees
    on, so units computed from the same stations agree; when they disagree, and for the cities of
    the national station list, the var `air_convention` applies (macros/air/conventions.sql). -#}
with schemes as (
    select scheme_code, scheme_year, air_convention
    from {{ ref('stg_scheme__schemes') }}
    where air_convention is not null
),

units as (
    select distinct scheme_code, unit_code from {{ ref('stg_scheme__units') }}
),

declared as (
    select
        units.unit_code,
        schemes.scheme_year,
        schemes.air_convention,
        schemes.scheme_code
    from units
    inner join schemes using (scheme_code)
),

newest as (
    select *
    from declared
    qualify scheme_year = max(scheme_year) over (partition by unit_code)
),

by_scheme as (
    select
        unit_code,
        min(air_convention) as convention_code,
        count(distinct air_convention) as n_conventions_declared,
        string_agg(distinct scheme_code || '=' || air_convention, '; ') as declared_by
    from newest
    group by unit_code
),

-- registry units no scheme names, when the declaring schemes agree on one convention
unanimous as (
    select min(air_convention) as convention_code
    from schemes
    having count(distinct air_convention) = 1
),

registry_units as (
    select distinct unit_code
    from {{ ref('stg_air__unit_stations') }}
    where membership_source = 'registry'
),

final as (
    select * from by_scheme
    union all
    select
        registry_units.unit_code,
        unanimous.convention_code,
        1 as n_conventions_declared,
        'all declaring schemes' as declared_by
    from registry_units
    cross join unanimous
    anti join by_scheme using (unit_code)
)

select * from final
