{#- The water measures a scoring rule can read, long: one row per unit, year and measure, with
    the section-months / section-years / samplings behind it. Scoring reads domains only
    through *_unit_measures. Measure codes are listed in README "## Water quality". -#}

with sections as (
    select * from {{ ref('int_water__section_annual') }}
),





{#- (measure, value per section-year, filter, source keys per section-year) -#}
{%- set counted = [
    ('section_months_below_target', 'months_below_target', 'true', 'below_target_keys'),
    ('section_months_class_6', 'months_class_6', 'true', 'class_6_keys'),
    ('section_months_below_target_charged', 'months_below_target', 'not monthly_deductions_waived',
     'below_target_keys'),
    ('section_months_class_6_charged', 'months_class_6', 'not monthly_deductions_waived', 'class_6_keys'),
    ('national_section_months_below_target', 'months_below_target', "section_level = '国控'",
     'below_target_keys'),
    ('regional_section_months_below_target', 'months_below_target', "section_level = '区控'",
     'below_target_keys'),
    ('sections_missing_annual_target', '(not annual_meets_target)::integer', 'true', 'section_year_key'),
    ('sections_class_improved', '(class_change > 0)::integer', 'true', 'section_year_key'),
    ('national_class_steps_improved', 'greatest(class_change, 0)', "section_level = '国控'",
     'section_year_key'),
    ('regional_class_steps_improved', 'greatest(class_change, 0)', "section_level = '区控'",
     'section_year_key'),
] %}
{#- seed 003 (XX市 2020) scores 省控 and local sections apart and halves some months; the split is
    the scheme's (scheme/water_section_scopes, int_water__section_scopes): provincial = its
    provincial_levels (seed 003: 国控 and 省控, the “水十条”考核断面 of 一.1), local = the other
    levels (一.3 "市控、县控及交接断面"); `_annual_v` counts the sections at or better than its
    halved_at_or_better_than (一.3 "断面年均值达到或优于V类的，该断面月度扣分按50%计算"). Units of no
    scheme declaring a split have none of these measures. -#}
{%- set by_level = [
    ('section_months_below_target', 'months_below_target', 'true', 'below_target_keys'),
    ('section_months_below_target_charged', 'months_below_target', 'not monthly_deductions_waived',
     'below_target_keys'),
    ('section_months_class_6_charged', 'months_class_6', 'not monthly_deductions_waived', 'class_6_keys'),
    ('section_months_class_6', 'months_class_6', 'true', 'class_6_keys'),
    ('section_months_class_6_annual_v', 'months_class_6', 'is_halved', 'class_6_keys'),
    ('sections_class_improved', '(class_change > 0)::integer', 'true', 'section_year_key'),
    ('sections_missing_annual_target', '(not annual_meets_target)::integer', 'true', 'section_year_key'),
] %}
{%- set measures = [] %}
{%- for measure, value, filter, keys in counted %}
    {%- do measures.append((measure, value, filter, keys, 'section_rows')) %}
{%- endfor %}
{%- for scope in ['provincial', 'local'] %}
    {%- for measure, value, filter, keys in by_level %}
{%- do measures.append((scope ~ '_' ~ measure, value,
                        "section_scope = '" ~ scope ~ "' and " ~ filter, keys, 'scoped_rows')) %}
    {%- endfor %}
{%- endfor %}
{#- seed 003 item 一.1: months below target / at 劣V (all, and "_charged": those left after the
    waiver "年均值达到年度目标的，月度扣分免扣"); seed 001 item 6(5)①: 国控 / 区控 sections,
    each month exceeding; seed 001 item 6(1)①: 考核断面水质目标（按年均值计算）; seed 003 item
    一.1: "年均水质类别较上一年度升类的，每个断面加5分"; seed 001 bonus 7②: "国控断面水质每提升
    一类加1分，区考断面水质每提升一类加0.5分". -#}
section_rows as (  -- noqa: LT08
    select *, section_code || ':' || obs_year::varchar as section_year_key from sections
),

scoped_rows as (
    select section_rows.*, scopes.section_scope, scopes.is_halved
    from section_rows
    inner join {{ ref('int_water__section_scopes') }} as scopes
        using (section_code, obs_year, unit_code)
),

section_measures as (
    {%- for measure, value, filter, keys, relation in measures %}
        select
            unit_code,
            obs_year as measure_year,
            'water.{{ measure }}' as measure_code,
            coalesce(sum({{ value }}) filter (where {{ filter }}), 0)::decimal(18, 4) as measure_value,
            '{{ "fct_water_section_annual:" if keys == "section_year_key" else "fct_water_section_monthly:" }}'
                as key_relation,
            coalesce(
                string_agg({{ keys }}, ';' order by section_code)
                filter (where {{ filter }} and coalesce({{ value }}, 0) > 0), ''
            ) as keys,
            string_agg(section_year_key, ';' order by section_code) as all_section_years
        from {{ relation }}
        group by all
        {{ "union all" if not loop.last }}
    {%- endfor %}
),

cwqi as (
    select * from {{ ref('int_water__unit_cwqi') }}
),

drinking as (
    select * from {{ ref('int_water__drinking_water') }}
),

plants as (
    select * from {{ ref('int_water__wastewater_plants') }}
),





{#- 地表水环境质量评价办法（试行）2011 §4: the year's water status of the unit's sections (and the
    city's, under var water_city_code): 1 优 … 5 重度污染, and the share of classes I–III. -#}
group_status as (  -- noqa: LT08
    select * from {{ ref('int_water__group_status') }}
    where period = 'year'
),

long as (
    select
        unit_code, measure_year, measure_code, measure_value,
        case
            when keys = '' then 'fct_water_section_annual:' || all_section_years
            else key_relation || keys
        end as source_keys
    from section_measures
    union all
    {%- for measure in ['cwqi', 'cwqi_rank', 'cwqi_rank_change'] %}
        select
            unit_code, obs_year, 'water.{{ measure }}', {{ measure }}::decimal(18, 4),
            'fct_water_section_annual:' || section_codes || ':' || obs_year::varchar
        from cwqi
        where {{ measure }} is not null
        union all
    {%- endfor %}
    {%- for measure in ['attainment_rate', 'exceedances'] %}
        select
            unit_code, obs_year, 'water.drinking_water_{{ measure }}', {{ measure }}::decimal(18, 4),
            'stg_water__drinking_samples:' || unit_code || ':' || obs_year::varchar
            || coalesce(':' || exceedance_keys, '')
        from drinking
        union all
    {%- endfor %}
    select
        unit_code, obs_year, 'water.wastewater_completion_rate', completion_rate::decimal(18, 4),
        'stg_water__wastewater_plants:' || plant_codes || ':' || obs_year::varchar
    from plants
    {%- for measure in ['status_level', 'share_class_1_3'] %}
        union all
        select
            group_code, obs_year, 'water.{{ measure }}', {{ measure }}::decimal(18, 4),
            'fct_water_group_status:' || group_code || ':' || obs_year::varchar
            || ':' || section_codes
        from group_status
    {%- endfor %}
),

-- 1 when every (provincial) section's annual mean meets its target: the unit-level flag of the
-- monthly_waiver shape, seed 003 一.1 "“水十条”考核断面年均值达到年度目标的，月度扣分免扣"
-- (all sections: water.annual_targets_all_met; 国控/省控 only: water.provincial_…); the
-- per-section waiver is in the *_charged counts
all_met as (
    select
        unit_code, measure_year,
        case measure_code
            when 'water.provincial_sections_missing_annual_target' then 'water.provincial_annual_targets_all_met'
            else 'water.annual_targets_all_met'
        end as measure_code,
        (measure_value = 0)::integer::decimal(18, 4) as measure_value, source_keys
    from long
    where measure_code in (
        'water.provincial_sections_missing_annual_target',
        'water.sections_missing_annual_target'
    )
),

final as (
    select
        unit_code, measure_year, measure_code, measure_value,
        'GB3838-2002' as standard_code, source_keys
    from (
        select * from long
        union all
        select * from all_met
    )
)

select * from final
