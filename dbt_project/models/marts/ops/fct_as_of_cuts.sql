{#- What an as-of run (`--as-of`, dbt var `as_of`) left out: per dated input, the rows dated
    after the as-of date (macros/ops/as_of.sql cuts them in staging), their first and last
    date, and the rows without a date that were kept. Empty without an as-of date. The as-of
    dashboard prints it under its title. Each input's date is the one its staging model cuts on
    (the air hours' and ledger events' models, the `_dated` staging models' `known_on`):
    nothing here reads a raw table or parses a date again (issue 37). -#}

-- the inputs, declared whatever the as-of date (dbt builds its graph from a parse without one)
-- depends_on: {{ ref('stg_air__station_hourly_checked') }}
-- depends_on: {{ ref('int_ledgers__row_problems') }}
-- depends_on: {{ ref('int_ledgers__duplicates') }}
-- depends_on: {{ ref('int_ledgers__rows_resolved') }}
-- depends_on: {{ ref('stg_water__section_monthly_dated') }}
-- depends_on: {{ ref('stg_water__drinking_samples_dated') }}
-- depends_on: {{ ref('stg_water__wastewater_plants_dated') }}
-- depends_on: {{ ref('stg_scoring__published_measures_dated') }}
-- depends_on: {{ ref('stg_scoring__self_scores_dated') }}

{%- if var('as_of', '') %}

    with air as (
        select
            'air_hours' as input_code,
            '空气站点小时数据' as input_zh,
            '按监测时间' as date_rule_zh,
            period_start::date as cut_date
        from {{ ref('stg_air__station_hourly_checked') }}
        where row_problem is null and period_start::date > {{ as_of_date() }}
    ),

    ledger_rejected as (
        select ledger_row_id from {{ ref('int_ledgers__row_problems') }}
        union
        select ledger_row_id from {{ ref('int_ledgers__duplicates') }}
    ),

    ledgers as (
        select
            'ledger_events' as input_code,
            '台账事项（通报、火点、检查、任务、资金等）' as input_zh,
            '按事项日期' as date_rule_zh,
            rows.event_date as cut_date
        from {{ ref('int_ledgers__rows_resolved') }} as rows
        where
            rows.event_date > {{ as_of_date() }}
            and rows.ledger_row_id not in (select ledger_row_id from ledger_rejected)
    ),

    -- the other dated inputs as their staging models read and date them (the `_dated` models:
    -- the staging model of each cuts on the same `known_on`); one row per section and month
    -- for the monthly water cells (one row per cell there)
    water_months as (
        select distinct
            'water_section_months' as input_code,
            '地表水断面月度监测' as input_zh,
            '月份结束后计入' as date_rule_zh,
            coalesce(section_code, source_file || '#' || source_row::varchar) as section,
            known_on as cut_date
        from {{ ref('stg_water__section_monthly_dated') }}
    ),

    drinking as (
        select distinct
            'drinking_water_samples' as input_code,
            '饮用水水源地采样' as input_zh,
            '按采样日期' as date_rule_zh,
            source_code,
            known_on as cut_date
        from {{ ref('stg_water__drinking_samples_dated') }}
    ),

    wastewater as (
        select
            'wastewater_plant_months' as input_code,
            '污水处理厂月度数据' as input_zh,
            '月份结束后计入' as date_rule_zh,
            known_on as cut_date
        from {{ ref('stg_water__wastewater_plants_dated') }}
    ),

    published as (
        select
            'published_measures' as input_code,
            '公开发布的指标值' as input_zh,
            '按发布日期（未注明日期的按全年已知保留）' as date_rule_zh,
            known_on as cut_date
        from {{ ref('stg_scoring__published_measures_dated') }}
    ),

    self_scores as (
        select
            'self_scores' as input_code,
            '单位自评分' as input_zh,
            '按报送日期（未注明日期的保留）' as date_rule_zh,
            known_on as cut_date
        from {{ ref('stg_scoring__self_scores_dated') }}
    ),

    dated as (
        select input_code, input_zh, date_rule_zh, cut_date from air
        union all
        select input_code, input_zh, date_rule_zh, cut_date from ledgers
        union all
        select input_code, input_zh, date_rule_zh, cut_date from water_months
        union all
        select input_code, input_zh, date_rule_zh, cut_date from drinking
        union all
        select input_code, input_zh, date_rule_zh, cut_date from wastewater
        union all
        select input_code, input_zh, date_rule_zh, cut_date from published
        union all
        select input_code, input_zh, date_rule_zh, cut_date from self_scores
    ),

    final as (
        select
        ---------- ids
            input_code,
            {{ as_of_date() }} as as_of_date,
            ---------- counts
            count(*) filter (where cut_date > {{ as_of_date() }})::integer as rows_cut,
            min(cut_date) filter (where cut_date > {{ as_of_date() }}) as first_date_cut,
            max(cut_date) filter (where cut_date > {{ as_of_date() }}) as last_date_cut,
            count(
                *) filter (
                where cut_date is null
                and input_code in ('published_measures', 'self_scores')
            )::integer as rows_undated_kept,
            ---------- for people
            any_value(input_zh) as input_zh,
            any_value(date_rule_zh) as date_rule_zh
        from dated
        group by input_code
    )

    select * from final

{%- else %}

    select
        null::varchar as input_code,
        null::date as as_of_date,
        null::integer as rows_cut,
        null::date as first_date_cut,
        null::date as last_date_cut,
        null::integer as rows_undated_kept,
        null::varchar as input_zh,
        null::varchar as date_rule_zh
    where false

{%- endif %}
