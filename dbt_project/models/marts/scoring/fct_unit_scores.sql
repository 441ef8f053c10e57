{#- Each unit's total: Σ item points − deductions + bonuses (SPEC §4: 年度目标考核得分=各单项
    目标分值-扣分+加分), after composition (fct_unit_item_scores), with the deductions that
    overflow into the total (不够扣减的分数从总分中扣减, 001 18(1)): total_score = base_points −
    points_lost + bonuses (+ conversion_points under 折算), points_lost = deductions + overflow_deductions + missing_points (every
    points column means what it means in fct_unit_item_scores, summed); its grade by the scheme's
    thresholds, overridden by a veto (一票否决 → 不合格, seed 001 21(2)) and bounded by grade caps
    (不得确定为优秀); its rank (ties share a rank); the self score (自评分) beside it.
    Missing data (fct_unit_item_scores step 7): a base item whose rule found no input makes the
    result incomplete (is_complete = false, missing_items, missing_points); under the scheme's
    missing_data flag or block, a unit with more than half of its base items, or of its base
    points, missing gets no grade and no rank (数据缺失，不排名), so it cannot outrank units that were scored; under zero
    the gaps are scored 0 and the unit is ranked. Bonus items without data add nothing and do
    not make a result incomplete (a bonus needs its evidence).
    Not applicable (issue 32; 001 14(1) 无治理面积任务的，此项不计分): an item that does not apply
    to the unit leaves its base — base_points is what applies (应得分), full_points the scheme's
    (满分) — and is neither missing nor counted in the missing-data share; under the scheme's
    policy convert (折算) the total adds conversion_points (int_scoring__compose_conversion).
    One grade column: `grade` (null when the unit is not graded). -#}

with item_scores as (
    select * from {{ ref('fct_unit_item_scores') }}
),

grades as (
    select * from {{ ref('stg_scheme__grades') }}
),

bounds as (
    select
        scheme_code, unit_code, movement_kind, rule_shape,
        string_agg(distinct source_item, '、') as bound_items,
        any_value(regexp_extract(explanation_zh, '“(.*)”', 1)) as bound_grade
    from {{ ref('fct_score_movements') }}
    where movement_kind in ('veto', 'grade_cap')
    group by all
),

conversion as (
    select * from {{ ref('int_scoring__compose_conversion') }}
),

