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
        -- GB 3838-2002 表1 第8项: lakes and reservoirs have their own TP limits
        case when lower(trim(waterbody)) in ('lake', 'reservoir', '湖库', '湖泊', '水库') then 'lake'
             else 'river' end as waterbody,
        trim(level) as section_level,
        coalesce(
            try_cast(trim(target_class) as integer),
            case upper(replace(trim(target_class), '类', ''))
                when 'I' then 1 when 'II' then 2 when 'III' then 3 when 'IV' then 4 when 'V' then 5
                when 'Ⅰ' then 1 when 'Ⅱ' then 2 when 'Ⅲ' then 3 when 'Ⅳ' then 4 when 'Ⅴ' then 5 end
        ) as target_class,
        source_file,
        source_row
    from source
)

select * from renamed
