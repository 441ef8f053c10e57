{#- Section × year in the section split a scheme declares (scheme/water_section_scopes, seed 003
    一.1 / 一.3): 'provincial' when the section's level is one of the scheme's provincial_levels
    (seed 003: 国控 and 省控 — “水十条”考核断面 / 省控断面), 'local' otherwise (市控、县控及交接断面);
    `is_halved` when its annual class is at or better than the scheme's halved_at_or_better_than
    (seed 003 一.3: "断面年均值达到或优于V类的，该断面月度扣分按50%计算"). Only the units of a
    scheme that declares a split have rows: without one the water.provincial_* / water.local_*
    measures do not exist (scheme validation requires the split of a scheme reading them). Two
    schemes of a year giving one unit different splits leave two rows per section-year, and the
    uniqueness test stops the run: contradictory input is never averaged away. -#}

with sections as (
    select * from {{ ref('int_water__section_annual') }}
),

declared as (
    select
        units.unit_code,
        schemes.scheme_code,
        schemes.scheme_year,
        json_transform(schemes.water_section_scopes -> 'provincial_levels', '["VARCHAR"]')
            as provincial_levels,
        list_position(
            ['I', 'II', 'III', 'IV', 'V'],
            schemes.water_section_scopes ->> 'halved_at_or_better_than'
        ) as halved_class
    from {{ ref('stg_scheme__schemes') }} as schemes
    inner join {{ ref('stg_scheme__units') }} as units using (scheme_code)
    where schemes.water_section_scopes is not null
),

final as (
    select distinct
        sections.section_code,
        sections.obs_year,
        sections.unit_code,
        case
            when list_contains(declared.provincial_levels, sections.section_level)
                then 'provincial'
            else 'local'
        end as section_scope,
        coalesce(sections.annual_class <= declared.halved_class, false) as is_halved,
        declared.scheme_code as scope_scheme_code
    from sections
    inner join declared
        on
            declared.unit_code = sections.unit_code
            and sections.obs_year = declared.scheme_year
)

select * from final
