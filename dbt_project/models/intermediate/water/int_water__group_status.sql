{#- Water status (水质状况) of a group of sections — each unit's sections and the city's (all
    sections of the registry) — per month and per year, by 地表水环境质量评价办法（试行）2011 §4
    (河流、流域（水系）水质评价):
    - 5 sections or more, the ratio method (断面水质类别比例法, 表3): share of classes I–III
      ≥ 90 % 优; 75 % ≤ share < 90 % 良好; share < 75 % and 劣V < 20 % 轻度污染;
      20 % ≤ 劣V < 40 % 中度污染; 劣V ≥ 40 % 重度污染. Shares are compared exactly (integers).
    - fewer than 5 sections: each indicator's concentration is averaged over the sections
      (a section's value = its mean for the period), the mean is classed by the single-factor
      method (GB 3838-2002 表1, the one classification macro) and the class gives the status
      (表1: I–II 优, III 良好, IV 轻度污染, V 中度污染, 劣V 重度污染). The averaged water
      uses the lake TP limits only when every section of the group is a lake or reservoir.
    Sections count in a period when they have a class in it (monthly class / annual class).
    status_level: 1 优, 2 良好, 3 轻度污染, 4 中度污染, 5 重度污染 (lower is better). -#}

with monthly as (
    select * from {{ ref('int_water__section_monthly') }}
),

annual as (
    select * from {{ ref('int_water__section_annual') }}
),

sections as (
    select * from {{ ref('stg_water__sections') }}
),

cells as (
    select * from {{ ref('stg_water__section_monthly_checked') }}
    where problem is null and value is not null
),

---------- each section's class in each period (obs_month null = the year)
section_periods as (
    select section_code, obs_year, obs_month, class from monthly
    union all
    select section_code, obs_year, null::integer as obs_month, annual_class as class from annual
),

members as (
    select 'unit' as group_level, unit_code as group_code, section_code, waterbody from sections
    union all
    select
        'city' as group_level, '{{ var("water_city_code", "city") }}' as group_code,
        section_code, waterbody
    from sections
),

counts as (
    select
        members.group_level,
        members.group_code,
        section_periods.obs_year,
        section_periods.obs_month,
        count(*) as n_sections,
        count(*) filter (where section_periods.class <= 3) as sections_class_1_3,
        count(*) filter (where section_periods.class = 6) as sections_class_6,
        bool_and(members.waterbody = 'lake') as all_lakes,
        string_agg(section_periods.section_code, ';' order by section_periods.section_code)
            as section_codes
    from section_periods
    inner join members using (section_code)
    where section_periods.class is not null
    group by all
),

---------- fewer than 5 sections: mean concentrations, then the single-factor class
section_means as (
    select section_code, obs_year, obs_month, indicator, {{ water_exact_mean('value') }} as value
    from cells
    group by all
    union all
    select
        section_code, obs_year, null::integer as obs_month, indicator,
        {{ water_exact_mean('value') }} as value
    from cells
    group by section_code, obs_year, indicator
),

group_means as (
    select
        counts.group_level,
        counts.group_code,
        counts.obs_year,
        counts.obs_month,
        'GB3838-2002' as standard_code,
        section_means.indicator,
        case when counts.all_lakes then 'lake' else 'river' end as waterbody,
        -- 主要污染指标 of a water status are named against class III
        3 as target_class,
        {{ water_exact_mean('section_means.value') }} as value
    from counts
    inner join members
        on members.group_level = counts.group_level and members.group_code = counts.group_code
    inner join section_means
        on
            section_means.section_code = members.section_code
            and section_means.obs_year = counts.obs_year
            and section_means.obs_month is not distinct from counts.obs_month
    where counts.n_sections < 5
    group by all
),

mean_indicator_classes as (
    {{ water_indicator_classes('group_means', ref('std_gb3838_limits')) }}
),

mean_classes as (
    {{ water_section_class('mean_indicator_classes',
                           ['group_level', 'group_code', 'obs_year', 'obs_month'],
                           ref('std_gb3838_classes')) }}
),

---------- status
statuses as (
    select
        counts.*,
        case when counts.n_sections >= 5 then 'ratio' else 'mean' end as method,
        mean_classes.class as mean_class,
        mean_classes.class_name as mean_class_name,
        mean_classes.limiting_indicators as mean_limiting_indicators,
        case
            when counts.n_sections < 5
                then
                    case when mean_classes.class <= 2 then 1 else mean_classes.class - 1 end
            -- 表3: I–III ≥ 90 % 优; ≥ 75 % 良好; else by the share of 劣V
            when 10 * counts.sections_class_1_3 >= 9 * counts.n_sections then 1
            when 4 * counts.sections_class_1_3 >= 3 * counts.n_sections then 2
            when 5 * counts.sections_class_6 < counts.n_sections then 3
            when 5 * counts.sections_class_6 < 2 * counts.n_sections then 4
            else 5
        end as status_level
    from counts
    left join mean_classes
        on
            mean_classes.group_level = counts.group_level
            and mean_classes.group_code = counts.group_code
            and mean_classes.obs_year = counts.obs_year
            and mean_classes.obs_month is not distinct from counts.obs_month
),

final as (
    select
        ---------- ids
        group_level,
        group_code,
        obs_year,
        obs_month,
        case when obs_month is null then 'year' else 'month' end as period,
        ---------- sections
        n_sections,
        sections_class_1_3,
        sections_class_6,
        -- shares in %, one decimal, half up (integer arithmetic)
        ((2000 * sections_class_1_3 + n_sections) // (2 * n_sections))::decimal(18, 0) * 0.1
            as share_class_1_3,
        ((2000 * sections_class_6 + n_sections) // (2 * n_sections))::decimal(18, 0) * 0.1
            as share_class_6,
        ---------- status
        method,
        mean_class,
        mean_class_name,
        mean_limiting_indicators,
        status_level,
        case status_level
            when 1 then '优' when 2 then '良好' when 3 then '轻度污染' when 4 then '中度污染'
            when 5 then '重度污染'
        end as status_zh,
        section_codes,
        'GB3838-2002' as standard_code
    from statuses
)

select * from final
