{#- The date the year's data reach (数据截至, issue 34), as the dashboard, the workbook and the
    通报 print it: the run's as-of date (`--as-of`, dbt var `as_of`), else the last day within
    the year that any scoring input reaches — an air day (fct_air_unit_daily), the end of a
    water month (fct_water_section_monthly: a monthly value stands for its whole month), a
    ledger event (fct_ledger_events) —, so a year with one day of air data and a year of
    ledgers is not "as of 1 January" (the 2020 sample, seed 003); 31 December when the year
    has none of them. One row, the run's year (var `year`); fct_domain_coverage beside it says
    which of those inputs each unit has. -#}

{%- set year = var('year') %}

with air as (
    select max(obs_date) as last_day
    from {{ ref('fct_air_unit_daily') }}
    where obs_year = {{ year }}
),

water as (
    select max({{ month_end('obs_year', 'obs_month') }}) as last_day
    from {{ ref('fct_water_section_monthly') }}
    where obs_year = {{ year }}
),

ledgers as (
    select max(event_date) as last_day
    from {{ ref('fct_ledger_events') }}
    where year(event_date) = {{ year }}
),

final as (
    select
        ---------- the year
        {{ year }}::integer as assessment_year,
        {{ as_of_date() }} as as_of_date,
        ---------- the last day each input reaches within the year
        air.last_day as last_air_day,
        water.last_day as last_water_month_end,
        ledgers.last_day as last_ledger_event_date,
        ---------- 数据截至
        ---------- (each last day is within the year already: greatest skips a missing one)
        coalesce(
            {{ as_of_date() }},
            greatest(air.last_day, water.last_day, ledgers.last_day),
            make_date({{ year }}, 12, 31)
        ) as data_as_of
    from air cross join water cross join ledgers
)

select * from final
