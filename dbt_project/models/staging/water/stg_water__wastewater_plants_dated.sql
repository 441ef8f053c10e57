with source as (
    select * from {{ source('raw_water', 'water_wastewater_plants') }}
),

renamed as (
    select
        ---------- ids
        upper(trim(plant_code)) as plant_code,
        trim(plant_name) as plant_name,
        lower(trim(unit_code)) as unit_code,
        year({{ parse_month('month') }})::integer as obs_year,
        month({{ parse_month('month') }})::integer as obs_month,
        ---------- properties
        -- seed 001 item 6(2)②: 漓江流域内 / 非漓江流域内 have different thresholds
        lower(trim(li_river_basin)) in ('是', 'y', 'yes', 'true', '1') as in_li_river_basin,
        ---------- measures
        try_cast(trim(influent_cod_mg_l) as decimal(18, 4)) as influent_cod_mg_l,
        try_cast(trim(load_rate_pct) as decimal(18, 4)) as load_rate_pct,
        source_file,
        source_row
    from source
)

-- a plant-month is known once the month has ended (the as-of cut, macros/ops/as_of.sql)
select
    *,
    case when obs_year is not null then {{ month_end('obs_year', 'obs_month') }} end as known_on
from renamed
