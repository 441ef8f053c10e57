{#- Score of each unit on each scored item, after composition (SPEC §4):
    1. the item's rule movements (item caps already applied, int_scoring__rule_movements);
    2. group caps, in item order (001 18(2): "从总分中予以扣分，最高扣10分"; bonus 5 最高加1.5分);
    3. an item's score stays within [0, points]: deductions beyond its points come off the total
       when the item or its group overflows (001 18(1): "不够扣减的分数从总分中扣减":
       overflow_deductions), and are dropped otherwise (item_floor_cut);
    4. pools: an item without base points (不设基础分) is charged to the scores of its named
       siblings (a heading names all its scored sub-items), which take it in item order down to
       zero and never below (001 5(5)–(11): "从第（1）—（4）项得分中扣分"); pool items are charged
       in item order; what no sibling can hold overflows or is dropped (pool_floor_cut);
    5. a cooperating unit's share zeroed (000: 被通报2次以上的，本项不得分) is a rule movement;
    6. the bonus total cap (001 二、加分项: 加分上限不超过10分), in item order;
    7. the item's status (macro item_status: pending, not_applicable, missing, flagged, scored):
       pending (待核: a ledger row quarantined, issue 31) is withheld like missing data; missing
       data (a rule of the item found no input — no measure value, no peer rank, no completion
       record): the item is credited none of its points, whatever the scheme's `missing_data`
       (flag | zero | block) says; missing_points holds what it would otherwise have kept.
       flag / block: shown as 数据缺失, the unit's result is incomplete (fct_unit_scores); zero:
       the scheme scores a gap as 0. Not applicable (001 14(1) 无治理面积任务的，此项不计分,
       issue 32): shown as 不适用, never 数据缺失; its points leave the unit's base
       (not_applicable_points) and the scheme's policy (exclude / convert, 折算) sets the total
       (step 8, int_scoring__compose_conversion, fct_unit_scores).
    score = points − deductions − missing_points − not_applicable_points (得分, within [0,
    points]); bonuses (加分) sit beside it and score_with_bonuses = score + bonuses; the unit
    total = Σ score_with_bonuses − Σ overflow (+ the conversion under 折算).
    deductions_with_overflow = deductions + overflow_deductions (every point the item's
    deductions took from the total), points_lost = that + missing_points (points −
    not_applicable_points − score + overflow; a point that does not apply is not lost): the same
    names and meanings in fct_unit_scores, summed per unit. Each step is its own
    intermediate model, int_scoring__compose_movements (1), _group_caps (2), _item_floor (3),
    _pools (4), _bonus_cap (6), _missing (7), _conversion (8), unit-tested in
    models/intermediate/scoring/_scoring__compose.yml; this mart names and explains the result. -#}

with composed as (
    -- steps 1–7, one intermediate model each (int_scoring__compose_*)
    select * from {{ ref('int_scoring__compose_missing') }}
),

self_scores as (
    select * from {{ ref('stg_scoring__self_scores') }}
),

status_labels as (
    -- 已计分 / 数据缺失 / 待核实 / 不适用: the one glossary (terms status_<value>)
    select substr(term, 8) as status, label_zh as status_zh
    from {{ ref('glossary') }}
    where term in ({% for status in item_statuses() %}'status_{{ status }}'{{ ', ' if not loop.last }}{% endfor %})
),

final as (
    select
        ---------- ids
        b.scheme_code,
        b.scheme_year,
        b.unit_code,
        b.unit_name,
        b.item_code,
        b.item_order,
        b.parent_code,
        b.item_name,
        b.item_kind,
        b.unit_role,
        ---------- the department answering for the unit's item (责任部门): the unit itself when
        -- it is a department (seeds 000, 002), else the item's lead department in the scheme
        b.department_code,
        b.department_name,
        b.department_role,
        b.department_basis,
        ---------- points
        b.points,
        b.item_deductions::decimal(18, 4) as deductions_before_composition,
        b.deductions::decimal(18, 4) as deductions,
        b.item_bonuses::decimal(18, 4) as bonuses_before_composition,
        b.bonuses::decimal(18, 4) as bonuses,
        -- 得分 within [0, points]; 加分 beside it; the item adds score_with_bonuses to the total
        (b.points - b.deductions - b.missing_points - b.not_applicable_points)::decimal(18, 4) as score,
        (b.points - b.deductions - b.missing_points - b.not_applicable_points + b.bonuses)::decimal(18, 4)
            as score_with_bonuses,
        b.overflow_deductions::decimal(18, 4) as overflow_deductions,
        -- every point deductions took from the unit's total: on the item and beyond it
        (b.deductions + b.overflow_deductions)::decimal(18, 4) as deductions_with_overflow,
        -- what the item did not add of its points: deductions, overflow, points not credited
        (b.deductions + b.overflow_deductions + b.missing_points)::decimal(18, 4) as points_lost,
        ss.self_score,
        ---------- data behind it: the item's status (macro item_status: pending 待核, not_applicable,
        -- missing, flagged, scored) and its Chinese label
        b.status,
        coalesce(labels.status_zh, b.status) as status_zh,
        b.missing_points::decimal(18, 4) as missing_points,
        coalesce(b.pending_bonus_cut, 0)::decimal(18, 4) as pending_bonus_cut,
        b.not_applicable_points::decimal(18, 4) as not_applicable_points,
        b.missing_data,
        ---------- how it composed
        b.group_codes,
        b.charged_to_codes as charged_to,
        b.pool_charged::decimal(18, 4) as pool_charged,
        b.pool_received::decimal(18, 4) as pool_received,
        b.received_from as pool_received_from,
        b.group_cap_cut::decimal(18, 4) as group_cap_cut,
        b.item_floor_cut::decimal(18, 4) as item_floor_cut,
        b.pool_floor_cut::decimal(18, 4) as pool_floor_cut,
        (b.capped_bonuses - b.bonuses - coalesce(b.pending_bonus_cut, 0))::decimal(18, 4) as bonus_cap_cut,
        (b.item_bonuses - b.capped_bonuses)::decimal(18, 4) as group_bonus_cap_cut,
        b.overflows as overflows_to_total,
        nullif(concat_ws(
            '；',
            case
                when b.status = 'pending'
                    then
                        b.pending_zh || '（本项 ' || {{ fmt_num('b.missing_points + b.pending_bonus_cut') }}
                        || ' 分暂不计入）'
                when b.status = 'missing' and b.missing_data = 'zero'
                    then '数据缺失：按方案规定（missing_data: zero）本项计 0 分'
                when b.status = 'missing'
                    then '数据缺失：本项未计分（' || {{ fmt_num('b.missing_points') }} || ' 分待补充数据后重算）'
                when b.status = 'not_applicable' and conversion.not_applicable_policy = 'convert'
                    then
                        '不适用：本项 ' || {{ fmt_num('b.not_applicable_points') }}
                        || ' 分不计入应得分，总分按“得分 ÷ 应得分 × 满分”折算'
                when b.status = 'not_applicable'
                    then '不适用：本项 ' || {{ fmt_num('b.not_applicable_points') }} || ' 分不计分（不计入应得分）'
            end,
            case
                when b.group_cap_cut > 0
                    then '组内最高扣分封顶（' || b.group_codes || '）少扣 ' || {{ fmt_num('b.group_cap_cut') }} || ' 分'
            end,
            case
                when b.item_floor_cut > 0
                    then '扣至本项零分为止，少扣 ' || {{ fmt_num('b.item_floor_cut') }} || ' 分'
            end,
            case
                when b.is_pool_item and b.pool_charged > 0
                    then
                        '不设基础分，从第 ' || b.charged_to_codes || ' 项得分中扣减 '
                        || {{ fmt_num('b.pool_charged') }} || ' 分'
            end,
            case
                when b.pool_floor_cut > 0
                    then '第 ' || b.charged_to_codes || ' 项得分已扣至零，少扣 ' || {{ fmt_num('b.pool_floor_cut') }} || ' 分'
            end,
            case
                when b.pool_received > 0
                    then
                        '承担不设基础分项目（第 ' || b.received_from || ' 项）的扣分 '
                        || {{ fmt_num('b.pool_received') }} || ' 分'
            end,
            case
                when b.overflow_deductions > 0
                    then '不够扣减的 ' || {{ fmt_num('b.overflow_deductions') }} || ' 分从总分中扣减'
            end,
            case
                when b.item_bonuses > b.capped_bonuses
                    then '本组最高加分封顶少加 ' || {{ fmt_num('b.item_bonuses - b.capped_bonuses') }} || ' 分'
            end,
            case
                when b.capped_bonuses > b.bonuses + coalesce(b.pending_bonus_cut, 0)
                    then '加分总分封顶少加 ' || {{ fmt_num('b.capped_bonuses - b.bonuses - coalesce(b.pending_bonus_cut, 0)') }} || ' 分'
            end
        ), '') as composition_zh,
        ---------- source
        b.source_seed,
        b.source_item
    from composed as b
    left join self_scores as ss using (scheme_code, unit_code, item_code)
    left join status_labels as labels on labels.status = b.status
    left join {{ ref('int_scoring__compose_conversion') }} as conversion using (scheme_code, unit_code)
)

select * from final
