{#- Every measured value a rule can read, long: (unit, year, measure_code, value, source
    keys). Each domain publishes marts/<domain>/fct_<domain>_unit_measures with these columns;
    this is the only place scoring reads domain marts. -#}

with air as (
    select * from {{ ref('fct_air_unit_measures') }}
),

water as (
    select * from {{ ref('fct_water_unit_measures') }}
),

final as (
    select unit_code, measure_year, measure_code, measure_value, standard_code, source_keys
    from air
    union all
    select unit_code, measure_year, measure_code, measure_value, standard_code, source_keys
    from water
)

select * from final
