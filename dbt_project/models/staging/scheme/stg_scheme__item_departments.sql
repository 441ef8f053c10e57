{#- The departments that answer for each item (seed 003 牵头单位 / 责任单位, seed 001 考核单位), in
    the document's order: the first leads (牵头), the others cooperate (配合). An item without
    departments of its own takes its parent's (is_inherited). The one place the lead is decided:
    every other model reads department_role ('lead' / 'cooperating'), department_order only
    to list them in the document's order (tests/test_one_home.py). -#}

with source as (
    select * from {{ source('raw_scheme', 'scheme_item_departments') }}
),

renamed as (
    select
        ---------- ids
        scheme_code,
        item_code,
        department_code,
        ---------- role
        department_order::integer as department_order,
        case when department_order = 1 then 'lead' else 'cooperating' end as department_role,
        is_inherited
    from source
)

select * from renamed
