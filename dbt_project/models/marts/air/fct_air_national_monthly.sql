{#- National monthly figures as the Ministry computes them (生态环境部 全国环境空气质量状况, issue 33
    item 6): the plain average over the listed cities (raw.air_national_cities: the 339
    地级及以上城市) of each city's monthly statistic (fct_air_unit_monthly) — 优良天数比例 and
    重度及以上污染天数比例 (%, 0.1), PM2.5, PM10, SO2, NO2 monthly means (μg/m³, whole), CO 95th
    percentile of the 24-hour means (mg/m³, 0.1), O3 90th percentile of the daily largest
    8-hour means (μg/m³, whole) — each rounded as published (half up), beside the published
    figure when raw.air_national_published has it. Measured on 2023-01 (tuned) and 2023-12
    (held out): the ratios, O3, SO2, NO2 and CO equal the published figures at their
    precision; PM2.5 and PM10 come out higher because the Ministry leaves out the days a city's
    PM was raised by sand and dust (受沙尘天气过程影响城市空气质量评价补充规定, 环办监测〔2016〕120号),
    which the real-time release does not mark. -#}
{#- the ratios from each city's day counts, not its rounded ratio (a city's 74.19 % is not
    74.2 % in the national mean) -#}
{%- set measures = [
    ('good_day_ratio', '100.0 * good_days / nullif(valid_days, 0)', 1),
    ('heavy_pollution_ratio', '100.0 * heavy_pollution_days / nullif(valid_days, 0)', 1),
    ('pm2_5', 'pm2_5_monthly_mean', 0), ('pm10', 'pm10_monthly_mean', 0), ('o3_8h_p90', 'o3_8h_p90', 0),
    ('so2', 'so2_monthly_mean', 0), ('no2', 'no2_monthly_mean', 0), ('co_p95', 'co_p95', 1)] %}

with cities as (
    select distinct trim(unit_code) as unit_code from {{ source('raw_air', 'air_national_cities') }}
),

published as (
    select
        trim(month) as month,
        trim(measure) as measure,
        try_cast(trim(published_value) as decimal(18, 3)) as published_value,
        trim(unit) as unit,
        trim(source) as source
    from {{ source('raw_air', 'air_national_published') }}
),

monthly as (
    select m.*
    from {{ ref('fct_air_unit_monthly') }} as m
    inner join cities using (unit_code)
    -- a city counts in a month it has a valid monthly statistic (27 days, 25 in February)
    where m.is_month_valid
),

national as (
    {%- for code, column, decimals in measures %}
        select
            strftime(make_date(obs_year, obs_month, 1), '%Y-%m') as month,
            '{{ code }}' as measure,
            count({{ column }}) as n_cities,
            (select count(*) from cities) as n_cities_listed,
            round(avg({{ column }})::decimal(18, 6), {{ decimals }}) as computed_value
        from monthly
        group by obs_year, obs_month
        {{ "union all" if not loop.last }}
    {%- endfor %}
),

final as (
    select
        national.*,
        published.published_value,
        published.unit,
        published.source,
        national.computed_value - published.published_value as difference,
        national.computed_value = published.published_value as is_equal
    from national
    left join published using (month, measure)
)

select * from final
