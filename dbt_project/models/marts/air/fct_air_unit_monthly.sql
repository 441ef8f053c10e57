{#- Monthly air statistics of each unit (HJ 663-2013; SPEC §2.2): good-day and
    heavy-pollution ratios over the month's valid days, monthly means of the daily means, the
    HJ 663 percentiles (CO: 95th of the 24-hour means; O3: 90th of the daily largest 8-hour
    means), the comprehensive index (环境空气质量综合指数, 城市环境空气质量排名技术规定: Σ C_i/S_i
    over SO2/60, NO2/40, PM10/70, PM2.5/35 on the monthly means, CO/4 on the CO percentile, O3/160
    on the O3 percentile — concentrations rounded as published first: μg/m³ whole, CO 0.1; limits
    from std_air_index_limits; weights the vars `index_weight_*`, 1 by default), its rank among
    the units with a valid month (lower is better, ties share a rank), and validity — a monthly
    statistic needs at least 27 daily values, 25 in February (GB 3095-2012 表4, 2018
    amendment). -#}
{%- set mean_cols = ['so2_24h', 'no2_24h', 'pm10_24h', 'pm2_5_24h', 'co_24h', 'o3_8h_max'] %}

with daily as (
    select * from {{ ref('fct_air_unit_daily') }}
),

index_limits as (
    select
    {%- for p in ['so2', 'no2', 'pm10', 'pm2_5', 'co', 'o3'] %}
            max(limit_value) filter (where pollutant = '{{ p }}') as {{ p }}_limit{{ "," if not loop.last }}
    {%- endfor %}
    from {{ ref('std_air_index_limits') }}
),

convention as (
    {{ air_unit_convention() }}
),

monthly as (
    select
        unit_code,
        any_value(unit_name) as unit_name,
        obs_year,
        obs_month,
        string_agg(distinct standard_code, ';') as standard_code,
        ---------- day counts
        count(*) as days_reporting,
        count(*) filter (where is_valid_day) as valid_days,
        count(*) filter (where is_valid_day and aqi <= 100) as good_days,
        count(*) filter (where is_valid_day and aqi > 200) as heavy_pollution_days,
        ---------- monthly means of daily values
        {%- for c in mean_cols %}
            round_even(avg({{ c }})::decimal(18, 6), {{ 2 if c == 'co_24h' else 1 }})
                as {{ c.replace('_24h', '') }}_monthly_mean,
            count({{ c }}) as {{ c.replace('_24h', '') }}_days,
        {%- endfor %}
        ---------- percentiles (HJ 663-2013 §5.2.3)
        {{ hj663_percentile('co_24h', 0.95) }} as co_p95_exact,
        {{ hj663_percentile('o3_8h_max', 0.90) }} as o3_8h_p90_exact,
        -- GB 3095-2012 表4 (2018 amendment): 27 daily values a month, 25 in February
        {{ air_min_valid_days('obs_month') }} as min_days
    from daily
    group by unit_code, obs_year, obs_month
),

with_values as (
    select
        monthly.* exclude (co_p95_exact, o3_8h_p90_exact),
        {{ air_round('co_p95_exact', 1, 'convention.daily_mean_rounding') }} as co_p95,
        {{ air_round('o3_8h_p90_exact', 0, 'convention.daily_mean_rounding') }} as o3_8h_p90,
        case
            when valid_days > 0
                then round_even((100.0 * good_days / valid_days)::decimal(18, 6), 1)
        end as good_day_ratio,
        case
            when valid_days > 0
                then round_even((100.0 * heavy_pollution_days / valid_days)::decimal(18, 6), 1)
        end as heavy_pollution_ratio,
        pm2_5_days >= min_days as is_month_valid,
        convention.daily_mean_rounding
    from monthly
    {{ air_unit_convention_join('monthly.unit_code') }}
),

with_index as (
    select
        with_values.* exclude (daily_mean_rounding),
        -- 综合指数 on the concentrations as published (whole μg/m³, CO 0.1 mg/m³)
        round_even((
            {{ var('index_weight_so2', 1) }} * {{ air_round('so2_monthly_mean', 0, 'daily_mean_rounding') }} / lim.so2_limit
            + {{ var('index_weight_no2', 1) }} * {{ air_round('no2_monthly_mean', 0, 'daily_mean_rounding') }} / lim.no2_limit
            + {{ var('index_weight_pm10', 1) }} * {{ air_round('pm10_monthly_mean', 0, 'daily_mean_rounding') }} / lim.pm10_limit
            + {{ var('index_weight_pm2_5', 1) }} * {{ air_round('pm2_5_monthly_mean', 0, 'daily_mean_rounding') }} / lim.pm2_5_limit
            + {{ var('index_weight_co', 1) }} * co_p95 / lim.co_limit
            + {{ var('index_weight_o3', 1) }} * o3_8h_p90 / lim.o3_limit
        )::decimal(18, 6), 2) as comprehensive_index
    from with_values
    cross join index_limits as lim
),

final as (
    select
        *,
        case
            when is_month_valid and comprehensive_index is not null
                then rank() over (
                    partition by obs_year, obs_month, (is_month_valid and comprehensive_index is not null)
                    order by comprehensive_index
                )
        end as comprehensive_index_rank
    from with_index
)

select * from final
