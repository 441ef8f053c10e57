{#- Monthly air statistics of each unit (HJ 663-2013; SPEC §2.2): good-day and
    heavy-pollution ratios over the month's valid days, monthly means of the daily means, and
    validity — a monthly statistic needs at least 27 daily values, 25 in February
    (GB 3095-2012 表4, 2018 amendment). -#}
{%- set mean_cols = ['so2_24h', 'no2_24h', 'pm10_24h', 'pm2_5_24h', 'co_24h', 'o3_8h_max'] %}

with daily as (
    select * from {{ ref('fct_air_unit_daily') }}
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
        -- GB 3095-2012 表4 (2018 amendment): 27 daily values a month, 25 in February
        {{ air_min_valid_days('obs_month') }} as min_days
    from daily
    group by unit_code, obs_year, obs_month
),

final as (
    select
        monthly.*,
        case
            when valid_days > 0
                then round_even((100.0 * good_days / valid_days)::decimal(18, 6), 1)
        end as good_day_ratio,
        case
            when valid_days > 0
                then round_even((100.0 * heavy_pollution_days / valid_days)::decimal(18, 6), 1)
        end as heavy_pollution_ratio,
        pm2_5_days >= min_days as is_month_valid
    from monthly
)

select * from final
