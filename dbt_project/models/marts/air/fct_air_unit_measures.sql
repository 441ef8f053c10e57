{#- The air measures a scoring rule can read, long: one row per unit, year and measure, with
    the source rows that produced it. Scoring reads domains only through *_unit_measures. -#}
{%- set air_measures = ['good_day_ratio', 'heavy_pollution_ratio', 'pm2_5_annual_mean',
                        'pm10_annual_mean', 'so2_annual_mean', 'no2_annual_mean', 'co_p95',
                        'o3_8h_p90', 'comprehensive_index'] %}

with air_annual as (
    select * from {{ ref('fct_air_unit_annual') }}
),

final as (
    {%- for m in air_measures %}
    select
        unit_code,
        obs_year as measure_year,
        'air.{{ m }}' as measure_code,
        {{ m }}::decimal(18, 4) as measure_value,
        standard_code,
        'fct_air_unit_annual:' || unit_code || ':' || obs_year::varchar as source_keys
    from air_annual
    {{ "union all" if not loop.last }}
    {%- endfor %}
)

select * from final
