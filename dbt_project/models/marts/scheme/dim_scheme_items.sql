{#- Every item of the year's schemes (指标), headings included: the tree (parent, order), points,
    rule shape and parameters, the measure read, the seed's quote, and the departments answering
    for it (责任部门: the lead first, seed 003 牵头单位 / seed 001 考核单位; inherited from the
    parent item when the document prints none for the clause). -#}

with items as (
    select * from {{ ref('stg_scheme__items') }}
),

schemes as (
    select scheme_code, scheme_year from {{ ref('stg_scheme__schemes') }}
),

item_departments as (
    select
        d.scheme_code,
        d.item_code,
        d.department_code,
        d.department_order,
        d.department_role,
        d.is_inherited,
        names.department_name
    from {{ ref('stg_scheme__item_departments') }} as d
    inner join {{ ref('stg_scheme__departments') }} as names using (scheme_code, department_code)
),

departments as (
    select
        scheme_code,
        item_code,
        any_value(department_code) filter (where department_role = 'lead') as department_code,
        any_value(department_name) filter (where department_role = 'lead') as department_name,
        string_agg(department_name, '、' order by department_order)
        filter (where department_role = 'cooperating') as cooperating_departments_zh,
        bool_and(is_inherited) as departments_inherited
    from item_departments
    group by all
),

final as (
    select
        ---------- ids
        items.scheme_code,
        schemes.scheme_year::integer as scheme_year,
        items.item_code,
        items.item_order::integer as item_order,
        items.parent_code,
        ---------- the item
        items.item_name,
        items.item_kind,
        items.points,
        items.is_scored,
        items.rule_shape,
        items.rule_params::varchar as rule_params,
        items.measure_code,
        items.overflow_to_total,
        ---------- who answers for it (责任部门)
        departments.department_code,
        departments.department_name,
        departments.cooperating_departments_zh,
        coalesce(departments.departments_inherited, false) as departments_inherited,
        ---------- source (seed file, item, quoted text)
        items.source_seed,
        items.source_item,
        items.source_text
    from items
    inner join schemes using (scheme_code)
    left join departments using (scheme_code, item_code)
)

select * from final
