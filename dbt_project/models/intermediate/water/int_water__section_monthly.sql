{#- Section × month: GB 3838-2002 class from that month's values (地表水环境质量评价办法（试行）
    2011 §3.1), limiting indicators (主要污染指标) and exceedance multiple (超标倍数) against
    the section's target, attainment (达标: class no worse than target). -#}

with cells as (
    select * from {{ ref('stg_water__section_monthly_checked') }}
    where problem is null and value is not null
),

sections as (
    select * from {{ ref('stg_water__sections') }}
),

measurements as (
    select
        cells.section_code,
        cells.obs_year,
        cells.obs_month,
        'GB3838-2002' as standard_code,
        cells.indicator,
        sections.waterbody,
        cells.value,
        sections.target_class,
        cells.source_file,
        cells.source_row
    from cells
    inner join sections using (section_code)
),

indicator_classes as (
    {{ water_indicator_classes('measurements', ref('std_gb3838_limits')) }}
),

section_class as (
    {{ water_section_class('indicator_classes', ['section_code', 'obs_year', 'obs_month'],
                           ref('std_gb3838_classes')) }}
),

final as (
    select
        ---------- ids
        s.section_code,
        s.obs_year,
        s.obs_month,
        s.section_code || ':' || s.obs_year::varchar || '-' || lpad(s.obs_month::varchar, 2, '0')
            as section_month_key,
        ---------- class
        s.class,
        s.class_name,
        s.class_label,
        s.target_class,
        s.class <= s.target_class as meets_target,
        s.class = 6 as is_class_6,
        s.limiting_indicators,
        s.limiting_codes,
        s.max_exceedance_multiple,
        s.n_indicators,
        'GB3838-2002' as standard_code
    from section_class as s
)

select * from final
