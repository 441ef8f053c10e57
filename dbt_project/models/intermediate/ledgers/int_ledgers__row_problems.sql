{#- Every reason a ledger row cannot be used, one row per (ledger row, problem), quoting the cell
    as written (SPEC §5: bad rows go to quarantine with file, row, column and reason). -#}
{%- set year = var('year') %}

with rows as (
    -- a row of another assessment year is that year's run's to check
    select * from {{ ref('int_ledgers__rows_resolved') }}
    where not other_year
),

duties as (
    -- duties schemes (seed 002): which department answers for which duty
    select scheme_code, unit_code, item_code from {{ ref('stg_scheme__duties') }}
),

duty_kinds as (
    select event_kind from {{ ref('stg_ledgers__event_kinds') }} where ledger_kind = 'duties'
),

ranges as (
    -- plausible values per event kind and column, each quoting its source (seed registry)
    select * from {{ ref('registry_ledger_ranges') }}
    where min_value is not null or max_value is not null
),

measured as (
    -- a row's amount (in 万元, the ranges' unit) or quantity beside its kind's range
    select
        rows.ledger_row_id,
        ranges.value_column,
        ranges.unit_zh,
        ranges.min_value,
        ranges.max_value,
        kinds.label_zh as kind_zh,
        rows.amount_unit_stated,
        case ranges.value_column when 'amount' then rows.amount_written else rows.quantity_written end
            as written,
        case ranges.value_column when 'amount' then rows.amount_yuan / 10000 else rows.quantity end
            as value
    from rows
    inner join ranges on ranges.event_kind = rows.event_kind
    inner join {{ ref('stg_ledgers__event_kinds') }} as kinds on kinds.event_kind = rows.event_kind
    where rows.row_problem is null
),

implausible as (
    -- outside the range: the suspected unit named when the value fits once rescaled
    -- (400000 in a 万元 column is 40 万元 written in 元; 38 元 is 38 万元 written in the wrong unit)
    select
        ledger_row_id,
        value_column,
        written,
        '「' || kind_zh || '」' || case value_column when 'amount' then '金额' else '数量' end
        || ' ' || written || ' ' || coalesce(amount_unit_stated, unit_zh) || ' 超出合理范围（'
        || coalesce({{ fmt_num('min_value') }}, '') || '–' || coalesce({{ fmt_num('max_value') }}, '')
        || ' ' || unit_zh || '，来源见 registry_ledger_ranges）'
        || case
            when
                value_column = 'amount' and amount_unit_stated = '万元' and value > max_value
                and value / 10000 between min_value and max_value
                then '：疑似按 元 填写（即 ' || {{ fmt_num('value / 10000') }} || ' 万元）'
            when
                value_column = 'amount' and amount_unit_stated = '元' and value < min_value
                and value * 10000 between min_value and max_value
                then '：疑似按 万元 填写（即 ' || {{ fmt_num('value * 10000') }} || ' 万元）'
            else '，请核对数值和单位'
        end as reason
    from measured
    where value < min_value or value > max_value
),

