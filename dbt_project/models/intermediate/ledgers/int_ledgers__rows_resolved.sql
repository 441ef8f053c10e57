{#- Ledger rows placed in a scheme of the assessment year: the unit may be written as its code
    or its name; a row without scheme_code belongs to the one scheme of the year that lists the
    unit (none or several → left unresolved, and quarantined). A row naming another year's scheme
    (its scheme_code) is `other_year`: it belongs to that year's run, and here is neither used nor
    quarantined. A row without a scheme_code dated outside the assessment year is this year's
    row with a date outside the window: quarantined, its item 待核 (issue 31). -#}

with rows as (
    select * from {{ ref('stg_ledgers__rows') }}
),

schemes as (
    select scheme_code from {{ ref('stg_scheme__schemes') }}
    where scheme_year = {{ var('year') }}
),

catalog as (
    select scheme_code, scheme_year from {{ source('raw_scheme', 'scheme_catalog') }}
),

units as (
    select units.scheme_code, units.unit_code, units.unit_name
    from {{ ref('stg_scheme__units') }} as units
    inner join schemes using (scheme_code)
),

unit_matches as (
    select
        rows.ledger_row_id,
        units.scheme_code,
        units.unit_code
    from rows
    inner join units
        on
            lower(rows.unit_written) in (lower(units.unit_code), lower(units.unit_name))
            and (rows.scheme_code is null or rows.scheme_code = units.scheme_code)
),

unique_matches as (
    select ledger_row_id, any_value(scheme_code) as scheme_code, any_value(unit_code) as unit_code
    from unit_matches
    group by ledger_row_id
    having count(*) = 1
),

final as (
    select
        rows.* exclude (scheme_code),
        rows.scheme_code as scheme_written,
        coalesce(rows.scheme_code, unique_matches.scheme_code) as scheme_code,
        unique_matches.unit_code,
        rows.scheme_code is null or rows.scheme_code in (select scheme_code from schemes)
            as is_known_scheme,
        exists(
            select 1 from {{ ref('stg_scheme__items') }} as items
            where
                items.scheme_code = unique_matches.scheme_code
                and items.item_code = rows.item_code
        ) as is_known_item,
        -- only a row naming another year's scheme: a row without one that is dated outside the
        -- assessment year is quarantined (int_ledgers__row_problems) and its item is 待核 — never
        -- handed to another year's run on its date alone (issue 31: that dropped a 2024 notice
        -- dated 2023-12-20 and raised the unit's score)
        coalesce(written_scheme.scheme_year <> {{ var('year') }}, false) as other_year
    from rows
    left join catalog as written_scheme on written_scheme.scheme_code = rows.scheme_code
    left join unique_matches using (ledger_row_id)
)

select * from final
