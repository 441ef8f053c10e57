{#- Which stations a unit is assessed on, dated (issue 33): the registry's rows
    (data/raw/registry/unit_stations.csv, with optional valid_from / valid_to, inclusive, empty
    = open) and, for every city of the national station list, its stations as the list names
    them (unit_code = unit_name = the city) unless the registry already defines that unit. Only
    stations whose role is 'city' (评价点) are counted (`is_counted`); 对照点 are listed, not
    counted. A unit's station set can change during a year: a membership counts on the days
    between its dates. -#}
with source as (
    select * from {{ source('raw_air', 'air_unit_stations') }}
),

stations as (
    select station_code, station_role from {{ ref('stg_air__stations') }}
),

national as (
    select * from {{ ref('stg_air__national_stations') }}
),

registry as (
    select distinct
        trim(unit_code) as unit_code,
        trim(unit_name) as unit_name,
        upper(trim(stationcode)) as station_code,
        coalesce(try_cast(nullif(trim(valid_from), '') as date), '1900-01-01'::date) as valid_from,
        coalesce(try_cast(nullif(trim(valid_to), '') as date), '9999-12-31'::date) as valid_to,
        'registry' as membership_source
    from source
),

from_list as (
    select
        city as unit_code,
        city as unit_name,
        station_code,
        '1900-01-01'::date as valid_from,
        '9999-12-31'::date as valid_to,
        'national_station_list' as membership_source
    from national
    where city is not null and city not in (select unit_code from registry)
),

final as (
    select
        m.*,
        coalesce(s.station_role, 'city') as station_role,
        coalesce(s.station_role, 'city') = 'city' as is_counted
    from (
        select * from registry
        union all
        select * from from_list
    ) as m
    left join stations as s using (station_code)
)

select * from final
