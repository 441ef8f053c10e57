{#- Water measures by section level, for schemes that score 省控 and local sections apart
    (seed 003 XX市 2020). Read from the water marts' section × year rows, like every measure.
    provincial = 国控 and 省控 sections (the “水十条”考核断面 of seed 003 一.1); local = the other
    registered levels (市控, 县控, 交接 — seed 003 一.3 "市控、县控及交接断面"). -#}

with months as (
    select * from {{ ref('fct_water_section_monthly') }}
),

month_keys as (
    select
        section_code,
        obs_year,
        string_agg(section_month_key, ';' order by obs_month) filter (where not meets_target)
            as below_target_keys,
        string_agg(section_month_key, ';' order by obs_month) filter (where is_class_6) as class_6_keys
    from months
    group by all
),

sections as (
    select
        annual.*,
        month_keys.below_target_keys,
        month_keys.class_6_keys,
        case when annual.section_level in ('国控', '省控') then 'provincial' else 'local' end
            as level_scope,
        annual.section_code || ':' || annual.obs_year::varchar as section_year_key
    from {{ ref('fct_water_section_annual') }} as annual
    left join month_keys using (section_code, obs_year)
),

{#- (measure, value per section-year, filter, source keys per section-year) -#}
{%- set counted = [
    ('section_months_below_target_charged', 'months_below_target', 'not monthly_deductions_waived',
     'below_target_keys'),
    ('section_months_class_6_charged', 'months_class_6', 'not monthly_deductions_waived', 'class_6_keys'),
    ('sections_class_improved', '(class_change > 0)::integer', 'true', 'section_year_key'),
    ('sections_missing_annual_target', '(not annual_meets_target)::integer', 'true', 'section_year_key'),
    ('section_months_class_6', 'months_class_6', 'true', 'class_6_keys'),
    ('section_months_class_6_annual_v', 'months_class_6', 'annual_class <= 5', 'class_6_keys'),
] %}
{#- seed 003 一.1: months below target / at 劣V left after "年均值达到年度目标的，月度扣分免扣",
    sections improved (升类); seed 003 一.3: months at 劣V ("反弹劣V类"), and those of sections whose
    annual mean is V or better ("断面年均值达到或优于V类的，该断面月度扣分按50%计算"). -#}
per_scope as (
    {%- for measure, value, filter, keys in counted %}
    select
        unit_code,
        obs_year as measure_year,
        'water.' || level_scope || '_{{ measure }}' as measure_code,
        coalesce(sum({{ value }}) filter (where {{ filter }}), 0)::decimal(18, 4) as measure_value,
        '{{ "fct_water_section_annual:" if keys == "section_year_key" else "fct_water_section_monthly:" }}'
            as key_relation,
        coalesce(string_agg({{ keys }}, ';' order by section_code)
                 filter (where {{ filter }} and coalesce({{ value }}, 0) > 0), '') as keys,
        string_agg(section_year_key, ';' order by section_code) as all_section_years
    from sections
    group by all
    {{ "union all" if not loop.last }}
    {%- endfor %}
),

all_met as (
    -- 1 when every provincial section's annual mean meets its target (the unit-level flag of
    -- the monthly_waiver shape; the per-section waiver is in the *_charged counts)
    select unit_code, measure_year, 'water.provincial_annual_targets_all_met' as measure_code,
        (measure_value = 0)::integer::decimal(18, 4) as measure_value,
        'fct_water_section_annual:' as key_relation, keys, all_section_years
    from per_scope
    where measure_code = 'water.provincial_sections_missing_annual_target'
),

final as (
    select unit_code, measure_year, measure_code, measure_value,
        'GB3838-2002' as standard_code,
        case when keys = '' then 'fct_water_section_annual:' || all_section_years
             else key_relation || keys end as source_keys
    from (select * from per_scope union all select * from all_met)
)

select * from final
