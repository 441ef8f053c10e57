{#- The departments of the year's schemes (责任部门): the scheme's `departments` list (seed 001 考核
    单位, seed 003 牵头单位 / 责任单位) and the department units of seeds 000 and 002, with the
    other names ledgers may use for them and how many items each leads. -#}

with departments as (
    select * from {{ ref('stg_scheme__departments') }}
),

led as (
    select scheme_code, department_code, count(*) as items_led
    from {{ ref('stg_scheme__item_departments') }}
    where department_role = 'lead' and not is_inherited
    group by all
),

final as (
    select
        ---------- ids
        departments.scheme_code,
        departments.department_code,
        ---------- names
        departments.department_name,
        array_to_string(departments.aliases, '、') as aliases_zh,
        departments.is_unit,
        ---------- items it leads (牵头) as the document prints them
        coalesce(led.items_led, 0)::integer as items_led
    from departments
    left join led using (scheme_code, department_code)
)

select * from final
