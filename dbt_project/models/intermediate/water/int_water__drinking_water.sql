{#- Unit × year drinking-water source attainment (seed 003 item 一.4(1): "按每次各项监测达标因子
    个数占总因子数的比例计算"): a factor-measurement attains when its GB 3838-2002 class is III or
    better (集中式生活饮用水地表水源地 are held to class III, GB 3838-2002 §4 and 表1). The points
    (100 % → full, < 90 % → 0, linear between) are the scheme's rule (an interpolation), not here. -#}

with samples as (
    select *, 'GB3838-2002' as standard_code, 3 as target_class
    from {{ ref('stg_water__drinking_samples') }}
    where indicator is not null and value is not null
),

classed as (
    {{ water_indicator_classes('samples', ref('std_gb3838_limits')) }}
),

per_unit as (
    select
        unit_code,
        year(sample_date)::integer as obs_year,
        count(*) as factor_measurements,
        count(*) filter (where indicator_class <= 3) as attaining_measurements,
        string_agg(
            source_code || ':' || sample_date::varchar || ':' || indicator, ';'
            order by sample_date, indicator
        ) filter (where indicator_class > 3
        ) as exceedance_keys
    from classed
    group by all
),

final as (
    select
        per_unit.*,
        -- exact: attaining × 100 / all, to 4 decimals (integer arithmetic)
        ((attaining_measurements * 1000000 // factor_measurements)::decimal(38, 0) * 0.0001)::decimal(18, 4)
            as attainment_rate,
        factor_measurements - attaining_measurements as exceedances
    from per_unit
)

select * from final
