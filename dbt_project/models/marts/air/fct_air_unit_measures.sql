{#- The air measures a scoring rule can read, long: one row per unit, year and measure, with
    the source rows that produced it. Scoring reads domains only through *_unit_measures. -#}
{%- set air_measures = ['good_day_ratio', 'heavy_pollution_ratio', 'pm2_5_annual_mean',
                        'pm10_annual_mean', 'so2_annual_mean', 'no2_annual_mean', 'co_p95',
                        'o3_8h_p90', 'comprehensive_index'] %}

with air_annual as (
    select * from {{ ref('fct_air_unit_annual') }}
),

event_means as (
    select * from {{ ref('fct_air_event_window_means') }}
),

outlier_days as (
    select * from {{ ref('fct_air_station_outlier_days') }}
),

peer_ranks as (
    select * from {{ ref('fct_air_unit_peer_ranks') }}
),

standard_of_year as (
    select unit_code, obs_year, standard_code from air_annual
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
        union all
    {%- endfor %}
    -- seed 001 item 5(11)① / 加分项⑦: 除夕19点至初一6点 PM2.5 小时均值
    select
        event_means.unit_code,
        event_means.event_year as measure_year,
        'air.fireworks_pm2_5_mean' as measure_code,
        event_means.pm2_5_mean::decimal(18, 4) as measure_value,
        standard_of_year.standard_code,
        event_means.source_keys
    from event_means
    left join standard_of_year
        on
            standard_of_year.unit_code = event_means.unit_code
            and standard_of_year.obs_year = event_means.event_year
    where event_means.event_code = 'fireworks'
    union all
    -- seed 001 item 5(1)⑤: station-outlier days, charged to the station's district (one per
    -- station and day, however many units or pollutants flagged it); a unit with air data and
    -- no such day has 0 days, not a missing value
    select
        standard_of_year.unit_code,
        standard_of_year.obs_year as measure_year,
        'air.station_outlier_days' as measure_code,
        coalesce(days.outlier_days, 0)::decimal(18, 4) as measure_value,
        standard_of_year.standard_code,
        coalesce(
            days.source_keys, 'fct_air_station_outlier_days:' || standard_of_year.unit_code || ':'
            || standard_of_year.obs_year::varchar || ':无异常站点日'
        ) as source_keys
    from standard_of_year
    left join (
        select
            district_unit_code as unit_code,
            obs_year,
            count(distinct station_code || obs_date::varchar) as outlier_days,
            string_agg(distinct source_keys, ';' order by source_keys) as source_keys
        from outlier_days
        where district_unit_code is not null
        group by district_unit_code, obs_year
    ) as days using (unit_code, obs_year)
    union all
    -- 同比 (year-on-year, seed 001 5(1)④ "指标同比提升达到3%以上"): how much the annual PM2.5 mean
    -- fell against the unit's previous year, in % of the previous year's mean (positive =
    -- improved), from the two years' annual means as published; null (数据缺失) without the
    -- previous year in the data
    select
        this_year.unit_code,
        this_year.obs_year as measure_year,
        'air.pm2_5_yoy_improvement_pct' as measure_code,
        round(
            (prior_year.pm2_5_annual_mean - this_year.pm2_5_annual_mean) * 100
            / nullif(prior_year.pm2_5_annual_mean, 0), 2
        )::decimal(18, 4
        ) as measure_value,
        this_year.standard_code,
        'fct_air_unit_annual:' || this_year.unit_code || ':' || this_year.obs_year::varchar
        || ';fct_air_unit_annual:' || this_year.unit_code || ':'
        || (this_year.obs_year - 1)::varchar as source_keys
    from air_annual as this_year
    left join air_annual as prior_year
        on
            prior_year.unit_code = this_year.unit_code
            and prior_year.obs_year = this_year.obs_year - 1
    union all
    -- 同类排名 on the comprehensive index (lower is better) in the unit's peer group
    select
        unit_code,
        obs_year as measure_year,
        'air.comprehensive_index_peer_rank' as measure_code,
        min(peer_rank)::decimal(18, 4) as measure_value,
        any_value(standard_of_year.standard_code) as standard_code,
        'fct_air_unit_peer_ranks:' || string_agg(peer_group_code, ';') || ':' || unit_code
        || ':' || obs_year::varchar as source_keys
    from peer_ranks
    left join standard_of_year using (unit_code, obs_year)
    where ranked_on = 'comprehensive_index'
    group by unit_code, obs_year
)

select * from final
