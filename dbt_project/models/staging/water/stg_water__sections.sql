with source as (
    select * from {{ source('raw_water', 'water_sections') }}
),

renamed as (
    select
        ---------- ids
        upper(trim(section_code)) as section_code,
        trim(section_name) as section_name,
        lower(trim(unit_code)) as unit_code,
        nullif(upper(trim(upstream_section_code)), '') as upstream_section_code,
        ---------- properties
        trim(river) as river,
        -- GB 3838-2002 表1 第8项 (TP): lakes and reservoirs have their own limits; the one rule
        -- of 湖/库/河 is macros/water/gb3838.sql water_waterbody (unrecognised: river, as before)
        coalesce({{ water_waterbody('waterbody') }}, 'river') as waterbody,
        trim(level) as section_level,
        {{ water_target_class('target_class') }} as target_class,
        source_file,
        source_row
    from source
)

select * from renamed
