{#- How far each unit is from each air target of its scheme, and what the rest of the year
    needs (issue 3 item 4). Targets come from the scheme tables (stg_scheme__targets joined
    to stg_scheme__items with an air measure). The view ends at the `as_of` var (else the
    last day with data); every later day of the year is counted as a valid day to come.
    - annual means (PM2.5, PM10, SO2, NO2; HJ 663: mean of daily means): the rest of the year
      must average at most (target × (n + d) − Σ so far) / d, floored to 0.1 so that meeting
      it meets the target;
    - good-day ratio (优良天数比率 = good days / valid days): at least
      ⌈target % × (n + d) − good so far⌉ of the remaining d days must be good;
    - heavy-pollution ratio (重度及以上污染天数比率 = days with AQI > 200 / valid days): at most
      ⌊target % × (n + d) − heavy days so far⌋ of the remaining d days may be heavy.
    When the target can no longer be met, the year is over and it was missed, there is no valid
    day, or the measure (percentiles, comprehensive index) cannot be worked back from daily
    values, the requirement is null and `reason` says why in words a reader understands; the
    year-to-date value of such a measure is the air domain's own (fct_air_unit_measures). -#}
{%- set mean_measures = {'air.pm2_5_annual_mean': ('pm2_5_24h', 'PM2.5'),
                         'air.pm10_annual_mean': ('pm10_24h', 'PM10'),
                         'air.so2_annual_mean': ('so2_24h', 'SO2'),
                         'air.no2_annual_mean': ('no2_24h', 'NO2')} %}
{%- set daily_measures = ['air.good_day_ratio', 'air.heavy_pollution_ratio'] + (mean_measures.keys() | list) %}
{%- set daily_list = "'" ~ (daily_measures | join("', '")) ~ "'" -%}

with daily as (
    select * from {{ ref('fct_air_unit_daily') }}
    where obs_year = {{ var('year') }}
),

targets as (
    select * from {{ ref('stg_scheme__targets') }}
),

items as (
    select * from {{ ref('stg_scheme__items') }}
),

unit_measures as (
    select * from {{ ref('fct_air_unit_measures') }}
    where measure_year = {{ var('year') }}
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
        {%- if var('as_of', '') %}  -- noqa: LT02
            '{{ var("as_of") }}'::date as as_of_date  -- noqa: LT02
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
            null::integer as good_days_so_far,
            null::integer as heavy_days_so_far
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
        count(*) filter (where daily.is_valid_day and daily.aqi <= 100) as good_days_so_far,
        null::integer as heavy_days_so_far
    from daily, as_of
    where daily.obs_date <= as_of.as_of_date
    group by daily.unit_code
    union all
    select
        daily.unit_code,
        'air.heavy_pollution_ratio' as measure_code,
        '重度及以上污染天数比率' as pollutant_label,
        count(*) filter (where daily.is_valid_day) as days_so_far,
        null::decimal(18, 4) as sum_so_far,
        null::integer as good_days_so_far,
        count(*) filter (where daily.is_valid_day and daily.aqi > 200) as heavy_days_so_far
    from daily, as_of
    where daily.obs_date <= as_of.as_of_date
    group by daily.unit_code
),

gaps as (
    select
        air_targets.*,
        as_of.as_of_date,
        coalesce(ytd.pollutant_label, air_targets.item_name) as pollutant_label,
        ytd.days_so_far,
        coalesce(
            date_diff('day', as_of.as_of_date, make_date({{ var('year') }}, 12, 31)),
            date_diff('day', make_date({{ var('year') }}, 1, 1), make_date({{ var('year') }}, 12, 31)) + 1)
            as days_left,
        case
            when air_targets.measure_code = 'air.good_day_ratio' and ytd.days_so_far > 0
                then round_even((100.0 * ytd.good_days_so_far / ytd.days_so_far)::decimal(18, 6), 1)
            when air_targets.measure_code = 'air.heavy_pollution_ratio' and ytd.days_so_far > 0
                then round_even((100.0 * ytd.heavy_days_so_far / ytd.days_so_far)::decimal(18, 6), 1)
            when ytd.days_so_far > 0
                then round_even((ytd.sum_so_far / ytd.days_so_far)::decimal(18, 6), 1)
            -- percentiles and the comprehensive index: the air domain's year-to-date value
            when air_targets.measure_code not in ({{ daily_list }})
                then round_even(um.measure_value::decimal(18, 6), 1)
        end as year_to_date_value,
        air_targets.measure_code in ({{ daily_list }}) as from_daily,
        ytd.sum_so_far,
        ytd.good_days_so_far,
        ytd.heavy_days_so_far
    from air_targets
    cross join as_of
    left join year_to_date as ytd using (unit_code, measure_code)
    left join unit_measures as um using (unit_code, measure_code)
),

required as (
    select
        *,
        case
            when measure_code != 'air.good_day_ratio' and days_left > 0
                then floor(10 * (target * (days_so_far + days_left) - sum_so_far) / days_left) / 10
        end as mean_needed,
        case
            when measure_code = 'air.good_day_ratio'
                then ceil(target / 100 * (days_so_far + days_left) - good_days_so_far)::integer
        end as good_days_needed,
        case
            when measure_code = 'air.heavy_pollution_ratio'
                then floor(target / 100 * (days_so_far + days_left) - heavy_days_so_far)::integer
        end as heavy_days_allowed,
        coalesce(strftime(as_of_date, '%Y年%-m月%-d日'), '{{ var("year") }}年底') as as_of_zh,
        case measure_code
            when 'air.good_day_ratio' then '%' when 'air.heavy_pollution_ratio' then '%'
            else ''
        end as unit_zh
    from gaps
),

judged as (
    select
        *,
        days_so_far is null or days_so_far = 0 as no_data,
        case
            when year_to_date_value is null then null
            when measure_code = 'air.good_day_ratio' then year_to_date_value >= target
            else year_to_date_value <= target
        end as met_so_far
    from required
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
            when not from_daily or no_data then null
            when days_left = 0 and met_so_far
                then '全年已结束，' || pollutant_label || '达到目标'
            when days_left = 0 then null
            when measure_code = 'air.good_day_ratio' and good_days_needed <= days_left
                then
                    '余下 ' || days_left || ' 天中至少 ' || greatest(good_days_needed, 0)
                    || ' 天须为优良'
            when measure_code = 'air.heavy_pollution_ratio' and heavy_days_allowed >= 0
                then
                    '余下 ' || days_left || ' 天中重度及以上污染不得超过 ' || least(heavy_days_allowed, days_left)
                    || ' 天'
            when mean_needed >= 0
                then
                    pollutant_label || ' 须在余下 ' || days_left || ' 天平均不高于 '
                    || mean_needed::decimal(18, 1)::varchar || ' μg/m³'
        end as requirement,
        case
            when not from_daily and year_to_date_value is null
                then '截至' || as_of_zh || '没有本单位的有效空气监测数据，无法计算'
            when not from_daily
                then '百分位数或综合指数不能按日均值倒推余下时段须达到的水平'
            when no_data then '截至' || as_of_zh || '没有本单位的有效空气日监测数据，无法计算'
            when days_left = 0 and met_so_far then null
            when days_left = 0
                then
                    '全年已结束，' || pollutant_label || ' ' || year_to_date_value::varchar || unit_zh
                    || ' 未达到目标 ' || target::decimal(18, 1)::varchar || unit_zh
            when measure_code = 'air.good_day_ratio' and good_days_needed > days_left
                then '余下 ' || days_left || ' 天即使全部优良也无法达到 ' || target::decimal(18, 1)::varchar || '%'
            when measure_code = 'air.heavy_pollution_ratio' and heavy_days_allowed < 0
                then
                    '已有 ' || heavy_days_so_far || ' 天重度及以上污染，余下 ' || days_left
                    || ' 天即使不再出现也无法达到 ' || target::decimal(18, 1)::varchar || '%'
            when
                measure_code in ({% for m in mean_measures %}'{{ m }}'{% if not loop.last %}, {% endif %}{% endfor %})
                and mean_needed < 0
                then '余下 ' || days_left || ' 天即使浓度为 0 也无法达到 ' || target::decimal(18, 1)::varchar
        end as reason
    from judged
)

select * from final
