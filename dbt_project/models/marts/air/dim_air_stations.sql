{#- The air monitoring stations (监测站点) of the station registry: name, level, area, position and
    which end of the hour the feed's timepoint marks (CNEMC: the end). -#}

with stations as (
    select * from {{ ref('stg_air__stations') }}
),

final as (
    select
        ---------- ids
        station_code,
        ---------- the station
        station_name,
        station_level,
        area,
        longitude,
        latitude,
        feed_hour_label
    from stations
)

select * from final
