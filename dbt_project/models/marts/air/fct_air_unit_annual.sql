{#- Annual air statistics of each unit (HJ 663-2013; SPEC §2.2):
    - good-day ratio 优良天数比率 = valid days with AQI ≤ 100 / valid days (%, one decimal);
      heavy-pollution ratio 重度及以上污染天数比率 = valid days with AQI > 200 / valid days;
    - SO2, NO2, PM10, PM2.5: mean of daily means; CO: 95th percentile of 24-hour means;
      O3: 90th percentile of daily maximum 8-hour means; also SO2/NO2 p98 and PM p95.
      HJ 663 percentile: k = 1 + (n−1)·p, linear between neighbours — DuckDB's
      quantile_cont is exactly this definition;
    - validity: at least 324 daily values a year and 27 in every month (25 in February),
      otherwise the statistic is flagged not valid (GB 3095-2012 表4 / 2018 amendment);
    - year-on-year change 同比 = this year − the previous year (null without a previous year);
    - comprehensive index 综合指数 (城市环境空气质量排名技术规定): Σ C_i/S_i, the limits S_i
      from the standards seed std_air_index_limits (GB 3095-2012 二级: SO2 60, NO2 40, PM10 70,
      PM2.5 35, CO 4, O3 160); weights are the vars `index_weight_*`. -#}
{%- set mean_cols = ['so2_24h', 'no2_24h', 'pm10_24h', 'pm2_5_24h'] %}
{%- set yoy_measures = ['good_day_ratio', 'heavy_pollution_ratio', 'pm2_5_annual_mean',
                        'pm10_annual_mean', 'so2_annual_mean', 'no2_annual_mean', 'co_p95',
                        'o3_8h_p90', 'comprehensive_index'] %}

with daily as (
    select * from {{ ref('fct_air_unit_daily') }}
),

monthly as (
    select * from {{ ref('fct_air_unit_monthly') }}
),

index_limits as (
    select
    {%- for p in ['so2', 'no2', 'pm10', 'pm2_5', 'co', 'o3'] %}
            max(limit_value) filter (where pollutant = '{{ p }}') as {{ p }}_limit{{ "," if not loop.last }}
    {%- endfor %}
    from {{ ref('std_air_index_limits') }}
),

month_validity as (
    select
        unit_code,
        obs_year,
        count(*) filter (where is_month_valid) as months_meeting_rule,
        count(*) as months_reporting
    from monthly
    group by unit_code, obs_year
),

annual as (
    select
        unit_code,
        any_value(unit_name) as unit_name,
        obs_year,
        string_agg(distinct standard_code, ';') as standard_code,
        ---------- day counts
        count(*) as days_reporting,
        count(*) filter (where is_valid_day) as valid_days,
        count(*) filter (where is_valid_day and aqi <= 100) as good_days,
        count(*) filter (where is_valid_day and aqi > 200) as heavy_pollution_days,
        count(*) filter (where is_valid_day and aqi > 100) as polluted_days,
        ---------- annual means
        {%- for c in mean_cols %}
            round_even(avg({{ c }})::decimal(18, 6), 1) as {{ c.replace('_24h', '') }}_annual_mean,
            count({{ c }}) as {{ c.replace('_24h', '') }}_days,
        {%- endfor %}
        ---------- percentiles (HJ 663)
        round_even({{ hj663_percentile('co_24h', 0.95) }}::decimal(18, 6), 1) as co_p95,
        round_even({{ hj663_percentile('o3_8h_max', 0.90) }}::decimal(18, 6), 0) as o3_8h_p90,
        round_even({{ hj663_percentile('so2_24h', 0.98) }}::decimal(18, 6), 0) as so2_p98,
        round_even({{ hj663_percentile('no2_24h', 0.98) }}::decimal(18, 6), 0) as no2_p98,
        round_even({{ hj663_percentile('pm10_24h', 0.95) }}::decimal(18, 6), 0) as pm10_p95,
        round_even({{ hj663_percentile('pm2_5_24h', 0.95) }}::decimal(18, 6), 0) as pm2_5_p95,
        count(co_24h) as co_days,
        count(o3_8h_max) as o3_8h_days
    from daily
    group by unit_code, obs_year
),

with_index as (
    select
        annual.*,
        ---------- ratios (%)
        case
            when valid_days > 0
                then round_even((100.0 * good_days / valid_days)::decimal(18, 6), 1)
        end as good_day_ratio,
        case
            when valid_days > 0
                then round_even((100.0 * heavy_pollution_days / valid_days)::decimal(18, 6), 1)
        end as heavy_pollution_ratio,
        ---------- comprehensive index (lower is better)
        round_even((
            {{ var('index_weight_so2', 1) }} * so2_annual_mean / lim.so2_limit
            + {{ var('index_weight_no2', 1) }} * no2_annual_mean / lim.no2_limit
            + {{ var('index_weight_pm10', 1) }} * pm10_annual_mean / lim.pm10_limit
            + {{ var('index_weight_pm2_5', 1) }} * pm2_5_annual_mean / lim.pm2_5_limit
            + {{ var('index_weight_co', 1) }} * co_p95 / lim.co_limit
            + {{ var('index_weight_o3', 1) }} * o3_8h_p90 / lim.o3_limit
        )::decimal(18, 6), 2) as comprehensive_index,
        ---------- validity (324 days a year; 27 a month, 25 in February)
        pm2_5_days >= 324 and coalesce(mv.months_meeting_rule, 0) = 12 as is_annual_valid,
        coalesce(mv.months_meeting_rule, 0) as months_meeting_rule
    from annual
    cross join index_limits as lim
    left join month_validity as mv using (unit_code, obs_year)
),

final as (
    select
        with_index.*,
        ---------- year-on-year change (同比), when the previous year is in the data
    {%- for m in yoy_measures %}
        case
            when lag(obs_year) over by_unit = obs_year - 1
                then {{ m }} - lag({{ m }}) over by_unit
        end as {{ m }}_yoy_change{{ "," if not loop.last }}
    {%- endfor %}
    from with_index
    window by_unit as (partition by unit_code order by obs_year)
)

select * from final
