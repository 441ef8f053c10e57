{#- Every measured value scoring read (考核指标实际值), long: one row per unit, year and measure —
    the domains' unit measures (fct_air_unit_measures, fct_water_unit_measures) and, where no
    domain computes one, a published value (data/raw/measures/*.csv) — with the standard behind it
    and the rows that produced it. `ecoscore scheme check` measures a scheme's items against it
    (pipelines/scheme/check.py); an analyst joins it to dim_scheme_items on measure_code. -#}

with measures as (
    select * from {{ ref('int_scoring__measures') }}
),

final as (
    select
        ---------- ids
        unit_code,
        measure_year::integer as measure_year,
        measure_code,
        ---------- the value
        measure_value::decimal(18, 4) as measure_value,
        standard_code,
        source_keys
    from measures
)

select * from final
