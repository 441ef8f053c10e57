{#- Why a unit's grade is not what its score alone gives, with the cause a leader asks for:
    one row per decisive rule and cause.
    veto (一票否决, seed 001 21(2) "具有以下情形之一的，考核结果为‘不合格’") and grade_cap (the national
    "不得确定为优秀"): one row per ledger event that triggered the rule — what happened, when, as the
    ledger describes it (place included), which file and row (fct_movement_sources).
    not_ranked (数据缺失·不排名, fct_unit_scores: more than half of the base items or points without
    data under missing_data flag/block): one row per base item without data and what was looked for.
    cause_zh is the one sentence every output prints (dashboard, workbook, 通报, province page). -#}

with movements as (
    select * from {{ ref('fct_score_movements') }}
),

sources as (
    select * from {{ ref('fct_movement_sources') }}
),

scores as (
    select * from {{ ref('fct_unit_scores') }}
),

item_scores as (
    select * from {{ ref('fct_unit_item_scores') }}
),

registry as (
    select measure_code, label_zh from {{ ref('registry_measures') }}
),

bound as (
    -- the veto / grade-cap movements (they move no points) and the events behind them
    select
        m.scheme_code,
        m.scheme_year,
        m.unit_code,
        m.unit_name,
        m.movement_kind as cause_kind,
        m.item_code,
        m.item_name,
        m.source_seed,
        m.source_item,
        m.source_text,
        regexp_extract(m.explanation_zh, '“(.*)”', 1) as bound_grade,
        s.event_date,
        s.event_zh,
        s.source_file,
        s.source_sheet,
        s.source_row,
        s.source_zh
    from movements as m
    left join sources as s on s.movement_id = m.movement_id
    where m.movement_kind in ('veto', 'grade_cap')
),

looked_for as (
    -- per item, what its rule looked for and did not find, and where the item comes from
    select
        scheme_code, unit_code, item_code,
        any_value(source_seed) as source_seed,
        any_value(source_item) as source_item,
        any_value(source_text) as source_text,
        any_value(measure_code) filter (where status = 'missing') as measure_code
    from movements
    group by all
),

not_ranked as (
    select
        i.scheme_code,
        i.scheme_year,
        i.unit_code,
        i.unit_name,
        'not_ranked' as cause_kind,
        i.item_code,
        i.item_name,
        l.source_seed,
        l.source_item,
        l.source_text,
        null::varchar as bound_grade,
        null::date as event_date,
        '无数据' || coalesce('（' || registry.label_zh || '）', '') as event_zh,
        null::varchar as source_file,
        null::varchar as source_sheet,
        null::integer as source_row,
        null::varchar as source_zh
    from item_scores as i
    inner join scores using (scheme_code, unit_code)
    left join looked_for as l using (scheme_code, unit_code, item_code)
    left join registry on registry.measure_code = l.measure_code
    where not scores.is_ranked and i.item_kind <> 'bonus' and i.status = 'missing'
),

final as (
    select
        *,
        case cause_kind
            when 'veto' then '一票否决'
            when 'grade_cap' then '等次封顶'
            else '数据缺失·不排名'
        end as cause_kind_zh,
        case cause_kind
            when 'veto' then '一票否决，考核结果为“' || bound_grade || '”（得分不变）'
            when 'grade_cap' then '等次最高为“' || bound_grade || '”（得分不变）'
            else '不评定等次、不排名'
        end
        || '。依据：方案第 ' || coalesce(source_item, item_code) || ' 项'
        || coalesce('（' || source_text || '）', '')
        || '。原因：' || coalesce(event_zh, '（未找到触发事件）')
        || coalesce('。来源：' || source_zh, '') || '。' as cause_zh
    from (
        select * from bound
        union all
        select * from not_ranked
    )
)

select * from final
