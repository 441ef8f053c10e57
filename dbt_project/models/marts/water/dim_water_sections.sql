{#- The surface-water monitoring sections (断面名录): name, river or lake/reservoir (GB 3838-2002
    表1 第8项: lakes and reservoirs have their own TP limits), level (国控, 区控 …), the unit
    answering for it, its target class and the section upstream. -#}

with sections as (
    select * from {{ ref('stg_water__sections') }}
),

final as (
    select
        ---------- ids
        section_code,
        ---------- the section
        section_name,
        river,
        waterbody,
        section_level,
        unit_code,
        target_class,
        upstream_section_code
    from sections
)

select * from final
