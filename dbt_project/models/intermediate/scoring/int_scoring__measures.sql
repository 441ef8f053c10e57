{#- Every measured value a rule can read, long: (unit, year, measure_code, value, source
    keys). Each domain publishes marts/<domain>/fct_<domain>_unit_measures with these columns;
    this is the only place scoring reads domain marts. Published values
    (stg_scoring__published_measures) fill only a (unit, year, measure) no domain computes. -#}

with air as (
    select * from {{ ref('fct_air_unit_measures') }}
),

water as (
    select * from {{ ref('fct_water_unit_measures') }}
),

published as (
    select * from {{ ref('stg_scoring__published_measures') }}
),

domains as (
    select unit_code, measure_year, measure_code, measure_value, standard_code, source_keys
    from air
    union all
    select unit_code, measure_year, measure_code, measure_value, standard_code, source_keys
    from water
),

published_gaps as (
    select
        published.unit_code,
        published.measure_year,
        published.measure_code,
        published.measure_value,
        null::varchar as standard_code,
        'published_measures:' || published.source_file || ':' || published.source_row::varchar
            as source_keys
    from published
    anti join (select * from domains where measure_value is not null) as d
        using (unit_code, measure_year, measure_code)
),

-- a domain row without a value (e.g. a year short of valid days) gives way to the published
-- value: one row per unit, year and measure either way
final as (
    select * from domains
    anti join published_gaps using (unit_code, measure_year, measure_code)
    union all
    select * from published_gaps
)

select * from final
