{#- The deduction ledger (扣分/加分明细): one row per movement of points. Every rule evaluated
    for a unit and item leaves at least one row (int_scoring__rule_movements: points moved,
    negative = deduction, and what the item's cap cut); composition leaves its own rows
    (rule_shape 'composition': a group cap, an item or pool floor giving points back, a pool
    item's deduction moved onto the siblings it is charged to, a bonus cap taking points back).
    So for every unit: total = base points + Σ points here (SPEC §4: 得分=分值-扣分+加分).
    source_keys points to the rows behind a movement (ledger_row_ids, station-days,
    section-months, peer-table rows); when a rule found no row, it names what was looked for
    (has_source_rows = false), e.g. an all-or-nothing item without a completion record.
    status = 'missing' marks a rule that found no input, and the missing_data row of the points
    that gap cost the item (fct_unit_item_scores step 7).
    movement_order: the order the rule applied them — an item's rule movements first (ledger events
    by date and row, the order a cap is used up), then its composition steps in the order
    composition runs (group cap, item floor, pool transfer and charge, pool floor, bonus caps,
    missing data, the 折算 of a unit with items that do not apply, issue 32). The ledger rows
    behind a movement, by file and row: fct_movement_sources. status and status_zh: the macro
    item_status's values. -#}

with rule_movements as (
    select * from {{ ref('int_scoring__rule_movements') }}
),

item_scores as (
    select * from {{ ref('fct_unit_item_scores') }}
),

grid as (
    select * from {{ ref('int_scoring__unit_items') }}
),

items as (
    select * from {{ ref('stg_scheme__items') }}
),

events as (
    select ledger_row_id, event_date, department_code, department_name, department_basis
    from {{ ref('int_scoring__events') }}
),

conversion as (
    select * from {{ ref('int_scoring__compose_conversion') }}
),

status_labels as (
    select substr(term, 8) as status, label_zh as status_zh
    from {{ ref('glossary') }}
    where term in ({% for status in item_statuses() %}'status_{{ status }}'{{ ', ' if not loop.last }}{% endfor %})
),

composition_steps as (
    -- one row per composition step that changed the item: points given back or taken
    select
        s.*, 'group_cap' as movement_kind, (s.group_cap_cut)::decimal(18, 4) as moved,
        '同组（' || s.group_codes || '）扣分已达封顶：本项少扣 ' || {{ fmt_num('s.group_cap_cut') }}
        || ' 分' as explanation_zh
    from item_scores as s
    where s.group_cap_cut <> 0
    union all
    select
        s.*, 'item_floor' as movement_kind, (s.item_floor_cut)::decimal(18, 4) as moved,
        '扣分超出本项分值 ' || {{ fmt_num('s.points') }} || ' 分，扣至零分为止：少扣 '
        || {{ fmt_num('s.item_floor_cut') }} || ' 分' as explanation_zh
    from item_scores as s
    where s.item_floor_cut <> 0
    union all
    select
        s.*, 'pool_transfer' as movement_kind, (s.pool_charged)::decimal(18, 4) as moved,
        '本项不设基础分：扣分 ' || {{ fmt_num('s.pool_charged') }} || ' 分转从第 ' || s.charged_to
        || ' 项得分中扣减' as explanation_zh
    from item_scores as s
    where s.pool_charged <> 0
    union all
    select
        s.*, 'pool_charge' as movement_kind, (-s.pool_received)::decimal(18, 4) as moved,
        '承担第 ' || s.pool_received_from || ' 项（不设基础分）的扣分：从本项得分中扣减 '
        || {{ fmt_num('s.pool_received') }} || ' 分' as explanation_zh
    from item_scores as s
    where s.pool_received <> 0
    union all
    select
        s.*, 'pool_floor' as movement_kind, (s.pool_floor_cut)::decimal(18, 4) as moved,
        '第 ' || s.charged_to || ' 项得分已扣至零，不再扣减：少扣 ' || {{ fmt_num('s.pool_floor_cut') }} || ' 分' as explanation_zh
    from item_scores as s
    where s.pool_floor_cut <> 0
    union all
    select
        s.*, 'missing_data' as movement_kind, (-s.missing_points - coalesce(s.pending_bonus_cut, 0))::decimal(18, 4) as moved,
        case
            when s.status = 'pending'
                then
                    '待核：本项 ' || {{ fmt_num('s.missing_points + coalesce(s.pending_bonus_cut, 0)') }}
                    || ' 分暂不计入（有台账行被隔离，改正后重算）'
            when s.missing_data = 'zero'
                then '数据缺失：按方案规定（missing_data: zero）本项计 0 分，扣 ' || {{ fmt_num('s.missing_points') }} || ' 分'
            else '数据缺失：本项 ' || {{ fmt_num('s.missing_points') }} || ' 分未计入（待补充数据后重算）'
        end as explanation_zh
    from item_scores as s
    where s.missing_points <> 0 or coalesce(s.pending_bonus_cut, 0) <> 0
    union all
    select
        s.*, 'group_bonus_cap' as movement_kind, (-s.group_bonus_cap_cut)::decimal(18, 4) as moved,
        '同组（' || s.group_codes || '）加分已达封顶：本项少加 '
        || {{ fmt_num('s.group_bonus_cap_cut') }} || ' 分' as explanation_zh
    from item_scores as s
    where s.group_bonus_cap_cut <> 0
    union all
    select
        s.*, 'bonus_total_cap' as movement_kind, (-s.bonus_cap_cut)::decimal(18, 4) as moved,
        '加分项合计已达封顶：本项少加 ' || {{ fmt_num('s.bonus_cap_cut') }} || ' 分' as explanation_zh
    from item_scores as s
    where s.bonus_cap_cut <> 0
    union all
    -- 折算 (the scheme's not_applicable policy convert), on the unit's first item that does not apply
    select
        s.*, 'conversion' as movement_kind, c.conversion_points as moved,
        '折算：不适用 ' || c.not_applicable_items || ' 项（' || {{ fmt_num('c.not_applicable_points') }}
        || ' 分），得分 ' || {{ fmt_num('c.base_score') }} || ' ÷ 应得分 ' || {{ fmt_num('c.applicable_points') }}
        || ' × 满分 ' || {{ fmt_num('c.full_points') }} || ' = '
        || {{ fmt_num('c.base_score + c.conversion_points') }} || '：'
        || case when c.conversion_points < 0 then '减 ' else '加 ' end
        || {{ fmt_num('abs(c.conversion_points)') }} || ' 分' as explanation_zh
    from item_scores as s
    inner join conversion as c
        on c.scheme_code = s.scheme_code and c.unit_code = s.unit_code and c.conversion_item_code = s.item_code
    where c.conversion_points <> 0
),

composition_movements as (
    select
        c.scheme_code,
        c.scheme_year,
        c.unit_code,
        c.unit_name,
        c.item_code,
        c.item_kind,
        'composition' as rule_shape,
        c.movement_kind,
        c.moved as points,
        abs(c.moved) as raw_points,
        0::decimal(18, 4) as cap_cut,
        null::varchar as measure_code,
        null::decimal(18, 4) as measure_value,
        null::decimal(18, 4) as target,
        'fct_unit_item_scores:' || c.scheme_code || ':' || c.unit_code || ':'
        || coalesce(c.pool_received_from, c.item_code) as source_keys,
        grid.standard_code,
        grid.scheme_file,
        grid.scheme_version,
        c.explanation_zh,
        case
            when c.movement_kind = 'missing_data' and c.status = 'pending' then 'pending'
            when c.movement_kind = 'missing_data' then 'missing' else 'scored'
        end as status
    from composition_steps as c
    inner join grid using (scheme_code, unit_code, item_code)
),

movements as (
    select *, source_keys is not null as has_source_rows, 0 as step_rank from rule_movements
    union all
    select
        *, true as has_source_rows,
        case movement_kind
            when 'group_cap' then 1 when 'item_floor' then 2 when 'pool_transfer' then 3
            when 'pool_charge' then 4 when 'pool_floor' then 5 when 'group_bonus_cap' then 6
            when 'conversion' then 9 else 7
        end as step_rank
    from composition_movements
),

ordered as (
    select
        movements.* exclude (step_rank),
        -- the ledger rows the movement was computed from (its source keys that are ledger row
        -- ids: one event, or the rows a ledger measure sums): 0 for any other movement
        coalesce(len(list_intersect(
            string_split(movements.source_keys, ','),
            (select list(e.ledger_row_id) from events as e)
        )), 0) as ledger_rows,
        -- a movement of one ledger event answers to the event's department (责任部门)
        events.department_code as event_department_code,
        events.department_name as event_department_name,
        events.department_basis as event_department_basis,
        row_number() over (
            partition by movements.scheme_code, movements.unit_code, movements.item_code
            order by
                movements.step_rank, events.event_date nulls first, movements.source_keys nulls first,
                movements.rule_shape, movements.movement_kind
        ) as movement_order
    from movements
    left join events on events.ledger_row_id = movements.source_keys
),

final as (
    select
        ---------- ids
        md5(concat_ws(
            '|', m.scheme_code, m.unit_code, m.item_code, m.rule_shape, m.movement_kind,
            m.source_keys
        )) as movement_id,
        m.scheme_code,
        m.scheme_year,
        m.unit_code,
        m.unit_name,
        m.item_code,
        items.item_name,
        m.movement_order,
        ---------- the department answering for it (责任部门): the ledger event's for a movement
        -- of one event, else the unit's item's (fct_unit_item_scores)
        coalesce(m.event_department_code, grid.department_code) as department_code,
        coalesce(m.event_department_name, grid.department_name) as department_name,
        case
            when m.event_department_code is not null then m.event_department_basis
            else grid.department_basis
        end as department_basis,
        ---------- movement
        m.movement_kind,
        m.rule_shape,
        m.points,
        m.raw_points,
        m.cap_cut,
        m.points <> 0 as is_movement,
        -- 'missing': the rule found no input (or the points that gap cost, missing_data);
        -- 'not_applicable': the item does not apply to the unit (macro item_status)
        coalesce(m.status, 'scored') as status,
        coalesce(labels.status_zh, m.status, 'scored') as status_zh,
        ---------- what it was computed from
        m.measure_code,
        m.measure_value,
        m.target,
        coalesce(
            m.source_keys,
            case
                when m.measure_code is not null and not starts_with(m.measure_code, 'ledger.')
                    then
                        'int_scoring__measures:' || m.unit_code || ':' || m.scheme_year || ':'
                        || m.measure_code || ':无数据'
                else
                    'int_scoring__events:' || m.scheme_code || ':' || m.unit_code || ':' || m.item_code
                    || ':无台账记录'
            end
        ) as source_keys,
        m.has_source_rows,
        m.ledger_rows::integer as ledger_rows,
        m.standard_code,
        ---------- the rule's source
        m.scheme_file,
        m.scheme_version,
        items.source_seed,
        items.source_item,
        items.source_text,
        ---------- for people
        m.explanation_zh
    from ordered as m
    inner join items using (scheme_code, item_code)
    left join status_labels as labels on labels.status = coalesce(m.status, 'scored')
    left join grid using (scheme_code, unit_code, item_code)
)

select * from final
