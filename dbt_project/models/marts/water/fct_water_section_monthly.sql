{#- The section × month class matrix (the dashboard draws it): one row per section and month,
    with its class against the target, limiting indicators and exceedance multiple. -#}

with monthly as (
    select * from {{ ref('int_water__section_monthly') }}
),

sections as (
    select * from {{ ref('stg_water__sections') }}
)

select
    ---------- ids
    monthly.section_code,
    sections.section_name,
    sections.river,
    sections.unit_code,
    sections.section_level,
    sections.waterbody,
    monthly.obs_year,
    monthly.obs_month,
    monthly.section_month_key,
    ---------- class
    monthly.class,
    monthly.class_name,
    monthly.class_label,
    monthly.target_class,
    monthly.meets_target,
    monthly.is_class_6,
    monthly.limiting_indicators,
    monthly.max_exceedance_multiple,
    monthly.n_indicators,
    monthly.standard_code
from monthly
inner join sections using (section_code)
