{#- Which data each assessed unit has, per domain, for its scheme's year (issue 32: a year or a
    unit missing a whole domain publishes, with the domain shown as 无数据 everywhere): air —
    valid days of the unit (fct_air_unit_daily), water — section-months of its sections
    (fct_water_section_monthly), ledgers — its loaded ledger rows for the scheme
    (int_ledgers__events). is_read says whether any item of the scheme reads that domain (a
    measure of it, or a ledger event kind / ledger measure), so a department's missing air
    stations are listed but do not matter. The dashboard, the office files and the run summary
    read it to say 无数据 where a domain has nothing. -#}

with units as (
    -- every unit assessed on a scored item of the year's schemes (lead / cooperating shares too)
    select distinct targets.scheme_code, schemes.scheme_year, targets.unit_code, units.unit_name
    from {{ ref('stg_scheme__targets') }} as targets
    inner join {{ ref('stg_scheme__schemes') }} as schemes using (scheme_code)
    inner join {{ ref('stg_scheme__units') }} as units using (scheme_code, unit_code)
),

domains as (
    select * from (
        values
        ('air', '空气质量', '个有效日'),
        ('water', '地表水', '个断面月'),
        ('ledgers', '台账', '行台账')
    ) as d (domain, domain_zh, count_words)
),

reads as (
    select
        scheme_code,
        case
            when read_kind = 'event_kind' or starts_with(code, 'ledger.') then 'ledgers'
            else split_part(code, '.', 1)
        end as domain
    from {{ ref('stg_scheme__item_reads') }}
    group by all
),

air as (
    select unit_code, obs_year, count(*) filter (where is_valid_day) as found
    from {{ ref('fct_air_unit_daily') }}
    group by all
),

water as (
    select unit_code, obs_year, count(*) as found
    from {{ ref('fct_water_section_monthly') }}
    group by all
),

ledgers as (
    select scheme_code, unit_code, count(*) as found
    from {{ ref('int_ledgers__events') }}
    group by all
),

counted as (
    select
        units.*,
        domains.domain,
        domains.domain_zh,
        domains.count_words,
        coalesce(case domains.domain
            when 'air' then air.found when 'water' then water.found else ledgers.found
        end, 0) as found_rows,
        reads.domain is not null as is_read
    from units
    cross join domains
    left join air on air.unit_code = units.unit_code and air.obs_year = units.scheme_year
    left join water on water.unit_code = units.unit_code and water.obs_year = units.scheme_year
    left join ledgers on ledgers.scheme_code = units.scheme_code and ledgers.unit_code = units.unit_code
    left join reads on reads.scheme_code = units.scheme_code and reads.domain = domains.domain
),

final as (
    select
        scheme_code,
        scheme_year,
        unit_code,
        unit_name,
        domain,
        domain_zh,
        found_rows,
        found_rows > 0 as has_data,
        is_read,
        case when found_rows > 0 then '有数据' else '无数据' end as status_zh,
        case when found_rows > 0 then found_rows || ' ' || count_words else '无数据' end as detail_zh
    from counted
)

select * from final
