{#- The units of the year's schemes (考核单位): code, name, kind (county, district, park, city,
    department, township), whether the scheme assesses it (a city only referenced is not), and a
    department's class (seed 002: A类 / B类). -#}

with units as (
    select * from {{ ref('stg_scheme__units') }}
),

final as (
    select
        ---------- ids
        scheme_code,
        unit_code,
        ---------- the unit
        unit_name,
        unit_kind,
        is_assessed,
        duty_class
    from units
)

select * from final
