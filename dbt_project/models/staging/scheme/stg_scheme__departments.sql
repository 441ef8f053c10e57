{#- The scheme's departments (责任部门), typed: the scheme's `departments` list and every unit of
    kind department (seeds 000, 002: the assessed units are departments themselves). A ledger
    names a department by its code, its name or an alias (int_ledgers__rows_resolved). -#}

with source as (
    select * from {{ source('raw_scheme', 'scheme_departments') }}
),

renamed as (
    select
        ---------- ids
        scheme_code,
        department_code,
        ---------- names (the alias list as written in the scheme)
        department_name,
        coalesce(aliases::json::varchar[], []::varchar[]) as aliases,
        is_unit
    from source
)

select * from renamed
