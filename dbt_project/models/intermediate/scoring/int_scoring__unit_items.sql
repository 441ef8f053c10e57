{#- The grid every score is computed on: scheme × unit × scored item, with the unit's points
    (the item's, or its lead/cooperating share, seed 000), target, and the measured value the
    item reads: a domain measure (int_scoring__measures) or the item's own ledger measure. -#}

with items as (
    select * from {{ ref('stg_scheme__items') }}
    where is_scored
),

targets as (
    select * from {{ ref('stg_scheme__targets') }}
),

schemes as (
    select * from {{ ref('stg_scheme__schemes') }}
),

units as (
    select * from {{ ref('stg_scheme__units') }}
),

domain_measures as (
    select * from {{ ref('int_scoring__measures') }}
),

ledger_measures as (
    select * from {{ ref('int_scoring__ledger_measures') }}
),





{#- an item with measure_weights reads Σ weight × measure (seed 003 一.3: 省控 ×2, 年均值达到或
    优于V类的 ×½), only when every named measure is present for the unit and year -#}
weighted_measures as (  -- noqa: LT08
    select
        items.scheme_code,
        items.item_code,
        m.unit_code,
        m.measure_year,
        sum(p.part.weight::decimal(18, 4) * m.measure_value) as measure_value,
        string_agg(m.source_keys, ';' order by p.part.measure) as source_keys
    from items,
        unnest(json_transform(items.measure_weights, '[{"measure":"VARCHAR","weight":"DOUBLE"}]')) as p (part)
    inner join domain_measures as m on m.measure_code = p.part.measure
    where items.measure_weights is not null
    group by all
    having count(*) = any_value(json_array_length(items.measure_weights))
),

glossary as (
    select * from {{ ref('glossary') }}
),

unit_departments as (
    -- the department answering for the unit's item (责任部门, issue 35): a department unit is its
    -- own (seeds 000, 002: its role 牵头/配合 from `responsible` or its duty), any other unit's
    -- item is answered for by the item's lead department in the scheme (seed 003 牵头单位, seed
    -- 001 考核单位 first named)
    select
        targets.scheme_code, targets.item_code, targets.unit_code,
        coalesce(own.department_code, lead.department_code) as department_code,
        coalesce(own.department_name, lead_names.department_name) as department_name,
        case
            when own.department_code is not null then coalesce(targets.unit_role, duties.duty_role)
            when lead.department_code is not null then 'lead'
        end as department_role,
        case
            when own.department_code is not null then 'unit'
            when lead.department_code is not null then 'scheme_item'
        end as department_basis
    from targets
    left join {{ ref('stg_scheme__departments') }} as own
        on own.scheme_code = targets.scheme_code and own.department_code = targets.unit_code and own.is_unit
    left join {{ ref('stg_scheme__item_departments') }} as lead
        on
            lead.scheme_code = targets.scheme_code and lead.item_code = targets.item_code
            and lead.department_role = 'lead'
    left join {{ ref('stg_scheme__departments') }} as lead_names
        on lead_names.scheme_code = lead.scheme_code and lead_names.department_code = lead.department_code
    left join {{ ref('stg_scheme__duties') }} as duties
        on
            duties.scheme_code = targets.scheme_code and duties.item_code = targets.item_code
            and duties.unit_code = targets.unit_code
),

final as (
    select
        ---------- ids
        items.scheme_code,
        schemes.scheme_year,
        targets.unit_code,
        units.unit_name,
        items.item_code,
        items.item_order,
        items.parent_code,
        ---------- rule
        items.item_name,
        items.item_kind,
        targets.unit_points::decimal(18, 4) as points,
        targets.unit_role,
        ---------- the department answering for it (责任部门)
        unit_departments.department_code,
        unit_departments.department_name,
        unit_departments.department_role,
        unit_departments.department_basis,
        targets.zero_if_notices,
        targets.notices_within,
        items.rule_shape,
        items.rule_params,
        items.overflow_to_total,
        items.measure_code,
        items.source_seed,
        items.source_item,
        items.source_text,
        -- when the item does not apply to a unit (int_scoring__not_applicable)
        items.not_applicable_when,
        items.not_applicable_text,
        ---------- measure and target
        targets.target::decimal(18, 4) as target,
        coalesce(
            weighted_measures.measure_value, domain_measures.measure_value,
            ledger_measures.measure_value
        ) as measure_value,
        coalesce(glossary.label_zh, items.measure_code) as measure_label,
        case
            when coalesce(glossary.unit_zh, '') in ('', '%') then coalesce(glossary.unit_zh, '')
            else ' ' || glossary.unit_zh
        end as measure_unit,
        coalesce(schemes.standard_code, domain_measures.standard_code) as standard_code,
        coalesce(
            weighted_measures.source_keys, domain_measures.source_keys,
            ledger_measures.source_keys
        ) as source_keys,
        schemes.scheme_file,
        schemes.scheme_version,
        schemes.city_unit
    from items
    inner join schemes using (scheme_code)
    inner join targets using (scheme_code, item_code)
    inner join units using (scheme_code, unit_code)
    left join unit_departments using (scheme_code, item_code, unit_code)
    left join domain_measures
        on
            domain_measures.unit_code = targets.unit_code
            and domain_measures.measure_code = items.measure_code
            and domain_measures.measure_year = schemes.scheme_year
    left join weighted_measures
        on
            weighted_measures.scheme_code = items.scheme_code
            and weighted_measures.item_code = items.item_code
            and weighted_measures.unit_code = targets.unit_code
            and weighted_measures.measure_year = schemes.scheme_year
    left join ledger_measures
        on
            ledger_measures.scheme_code = items.scheme_code
            and ledger_measures.unit_code = targets.unit_code
            and ledger_measures.item_code = items.item_code
            and ledger_measures.measure_code = items.measure_code
    left join glossary
        on glossary.term = coalesce(nullif(split_part(items.measure_code, '.', 2), ''), items.measure_code)
)

select * from final
