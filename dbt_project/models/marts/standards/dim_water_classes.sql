{#- GB 3838-2002 表1: the surface-water classes (水质类别) Ⅰ–劣Ⅴ with their status (水质状况,
    地表水环境质量评价办法（试行）2011) and display colours (the seed std_gb3838_classes). -#}

with classes as (
    select * from {{ ref('std_gb3838_classes') }}
),

final as (
    select
        class::integer as class,
        class_name,
        label_zh,
        status_zh,
        colour
    from classes
)

select * from final
