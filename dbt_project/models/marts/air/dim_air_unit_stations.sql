{#- Which stations a unit's air quality is computed from (点位): one row per unit and station
    (钦南区 and 钦北区 share the central-city stations, seed 004). -#}

with unit_stations as (
    select * from {{ ref('stg_air__unit_stations') }}
),

stations as (
    select * from {{ ref('stg_air__stations') }}
),

final as (
    select
        ---------- ids
        unit_stations.unit_code,
        unit_stations.station_code,
        ---------- names
        unit_stations.unit_name,
        stations.station_name,
        stations.station_level
    from unit_stations
    left join stations using (station_code)
)

select * from final
