{#- Section × year: the annual class from each indicator's annual mean (地表水环境质量评价办法
    （试行）2011 §3.2), attainment, the monthly counts the rules read (seed 003 item 一.1: months
    below target, months at 劣V, waived when the annual mean meets the target), the class
    change year on year (seed 003 item 一.1 and seed 001 bonus 7②) and the water-quality index
    CWQI (城市地表水环境质量排名技术规定（试行）2017). -#}

with cells as (
    select * from {{ ref('stg_water__section_monthly_checked') }}
    where problem is null and value is not null
),

sections as (
    select * from {{ ref('stg_water__sections') }}
),

limits as (
    select * from {{ ref('std_gb3838_limits') }}
),

monthly as (
    select * from {{ ref('int_water__section_monthly') }}
),

annual_means as (
    select
        cells.section_code,
        cells.obs_year,
        'GB3838-2002' as standard_code,
        cells.indicator,
        sections.waterbody,
        {{ water_exact_mean('cells.value') }} as value,
        sections.target_class
    from cells
    inner join sections using (section_code)
    group by all
),

indicator_classes as (
    {{ water_indicator_classes('annual_means', ref('std_gb3838_limits')) }}
),

annual_class as (
    {{ water_section_class('indicator_classes', ['section_code', 'obs_year'], ref('std_gb3838_classes')) }}
),

cwqi as (
    select a.section_code, a.obs_year, round(sum({{ water_cwqi_term('a.value', 'l') }}), 4) as cwqi
    from annual_means as a
    inner join limits as l
        on
            l.standard_code = a.standard_code and l.indicator = a.indicator
            and (l.waterbody = 'all' or l.waterbody = a.waterbody)
    where l.evaluated
    group by all
),

month_counts as (
    select
        section_code,
        obs_year,
        count(*) as months_monitored,
        count(*) filter (where not meets_target) as months_below_target,
        count(*) filter (where is_class_6) as months_class_6,
        string_agg(section_month_key, ';' order by obs_month) filter (where not meets_target)
            as below_target_keys,
        string_agg(section_month_key, ';' order by obs_month) filter (where is_class_6) as class_6_keys
    from monthly
    group by all
),

joined as (
    select
        ---------- ids
        a.section_code,
        a.obs_year,
        sections.section_name,
        sections.unit_code,
        sections.section_level,
        sections.waterbody,
        ---------- annual class
        a.class as annual_class,
        a.class_name as annual_class_name,
        a.target_class,
        a.class <= a.target_class as annual_meets_target,
        a.limiting_indicators,
        a.max_exceedance_multiple,
        ---------- months (seed 003 item 一.1)
        m.months_monitored,
        m.months_below_target,
        m.months_class_6,
        m.below_target_keys,
        m.class_6_keys,
        -- seed 003 item 一.1: "考核断面年均值达到年度目标的，月度扣分免扣"
        a.class <= a.target_class as monthly_deductions_waived,
        ---------- index
        cwqi.cwqi,
        'GB3838-2002' as standard_code
    from annual_class as a
    inner join sections using (section_code)
    left join month_counts as m using (section_code, obs_year)
    left join cwqi using (section_code, obs_year)
),

final as (
    select
        joined.*,
        prior_year.annual_class as prior_annual_class,
        -- positive = improved (升类): seed 003 item 一.1, seed 001 bonus 7②
        prior_year.annual_class - joined.annual_class as class_change
    from joined
    left join joined as prior_year
        on prior_year.section_code = joined.section_code and prior_year.obs_year = joined.obs_year - 1
)

select * from final
