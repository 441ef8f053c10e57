{#- Self score (自评分) against assessed score (考核分), per item where they differ (SPEC §4:
    "Self score and assessed score sit side by side; differences are listed"). An item's
    assessed score is what it adds to the total: its score plus its bonuses (a bonus item's
    self score is the bonus it claims). -#}

with item_scores as (
    select *, score_with_bonuses as assessed from {{ ref('fct_unit_item_scores') }}
),

final as (
    select
        scheme_code,
        scheme_year,
        unit_code,
        unit_name,
        item_code,
        item_name,
        self_score,
        assessed as assessed_score,
        (assessed - self_score)::decimal(18, 4) as difference,
        '自评 ' || {{ fmt_num('self_score') }} || ' 分，考核 ' || {{ fmt_num('assessed') }} || ' 分，相差 '
        || {{ fmt_num('assessed - self_score') }} || ' 分' as explanation_zh
    from item_scores
    where self_score is not null and self_score <> assessed
)

select * from final
