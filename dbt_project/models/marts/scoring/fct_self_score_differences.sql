{#- Self score (自评分) against assessed score (考核分), per item where they differ (SPEC §4:
    "Self score and assessed score sit side by side; differences are listed"). -#}

with item_scores as (
    select * from {{ ref('fct_unit_item_scores') }}
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
        score as assessed_score,
        (score - self_score)::decimal(18, 4) as difference,
        '自评 ' || {{ fmt_num('self_score') }} || ' 分，考核 ' || {{ fmt_num('score') }} || ' 分，相差 '
            || {{ fmt_num('score - self_score') }} || ' 分' as explanation_zh
    from item_scores
    where self_score is not null and self_score <> score
)

select * from final
