{#- How far each unit is from each air target of its scheme, and what the rest of the year
    needs (issue 3 item 4). Targets come from the scheme tables (stg_scoring__targets joined
    to stg_scoring__items with an air measure). The view ends at the `as_of` var (else the
    last day with data); every later day of the year is counted as a valid day to come.
    - annual means (PM2.5, PM10, SO2, NO2; HJ 663: mean of daily means): the rest of the year
      must average at most (target × (n + d) − Σ so far) / d, floored to 0.1 so that meeting
      it meets the target;
    - good-day ratio (优良天数比率 = good days / valid days): at least
      ⌈target % × (n + d) − good so far⌉ of the remaining d days must be good.
    When the target can no longer be met the requirement is null and `reason` says why. -#}
{%- set mean_measures = {'air.pm2_5_annual_mean': ('pm2_5_24h', 'PM2.5'),
                         'air.pm10_annual_mean': ('pm10_24h', 'PM10'),
                         'air.so2_annual_mean': ('so2_24h', 'SO2'),
                         'air.no2_annual_mean': ('no2_24h', 'NO2')} %}

with daily as (
    select * from {{ ref('fct_air_unit_daily') }}
    where obs_year = {{ var('year') }}
),

targets as (
    select * from {{ ref('stg_scoring__targets') }}
),

items as (
    select * from {{ ref('stg_scoring__items') }}
),

air_targets as (
    select
        items.scheme_code,
        items.item_code,
        items.item_name,
        items.measure_code,
        targets.unit_code,
        targets.target::decimal(18, 4) as target
    from targets
    inner join items using (scheme_code, item_code)
    where items.measure_code like 'air.%' and targets.target is not null
),

as_of as (
    select
        {%- if var('as_of', '') %}
        '{{ var("as_of") }}'::date as as_of_date
        {%- else %}
        max(obs_date) as as_of_date
    from daily
        {%- endif %}
),

year_to_date as (
    {%- for measure, (column, label) in mean_measures.items() %}
    select
        daily.unit_code,
        '{{ measure }}' as measure_code,
        '{{ label }}' as pollutant_label,
        count(daily.{{ column }}) as days_so_far,
        sum(daily.{{ column }})::decimal(18, 4) as sum_so_far,
        null::integer as good_days_so_far
    from daily, as_of
    where daily.obs_date <= as_of.as_of_date
    group by daily.unit_code
    union all
    {%- endfor %}
    select
        daily.unit_code,
        'air.good_day_ratio' as measure_code,
        '优良天数比率' as pollutant_label,
        count(*) filter (where daily.is_valid_day) as days_so_far,
        null::decimal(18, 4) as sum_so_far,
        count(*) filter (where daily.is_valid_day and daily.aqi <= 100) as good_days_so_far
    from daily, as_of
    where daily.obs_date <= as_of.as_of_date
    group by daily.unit_code
),

gaps as (
    select
        air_targets.*,
        as_of.as_of_date,
        ytd.pollutant_label,
        ytd.days_so_far,
        date_diff('day', as_of.as_of_date, make_date({{ var('year') }}, 12, 31)) as days_left,
        case
            when air_targets.measure_code = 'air.good_day_ratio' and ytd.days_so_far > 0
                then round_even((100.0 * ytd.good_days_so_far / ytd.days_so_far)::decimal(18, 6), 1)
            when ytd.days_so_far > 0
                then round_even((ytd.sum_so_far / ytd.days_so_far)::decimal(18, 6), 1)
        end as year_to_date_value,
        ytd.sum_so_far,
        ytd.good_days_so_far
    from air_targets
    cross join as_of
    left join year_to_date as ytd using (unit_code, measure_code)
),

required as (
    select
        *,
        case when measure_code != 'air.good_day_ratio' and days_left > 0
            then floor(10 * (target * (days_so_far + days_left) - sum_so_far) / days_left) / 10
        end as mean_needed,
        case when measure_code = 'air.good_day_ratio'
            then ceil(target / 100 * (days_so_far + days_left) - good_days_so_far)::integer
        end as good_days_needed
    from gaps
),

final as (
    select
        scheme_code,
        item_code,
        item_name,
        measure_code,
        unit_code,
        as_of_date,
        year_to_date_value,
        target,
        days_so_far,
        days_left,
        case when mean_needed >= 0 then mean_needed::decimal(18, 1) end as rest_of_year_mean_needed,
        case when good_days_needed <= days_left then greatest(good_days_needed, 0) end
            as rest_of_year_good_days_needed,
        case
            when days_so_far is null or days_so_far = 0 then null
            when days_left = 0 and measure_code != 'air.good_day_ratio'
                and sum_so_far / days_so_far <= target
                then '全年已结束，' || pollutant_label || ' 达到目标'
            when measure_code = 'air.good_day_ratio' and good_days_needed <= days_left
                then '余下 ' || days_left || ' 天中至少 ' || greatest(good_days_needed, 0)
                     || ' 天须为优良'
            when mean_needed >= 0
                then pollutant_label || ' 须在余下 ' || days_left || ' 天平均不高于 '
                     || mean_needed::decimal(18, 1)::varchar || ' μg/m³'
        end as requirement,
        case
            when days_so_far is null or days_so_far = 0 then '截至 as_of 无有效日数据'
            when measure_code not in ('air.good_day_ratio'
                {%- for m in mean_measures %}, '{{ m }}'{% endfor %})
                then '百分位数或综合指数不能按日均值倒推'
            when measure_code = 'air.good_day_ratio' and good_days_needed > days_left
                then '余下 ' || days_left || ' 天即使全部优良也无法达到 ' || target::decimal(18, 1)::varchar || '%'
            when days_left = 0 and measure_code != 'air.good_day_ratio'
                and sum_so_far / days_so_far <= target then null
            when measure_code != 'air.good_day_ratio' and (days_left = 0 or mean_needed < 0)
                then '余下 ' || days_left || ' 天即使浓度为 0 也无法达到 ' || target::decimal(18, 1)::varchar
        end as reason
    from required
)

select * from final
