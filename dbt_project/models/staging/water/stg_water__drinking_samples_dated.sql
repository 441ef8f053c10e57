with source as (
    select * from {{ source('raw_water', 'water_drinking_samples') }}
),

aliases as (
    select * from {{ ref('std_gb3838_indicator_aliases') }}
),

renamed as (
    select
        ---------- ids
        upper(trim(s.source_code)) as source_code,
        trim(s.source_name) as source_name,
        lower(trim(s.unit_code)) as unit_code,
        {{ parse_date('s.sample_date') }} as sample_date,
        aliases.indicator,
        ---------- properties
        -- GB 3838-2002 表1 第8项 (TP): the one rule of 湖/库/河 (macros/water/gb3838.sql)
        coalesce({{ water_waterbody('s.waterbody') }}, 'river') as waterbody,
        ---------- measures
        {{ water_parse_value('s.value') }} as value,
        trim(s.factor) as factor,
        s.source_file,
        s.source_row
    from source as s
    left join aliases on lower(trim(aliases.alias)) = lower(trim(s.factor))
)

-- a sample is known from its sampling date (the as-of cut, macros/ops/as_of.sql)
select *, sample_date as known_on from renamed
