{#- Unit × year water-quality index over the unit's 国控 sections (seed 001 item 6(5)④ and bonus
    7①: "辖区内国控断面…水质指数排名"). 城市地表水环境质量排名技术规定（试行）2017: each
    indicator's annual mean is averaged over the sections first, then indexed (C / class-III
    limit; DO inverse; pH rule) and summed; lower is better; rank 1 = best, ties share a rank;
    rank_change = last year's rank − this year's (positive = moved up). -#}

with cells as (
    select * from {{ ref('stg_water__section_monthly_checked') }}
    where problem is null and value is not null
),

sections as (
    select * from {{ ref('stg_water__sections') }}
    where section_level = '国控'
),

limits as (
    select * from {{ ref('std_gb3838_limits') }}
    where evaluated
),

section_means as (
    select
        sections.unit_code, cells.section_code, cells.obs_year, cells.indicator, sections.waterbody,
        {{ water_exact_mean('cells.value') }} as value
    from cells
    inner join sections using (section_code)
    group by all
),

unit_means as (
    select
        unit_code, obs_year, indicator, waterbody, {{ water_exact_mean('value') }} as value,
        string_agg(distinct section_code, ';' order by section_code) as section_codes
    from section_means
    group by all
),

unit_cwqi as (
    select
        u.unit_code,
        u.obs_year,
        round(sum({{ water_cwqi_term('u.value', 'l') }}), 4) as cwqi,
        max(u.section_codes) as section_codes
    from unit_means as u
    inner join limits as l
        on l.indicator = u.indicator and (l.waterbody = 'all' or l.waterbody = u.waterbody)
    group by all
),

ranked as (
    select *, rank() over (partition by obs_year order by cwqi) as cwqi_rank
    from unit_cwqi
),

final as (
    select
        ranked.*,
        prior_year.cwqi_rank - ranked.cwqi_rank as cwqi_rank_change
    from ranked
    left join ranked as prior_year on prior_year.unit_code = ranked.unit_code and prior_year.obs_year = ranked.obs_year - 1
)

select * from final