problems as (
    select ledger_row_id, null as column_name, null as value, row_problem as reason
    from rows where row_problem is not null

    union all
    select
        ledger_row_id, 'scheme_code', scheme_written,
        '方案编码不是 {{ year }} 年的考核方案'
    from rows where row_problem is null and not is_known_scheme

    union all
    select
        ledger_row_id, 'unit_code', unit_written,
        case
            when unit_written is null then '单位编码为空'
            else '单位不在考核方案的单位名单中（请填单位编码或单位全称）'
        end
    from rows where row_problem is null and is_known_scheme and unit_code is null

    union all
    select
        ledger_row_id, 'item_code', item_written,
        case
            when item_written is null then '指标编号为空'
            else '指标编号不在考核方案中'
        end
    from rows where row_problem is null and unit_code is not null and not is_known_item

    union all
    select
        ledger_row_id, 'event_date', event_date_written,
        case
            when event_date_written is null then '日期为空'
            when event_date is null
                then '日期无法识别（可写 2024-03-05、2024/3/5、2024年3月5日、2024.3.5）'
            else
                '日期不在考核年度 {{ year }} 年（考核期 {{ year }}-01-01 至 {{ year }}-12-31）内，'
                || '不计入任何指标（其他年度的事项请在“方案编码”列写明该年度的方案）'
        end
    from rows
    where
        row_problem is null
        and (event_date is null or extract(year from event_date) <> {{ year }})

    union all
    select
        ledger_row_id, 'event_kind', event_kind_written,
        case
            when event_kind_written is null then '事项类型为空'
            else '事项类型无法识别（见模板“填写说明”中的事项类型列表）'
        end
    from rows where row_problem is null and event_kind is null

    union all
    select ledger_row_id, 'quantity', quantity_written, '数量不是正数'
    from rows
    where
        row_problem is null and quantity_written is not null
        -- a task quantity of 0 is a fact: no such task this year (seed 001 14(1) 无治理面积任务的，
        -- 此项不计分 → the item is 不适用, int_scoring__not_applicable)
        and (quantity is null or quantity < 0 or (quantity = 0 and event_kind is distinct from 'count_required'))

    union all
    select
        ledger_row_id, 'amount', amount_written,
        '金额无法识别（应为数字，可带单位 元 或 万元，且与金额单位不矛盾）'
    from rows where row_problem is null and amount_written is not null and amount_yuan is null

    union all
    select
        ledger_row_id, 'amount', amount_written,
        '金额没有注明单位：请在表头写“金额（万元）”或“金额（元）”，或在“金额单位”列填 元 或 万元'
    from rows
    where row_problem is null and amount_yuan is not null and amount_unit_stated is null

    union all
    select ledger_row_id, value_column, written, reason from implausible

    union all
    select ledger_row_id, 'amount_unit', amount_unit, '金额单位只能是 元 或 万元'
    from rows
    where row_problem is null and amount_unit is not null and amount_unit not in ('元', '万元', '万')

    union all
    select ledger_row_id, 'deadline', deadline_written, '截止日期无法识别'
    from rows where row_problem is null and deadline_written is not null and deadline is null

    union all
    select ledger_row_id, 'completed_date', completed_date_written, '完成日期无法识别'
    from rows
    where row_problem is null and completed_date_written is not null and completed_date is null

    union all
    select
        ledger_row_id, 'status', status_written,
        '状态只能是 已确认（confirmed）或 已剔除（excused）'
    from rows where row_problem is null and status is null

    union all
    select ledger_row_id, 'approval_ref', approval_ref, '已剔除的事项缺少批准文号'
    from rows where row_problem is null and status = 'excused' and approval_ref is null

    union all
    select ledger_row_id, 'evidence_ref', evidence_ref, '扣分事项缺少证据编号'
    from rows where row_problem is null and is_deduction and evidence_ref is null

    union all
    select ledger_row_id, 'evidence_ref', evidence_ref, '职责完成情况（完成、部分完成）缺少佐证材料编号'
    from rows
    where row_problem is null and event_kind in ('duty_done', 'duty_partial') and evidence_ref is null

    union all
    select
        ledger_row_id, 'unit_code', unit_written,
        '该单位在考核方案中没有这项职责（职责完成情况由承担该职责的部门填报）'
    from rows
    where
        row_problem is null and is_known_item
        and event_kind in (select event_kind from duty_kinds)
        and not exists (
            select 1 from duties
            where
                duties.scheme_code = rows.scheme_code and duties.unit_code = rows.unit_code
                and duties.item_code = rows.item_code
        )

    union all
    select
        ledger_row_id, 'issuing_level', issuing_level,
        '发文层级只能是 国家、自治区、省、市、县、区'
    from rows
    where
        row_problem is null and issuing_level is not null
        and issuing_level not in ('国家', '自治区', '省', '市', '县', '区')
),

final as (
    select
        problems.ledger_row_id,
        problems.column_name::varchar as column_name,
        problems.value::varchar as value,
        problems.reason::varchar as reason
    from problems
)

select * from final