totals as (
    select
        scheme_code,
        any_value(scheme_year) as scheme_year,
        unit_code,
        any_value(unit_name) as unit_name,
        -- 应得分: the points of the items that apply to the unit
        sum(points - not_applicable_points)::decimal(18, 4) as base_points,
        -- the same names and meanings as fct_unit_item_scores (summed over the unit's items):
        -- deductions come off the items' scores, overflow_deductions off the total (001 18(1))
        sum(deductions_before_composition)::decimal(18, 4) as deductions_before_composition,
        sum(deductions)::decimal(18, 4) as deductions,
        sum(overflow_deductions)::decimal(18, 4) as overflow_deductions,
        sum(deductions_with_overflow)::decimal(18, 4) as deductions_with_overflow,
        sum(bonuses_before_composition)::decimal(18, 4) as bonuses_before_composition,
        sum(bonuses)::decimal(18, 4) as bonuses,
        sum(points_lost)::decimal(18, 4) as points_lost,
        sum(score_with_bonuses - overflow_deductions)::decimal(18, 4) as scored_total,
        sum(self_score)::decimal(18, 4) as self_score,
        count(self_score) as self_scored_items,
        count(*) filter (where item_kind <> 'bonus' and status <> 'not_applicable') as base_items,
        -- pending review (待核: a ledger row quarantined) counts as missing: its points are withheld
        count(*) filter (where item_kind <> 'bonus' and status in ('missing', 'pending')) as missing_items,
        count(*) filter (where status = 'pending') as pending_items,
        sum(missing_points)::decimal(18, 4) as missing_points,
        string_agg(item_code, '、' order by item_order) filter (where item_kind <> 'bonus' and status in ('missing', 'pending'))
            as missing_item_codes,
        coalesce(any_value(missing_data), 'flag') as missing_data
    from item_scores
    group by scheme_code, unit_code
),

converted as (
    select
        totals.* exclude (scored_total),
        conversion.full_points,
        conversion.not_applicable_items,
        conversion.not_applicable_points,
        conversion.not_applicable_policy,
        conversion.conversion_points,
        (totals.scored_total + conversion.conversion_points)::decimal(18, 4) as total_score,
        conversion.base_score
    from totals
    inner join conversion using (scheme_code, unit_code)
),

graded as (
    select
        converted.*,
        (
            select g.grade from grades as g
            where g.scheme_code = converted.scheme_code and converted.total_score >= g.min_score
            order by g.min_score desc
            limit 1
        ) as grade_by_score,
        veto.bound_grade as veto_grade,
        veto.bound_items as veto_items,
        cap.bound_grade as cap_grade,
        (
            select
                min_score from grades as g where
                g.scheme_code = converted.scheme_code
                and g.grade = cap.bound_grade
        ) as cap_min_score
    from converted
    left join bounds as veto
        on
            veto.scheme_code = converted.scheme_code and veto.unit_code = converted.unit_code
            and veto.movement_kind = 'veto'
    left join bounds as cap
        on
            cap.scheme_code = converted.scheme_code and cap.unit_code = converted.unit_code
            and cap.movement_kind = 'grade_cap'
),

assessable as (
    select
        *,
        missing_items = 0 as is_complete,
        -- most of the assessment without data, by items or by points (an office weighs both)
        not(
            missing_data in ('flag', 'block')
            and (missing_items * 2 > base_items or coalesce(missing_points, 0) * 2 > base_points))
            as is_ranked
    from graded
),

final as (
    select
        -- one grade column (issue 32): what decided it is in grade_note_zh and veto_items
        * exclude (cap_min_score, grade_by_score, veto_grade, cap_grade, base_score),
        case
            when not is_ranked then null
            when veto_grade is not null then veto_grade
            when cap_grade is not null and total_score >= cap_min_score then cap_grade
            else grade_by_score
        end as grade,
        nullif(concat_ws(
            '；',
            case
                when not is_ranked
                    then
                        '数据缺失（' || missing_items || '/' || base_items || ' 项、'
                        || {{ fmt_num('missing_points') }} || '/' || {{ fmt_num('base_points') }}
                        || ' 分无数据：' || missing_item_codes || '），不评定等次、不排名'
                when veto_grade is not null then '一票否决（' || veto_items || '）：' || veto_grade
                when cap_grade is not null and total_score >= cap_min_score
                    then '等次封顶为' || cap_grade || '（得分 ' || {{ fmt_num('total_score') }} || ' 不变）'
            end,
            case
                when is_ranked and missing_items > 0
                    then '数据缺失 ' || missing_items || ' 项（' || missing_item_codes || '），结果不完整'
            end,
            case
                when pending_items > 0
                    then '其中待核 ' || pending_items || ' 项：台账行被隔离，改正后重算（见隔离清单）'
            end,
            case
                when not_applicable_items > 0 and not_applicable_policy = 'convert'
                    then
                        '不适用 ' || not_applicable_items || ' 项（' || {{ fmt_num('not_applicable_points') }}
                        || ' 分）：得分 ' || {{ fmt_num('base_score') }} || ' ÷ 应得分 ' || {{ fmt_num('base_points') }}
                        || ' × 满分 ' || {{ fmt_num('full_points') }} || ' 折算，'
                        || case when conversion_points < 0 then '减 ' else '加 ' end
                        || {{ fmt_num('abs(conversion_points)') }} || ' 分'
                when not_applicable_items > 0
                    then
                        '不适用 ' || not_applicable_items || ' 项（' || {{ fmt_num('not_applicable_points') }}
                        || ' 分），应得分 ' || {{ fmt_num('base_points') }} || ' 分'
            end
        ), '') as grade_note_zh,
        (total_score - self_score)::decimal(18, 4) as score_minus_self_score,
        case when is_ranked then rank() over (partition by scheme_code, is_ranked order by total_score desc)
        end as score_rank
    from assessable
)

select * from final
