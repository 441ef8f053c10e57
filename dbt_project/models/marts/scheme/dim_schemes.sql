{#- The schemes scored this year (考核方案): one row each, with the document it encodes, its
    government, version, AQI standard, bonus cap and missing-data policy. What the office files
    and the dashboard name a scheme by (issue 35: they read published marts only). -#}

with schemes as (
    select * from {{ ref('stg_scheme__schemes') }}
),

final as (
    select
        ---------- ids
        scheme_code,
        scheme_year::integer as scheme_year,
        ---------- the document
        scheme_name,
        government,
        scheme_version,
        source,
        scheme_file,
        ---------- settings
        standard_code,
        city_unit,
        bonus_cap::decimal(18, 4) as bonus_cap,
        missing_data,
        -- how the papers are issued (scheme_schema.yaml `report`: issuer, document prefix,
        -- addressees, decimals), as JSON text; null when the scheme gives none
        report::varchar as report
    from schemes
)

select * from final
