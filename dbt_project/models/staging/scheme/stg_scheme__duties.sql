{#- Duty assignments of duties schemes (seed 002): department × duty, typed. -#}

with source as (
    select * from {{ source('raw_scheme', 'scheme_duties') }}
),

renamed as (
    select
        ---------- ids
        scheme_code,
        item_code,
        unit_code,
        ---------- role (牵头 / 配合 / 会同 in the text; null = 本部门负责)
        duty_role,
        lead_unit,
        lead_text,
        cooperating_units,
        cooperating_text,
        ---------- deadline (年底前 → 12-31; 按期 → the scheme's date)
        try_cast(deadline as date) as deadline,
        deadline_basis
    from source
)

select * from renamed
